"""Runs every benchmark in turn: `python -m bench`."""

from __future__ import annotations

import sys

from bench import pages, sqlite_concurrency


def main(argv: list[str]) -> int:
    status = sqlite_concurrency.main(argv)
    print()
    return status or pages.main([])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
