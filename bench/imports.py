"""A 50,000-row Jira export imported into a fresh database: time and memory against targets.

The export is generated as Jira's "Export Excel CSV (all fields)" writes it: about 120
columns (Labels, Sprint, Watchers and Component/s repeated, dozens of custom fields), 2,000
epics and 48,000 stories, tasks, bugs and sub-tasks pointing at them through
`Custom field (Epic Link)` or the numeric `Parent`, with story points and long multi-line
descriptions, children often before their epic. Targets (issue #7): under 60 s and under
500 MB.

Each measurement runs in a child process on its own empty SQLite database:

- the timed run: wall time, rows per second and the process's peak RSS (getrusage), with
  the parse-only baseline measured in the same process first: `csv.reader` over the same
  file, doing nothing with the rows. The import's time as a multiple of it shows what the
  importer adds to merely reading the file;
- the traced run: the same import under tracemalloc for the peak of Python allocations
  (tracemalloc slows Python down, so its time is not reported).

`python -m bench imports [--rows 50000] [--epics 2000] [--seed 1]`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 60
TARGET_MB = 500
PROJECTS = [f"P{number:02d}" for number in range(20)]
CHILD_TYPES = ["Story"] * 6 + ["Task"] * 2 + ["Bug"] * 2 + ["Sub-task"]
WORDS = [
    "checkout",
    "search",
    "billing",
    "latency",
    "cache",
    "retry",
    "ledger",
    "invoice",
    "onboarding",
    "funnel",
    "cohort",
    "experiment",
    "rollout",
    "dashboard",
    "tracing",
    "alert",
    "schema",
    "migration",
    "consent",
    "locale",
    "currency",
    "refund",
    "audit",
    "partner",
    "webhook",
    "quota",
    "throttle",
    "export",
    "import",
    "mobile",
    "tablet",
    "widget",
]


def _header() -> list[str]:
    base = [
        "Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key",
        "Project name", "Project type", "Project lead", "Project description", "Project url",
        "Priority", "Resolution", "Assignee", "Reporter", "Creator", "Created", "Updated",
        "Last Viewed", "Resolved", "Affects Version/s", "Fix Version/s", "Fix Version/s",
        "Component/s", "Component/s", "Due Date", "Votes", "Labels", "Labels", "Labels",
        "Description", "Environment", "Watchers", "Watchers", "Watchers", "Watchers",
        "Original Estimate", "Remaining Estimate", "Time Spent", "Work Ratio",
        "Σ Original Estimate", "Σ Remaining Estimate", "Σ Time Spent", "Security Level",
        "Inward issue link (Blocks)", "Outward issue link (Blocks)",
        "Inward issue link (Cloners)", "Outward issue link (Relates)", "Attachment",
        "Custom field (Epic Color)", "Custom field (Epic Link)", "Custom field (Epic Name)",
        "Custom field (Epic Status)", "Custom field (Rank)", "Custom field (Start date)",
        "Custom field (Story Points)", "Custom field (Target end)", "Custom field (Team)",
        "Custom field (Development)", "Custom field (Flagged)", "Sprint", "Sprint",
        "Comment", "Comment", "Parent", "Parent summary", "Status Category",
        "Status Category Changed",
    ]  # fmt: skip
    extra = [f"Custom field (Field {number})" for number in range(120 - len(base))]
    return base + extra


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _description(rng: random.Random, paragraphs: int) -> str:
    # Jira wiki markup with CRLF line breaks inside the quoted field, as Jira writes it.
    parts = [f"h2. {_text(rng, 3).capitalize()}"]
    for _ in range(paragraphs):
        parts.append(_text(rng, rng.randint(20, 60)).capitalize() + ".")
        parts.append("* " + _text(rng, 8) + "\r\n* " + _text(rng, 6))
    return "\r\n\r\n".join(parts)


def export_write(path: Path, *, rows: int, epics: int, seed: int) -> None:
    """Write a Jira export of `rows` issues, `epics` of them epics, to `path`."""
    rng = random.Random(seed)
    header = _header()
    column = {name: header.index(name) for name in header}
    epic_numbers = rng.sample(range(1, rows + 1), epics)
    epic_set = set(epic_numbers)
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(header)
        for number in range(1, rows + 1):
            cells = [""] * len(header)
            project = PROJECTS[number % len(PROJECTS)]

            def put(name: str, value: str, *, cells: list[str] = cells) -> None:
                cells[column[name]] = value

            put("Issue key", f"{project}-{number}")
            put("Issue id", str(100_000 + number))
            put("Project key", project)
            put("Project name", f"Project {project}")
            put("Project type", "software")
            put("Project lead", "Cora")
            put("Priority", rng.choice(["Low", "Medium", "High"]))
            put("Reporter", "Cora")
            put("Creator", "Cora")
            put("Created", f"{rng.randint(1, 28):02d}/Mar/24 9:{rng.randint(10, 59)} AM")
            put("Updated", "02/Apr/24 4:05 PM")
            put("Custom field (Rank)", f"0|i{number:05d}:")
            put("Status Category", rng.choice(["To Do", "In Progress", "Done"]))
            put("Status", "Open")
            for position in [i for i, name in enumerate(header) if name == "Labels"][:2]:
                cells[position] = rng.choice(WORDS)
            for position in [i for i, name in enumerate(header) if name == "Watchers"]:
                cells[position] = rng.choice(["Cora", "Gabe", "Pia", "Paul"])
            for position in [i for i, name in enumerate(header) if name == "Sprint"]:
                cells[position] = f"{project} Sprint {rng.randint(1, 30)}"
            for position in range(len(header) - 30, len(header), 3):
                cells[position] = _text(rng, 2)
            if number in epic_set:
                put("Issue Type", "Epic")
                put("Summary", _text(rng, 6).capitalize())
                put("Description", _description(rng, 6))
                put("Custom field (Epic Name)", _text(rng, 3))
                put("Custom field (Start date)", "01/Apr/24 12:00 AM")
                put("Custom field (Target end)", "28/Jun/24")
            else:
                put("Issue Type", rng.choice(CHILD_TYPES))
                put("Summary", _text(rng, 8).capitalize())
                put("Description", _description(rng, rng.randint(1, 3)))
                put("Custom field (Story Points)", str(rng.choice([1, 2, 3, 5, 8, 13])))
                parent = rng.choice(epic_numbers)
                if number % 2:
                    put("Custom field (Epic Link)", f"{PROJECTS[parent % len(PROJECTS)]}-{parent}")
                else:
                    put("Parent", str(100_000 + parent))
            writer.writerow(cells)


def _child_run(path: Path, *, trace: bool) -> dict:
    """Run one import in a child process on an empty temporary database."""
    with tempfile.TemporaryDirectory() as var_dir:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "PRODUCTORG_ENV"}
        }
        env.update({"PRODUCTORG_VAR_DIR": var_dir, "DJANGO_SETTINGS_MODULE": "productorg.settings"})
        arguments = [sys.executable, "-m", "bench.imports", "--child", str(path)]
        if trace:
            arguments.append("--trace")
        child = subprocess.run(  # noqa: S603 - our own module, fixed arguments
            arguments, env=env, capture_output=True, text=True, check=False
        )
        if child.returncode:
            raise RuntimeError(child.stderr)
        return json.loads(child.stdout.strip().splitlines()[-1])


def _parse_only(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as stream:
        count = sum(1 for _ in csv.reader(stream))
    return time.perf_counter() - started, count - 1


def child(path: Path, *, trace: bool) -> dict:
    """In the child: migrate, map the projects to teams, import the file; figures as JSON."""
    import resource
    import tracemalloc

    import django

    django.setup()
    from django.core.management import call_command

    from productorg.interchange.importers.initiatives import team_mappings_save
    from productorg.interchange.importers.jira import jira_import
    from productorg.people.models import Team

    call_command("migrate", verbosity=0)
    teams = Team.objects.bulk_create(Team(name=f"Team {project}") for project in PROJECTS)
    team_mappings_save(
        source="jira", field="Project key", mapping=dict(zip(PROJECTS, teams, strict=True))
    )
    figures: dict = {}
    if not trace:
        figures["parse_seconds"], figures["parsed_rows"] = _parse_only(path)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    with path.open("rb") as stream:
        report = jira_import(file=stream, name=path.name, options={}, dry_run=False, user=None)
    figures["seconds"] = time.perf_counter() - started
    if trace:
        figures["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    # ru_maxrss is in KiB on Linux.
    figures["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["rss_before_import_mb"] = rss_before / 1024
    figures["rows_read"] = report.rows_read
    figures["counts"] = report.counts
    figures["applied"] = report.applied
    figures["errors"] = [f"line {row.line}: {row.reason}" for row in report.errors[:5]]
    return figures


def _verdict(value: float, target: float) -> str:
    return "ok" if value < target else "OVER TARGET"


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        print(json.dumps(child(Path(argv[1]), trace="--trace" in argv)))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench imports")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--epics", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "jira-export.csv"
        started = time.perf_counter()
        export_write(path, rows=options.rows, epics=options.epics, seed=options.seed)
        size_mb = path.stat().st_size / 1e6
        print(
            f"Jira import: {options.rows:,} rows ({options.epics:,} epics), "
            f"{len(_header())} columns, {size_mb:,.1f} MB, generated in "
            f"{time.perf_counter() - started:.1f} s"
        )
        timed = _child_run(path, trace=False)
        traced = _child_run(path, trace=True)
    if not timed["applied"]:
        print(f"The import was not applied: {timed['errors']}")
        return 1
    seconds = timed["seconds"]
    print(f"  outcome            {timed['counts']}")
    print(
        f"  parse-only         {timed['parse_seconds']:6.2f} s  "
        f"(csv.reader over the same file, {timed['parsed_rows']:,} rows)"
    )
    print(
        f"  import wall time   {seconds:6.2f} s  = {seconds / timed['parse_seconds']:.1f}× "
        f"parse-only, {timed['rows_read'] / seconds:,.0f} rows/s   "
        f"target < {TARGET_SECONDS} s: {_verdict(seconds, TARGET_SECONDS)}"
    )
    print(
        f"  max RSS            {timed['max_rss_mb']:6.1f} MB (Django and the empty database: "
        f"{timed['rss_before_import_mb']:.1f} MB)   target < {TARGET_MB} MB: "
        f"{_verdict(timed['max_rss_mb'], TARGET_MB)}"
    )
    print(f"  tracemalloc peak   {traced['tracemalloc_peak_mb']:6.1f} MB (Python allocations)")
    within = seconds < TARGET_SECONDS and timed["max_rss_mb"] < TARGET_MB
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
