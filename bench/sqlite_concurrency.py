"""Read-then-write transactions from many processes on one SQLite file.

Runs the same workload twice, side by side: with Django's default SQLite settings (no
OPTIONS: deferred BEGIN, rollback journal, 5 s timeout) and with the project's
`sqlite_database()` (WAL, BEGIN IMMEDIATE, 20 s timeout). Each process repeatedly reads a
counter, pauses a moment and writes it back plus one, inside `transaction.atomic`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROCESSES = 16
TRANSACTIONS = 50
PAUSE_MS = 1.0


def django_default_sqlite(path: Path | str) -> dict:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def project_sqlite(path: Path | str) -> dict:
    from productorg.settings import sqlite_database

    return sqlite_database(path)


CONFIGURATIONS = {
    "Django default": django_default_sqlite,
    "sqlite_database()": project_sqlite,
}


@dataclass
class Outcome:
    attempted: int
    locked: int
    other_errors: int
    committed: int
    final_counter: int
    wall_seconds: float

    @property
    def committed_per_second(self) -> float:
        return self.committed / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def locked_percent(self) -> float:
        return 100 * self.locked / self.attempted if self.attempted else 0.0


def _configure_django(database: dict) -> None:
    import django
    from django.conf import settings

    settings.configure(DATABASES={"default": database}, USE_TZ=True)
    django.setup()


def _worker(database: dict, transactions: int, pause: float, start, results) -> None:
    """One process: `transactions` read-then-write attempts; reports counts and its timespan."""
    _configure_django(database)
    from django.db import OperationalError, connection, transaction

    connection.ensure_connection()
    locked = other_errors = committed = 0
    start.wait()
    began = time.time()
    for _ in range(transactions):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT value FROM counter WHERE id = 1")
                (value,) = cursor.fetchone()
                time.sleep(pause)
                cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
            committed += 1
        except OperationalError as error:
            if "database is locked" in str(error):
                locked += 1
            else:
                other_errors += 1
    results.put((locked, other_errors, committed, began, time.time()))
    connection.close()


def _create_counter(path: Path) -> None:
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
        db.execute("INSERT INTO counter (id, value) VALUES (1, 0)")
    db.close()


def _read_counter(path: Path) -> int:
    import sqlite3

    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT value FROM counter WHERE id = 1").fetchone()[0]
    finally:
        db.close()


def run(database_settings, processes: int, transactions: int, pause: float) -> Outcome:
    """Runs the workload against a fresh temporary file configured by `database_settings`."""
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="bench-sqlite-") as directory:
        path = Path(directory) / "counter.sqlite3"
        _create_counter(path)
        database = database_settings(path)
        # Workers start their clocks together, once all have imported Django and connected.
        start = context.Barrier(processes)
        results = context.Queue()
        workers = [
            context.Process(target=_worker, args=(database, transactions, pause, start, results))
            for _ in range(processes)
        ]
        for worker in workers:
            worker.start()
        reports = [results.get(timeout=120) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
        final_counter = _read_counter(path)
    return Outcome(
        attempted=processes * transactions,
        locked=sum(report[0] for report in reports),
        other_errors=sum(report[1] for report in reports),
        committed=sum(report[2] for report in reports),
        final_counter=final_counter,
        wall_seconds=max(report[4] for report in reports) - min(report[3] for report in reports),
    )


def _table(outcomes: dict[str, Outcome]) -> str:
    rows = [
        ("", *outcomes),
        ("transactions attempted", *(f"{o.attempted}" for o in outcomes.values())),
        ("failed: database is locked", *(f"{o.locked}" for o in outcomes.values())),
        ("failure rate", *(f"{o.locked_percent:.1f} %" for o in outcomes.values())),
        ("other errors", *(f"{o.other_errors}" for o in outcomes.values())),
        ("committed", *(f"{o.committed}" for o in outcomes.values())),
        ("final counter (= committed?)", *(f"{o.final_counter}" for o in outcomes.values())),
        ("wall time", *(f"{o.wall_seconds:.2f} s" for o in outcomes.values())),
        ("committed per second", *(f"{o.committed_per_second:.0f}" for o in outcomes.values())),
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=PROCESSES)
    parser.add_argument("--transactions", type=int, default=TRANSACTIONS, help="per process")
    parser.add_argument(
        "--pause-ms", type=float, default=PAUSE_MS, help="between the read and the write"
    )
    options = parser.parse_args(argv)

    print(
        f"SQLite concurrency: {options.processes} processes x {options.transactions} "
        f"read-then-write transactions, {options.pause_ms:g} ms between read and write"
    )
    outcomes = {
        name: run(settings, options.processes, options.transactions, options.pause_ms / 1000)
        for name, settings in CONFIGURATIONS.items()
    }
    print(_table(outcomes))
    default, project = outcomes.values()
    failures = (
        f"{default.locked / project.locked:.1f}" if project.locked else "unbounded (none failed)"
    )
    print(f"ratio default / sqlite_database(): failures {failures}, ", end="")
    print(f"wall time {default.wall_seconds / project.wall_seconds:.2f}, ", end="")
    print(f"committed {default.committed / project.committed:.2f}")
    lost = [name for name, o in outcomes.items() if o.final_counter != o.committed]
    if lost:
        print(f"LOST UPDATES with: {', '.join(lost)}")
    return (
        1
        if project.locked or project.other_errors or project.final_counter != project.committed
        else 0
    )
