"""Runs every benchmark in turn: `python -m bench`; or one, with its own options:
`python -m bench load --users 50 --seconds 60`."""

from __future__ import annotations

import sys

from bench import imports, load, markdown, pages, plan, ranking, report, sqlite_concurrency

BENCHMARKS = {
    "sqlite_concurrency": sqlite_concurrency.main,
    "pages": pages.main,
    "ranking": ranking.main,
    "load": load.main,
    "plan": plan.main,
    "report": report.main,
    "imports": imports.main,
    "markdown": markdown.main,
}


def main(argv: list[str]) -> int:
    if argv and argv[0] in BENCHMARKS:
        return BENCHMARKS[argv[0]](argv[1:])
    # Options without a name are sqlite_concurrency's, as before there was a choice.
    statuses = [sqlite_concurrency.main(argv)]
    print()
    statuses.append(pages.main([]))
    print()
    statuses.append(ranking.main([]))
    print()
    statuses.append(load.main([]))
    print()
    # The planner at size S only: M and L take minutes (`python -m bench plan` runs all three).
    statuses.append(plan.main(["--sizes", "S"]))
    print()
    statuses.append(report.main([]))
    print()
    statuses.append(imports.main([]))
    print()
    statuses.append(markdown.main([]))
    return max(statuses)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
