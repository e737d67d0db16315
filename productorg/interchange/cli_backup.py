"""`productorg backup` and `productorg restore`: the whole database to one file and back.

Exit codes: 0 done; 1 the file cannot be opened or written; 2 a file that is not a restorable
backup, or a database that already holds data (without --force) — nothing is written then.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from productorg.console import say


def _print_counts(counts: dict[str, int]) -> None:
    for label, count in counts.items():
        if count:
            say(f"  {label:<32} {count}")


def backup_command(
    file: Annotated[
        str,
        typer.Argument(help="The file to write (gzip when it ends in .gz); - for stdout."),
    ],
) -> None:
    """Write the whole database, private notes included, to one versioned JSON Lines file."""
    from productorg.cli import _setup_django

    _setup_django()
    from productorg.interchange.backup import backup_write, open_for_writing

    if file == "-":
        summary = backup_write(stream=sys.stdout)
        sys.stdout.flush()
    else:
        try:
            with open_for_writing(file) as stream:
                summary = backup_write(stream=stream)
        except OSError as error:
            say(f"Cannot write {file}: {error.strerror or error}.")
            raise typer.Exit(code=1) from error
    _print_counts(summary.counts)
    where = "stdout" if file == "-" else file
    say(f"Wrote {summary.total} objects to {where}. It holds private data: keep it safe.")


def restore_command(
    file: Annotated[
        str, typer.Argument(help="A file written by `productorg backup`; - for stdin.")
    ],
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace everything in a database that already holds data."),
    ] = False,
) -> None:
    """Load a backup into an empty database (after `productorg migrate`): all of it or nothing."""
    from productorg.cli import _setup_django

    _setup_django()
    from productorg.interchange.backup import BackupError, backup_restore, open_for_reading

    try:
        stream = sys.stdin if file == "-" else open_for_reading(file)
    except OSError as error:
        say(f"Cannot read {file}: {error.strerror or error}.")
        raise typer.Exit(code=1) from error
    try:
        with stream:
            summary = backup_restore(stream=stream, force=force)
    except BackupError as error:
        say(f"{error.message}")
        say("Nothing was restored.")
        raise typer.Exit(code=2) from error
    _print_counts(summary.counts)
    say(f"Restored {summary.total} objects from {file}.")
