"""`productorg export`: initiatives, objectives, the roadmap or a plan as CSV, XLSX or JSON,
through the same selectors and writers as the download links.

Exit codes: 0 written, 1 nothing to export (no such scenario, no plan yet, no such user),
2 bad options (an XLSX without --output)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from productorg.console import active_user_named, say


class Kind(StrEnum):
    INITIATIVES = "initiatives"
    OBJECTIVES = "objectives"
    ROADMAP = "roadmap"
    PLAN = "plan"


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


def export_command(
    kind: Annotated[Kind, typer.Argument(help="initiatives, objectives, roadmap or plan.")],
    output_format: Annotated[
        Format, typer.Option("--format", help="csv, xlsx or json.")
    ] = Format.CSV,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file; `-` or none: stdout (csv and json; xlsx needs a file).",
            show_default=False,
        ),
    ] = None,
    scenario: Annotated[
        str, typer.Option("--scenario", help="For plan: the scenario's name.")
    ] = "Base plan",
    bom: Annotated[
        bool,
        typer.Option("--bom", help="Start a CSV with a byte-order mark (for Excel on Windows)."),
    ] = False,
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Export what this user (username) may see; default: everything, as an admin.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Export initiatives, objectives, the roadmap or a scenario's latest plan.

    Text a spreadsheet would run as a formula (starting with = + - @, tab or carriage
    return) gets a leading ' in CSV and XLSX."""
    from productorg.cli import _setup_django

    to_stdout = output in (None, "-")
    if output_format == Format.XLSX and to_stdout:
        raise typer.BadParameter("an XLSX file needs --output FILE", param_hint="--output")
    _setup_django()
    from productorg.accounts.models import User
    from productorg.interchange import exports, selectors

    if as_user is None:
        # The command line reads the database directly; it exports as an administrator would.
        user = User(username="command line", kind=User.Kind.ADMIN)
    else:
        user = active_user_named(as_user)
        if user is None:
            say(f"No active user is named {as_user!r}.")
            raise typer.Exit(code=1)
    if kind == Kind.PLAN:
        found = selectors.scenario_for_export(name=scenario)
        if found is None:
            say(f"No scenario is named {scenario!r}.")
            raise typer.Exit(code=1)
        try:
            data = selectors.plan_export(user=None if as_user is None else user, scenario=found)
        except selectors.NoPlanError as error:
            say(str(error))
            raise typer.Exit(code=1) from error
    else:
        data = selectors.portfolio_export(kind=kind.value, user=user)
    if output_format == Format.XLSX:
        exports.write_xlsx(data, str(output))
    elif to_stdout:
        _write_text(output_format, data, sys.stdout, bom=bom)
    else:
        with Path(str(output)).open("w", encoding="utf-8", newline="") as stream:
            _write_text(output_format, data, stream, bom=bom)
    if not to_stdout:
        say(f"Wrote {output}.")


def _write_text(output_format: Format, data, stream, *, bom: bool) -> None:
    from productorg.interchange import exports

    if output_format == Format.CSV:
        exports.csv_write(data, stream, bom=bom)
    else:
        exports.json_write(data, stream)
