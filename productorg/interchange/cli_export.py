"""`productorg export`: initiatives, objectives, the roadmap or a plan as CSV, XLSX or JSON,
through the same selectors and writers as the download links.

The filter options are the query string of the Initiatives, Roadmap and Strategy pages, read
by the same filter forms, so `--status in_progress --team Checkout` gives what those pages show.

Exit codes: 0 written, 1 nothing to export (no such scenario, no plan yet, no such user),
2 bad options (an XLSX without --output, a filter value that is not valid)."""

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
    status: Annotated[
        str | None,
        typer.Option(help="Only this status (idea, discovery, planned, in_progress, ...)."),
    ] = None,
    team: Annotated[str | None, typer.Option(help="Only this team (its name or id).")] = None,
    area: Annotated[
        str | None, typer.Option(help="roadmap: only the teams of this product area.")
    ] = None,
    category: Annotated[
        str | None, typer.Option(help="Only this work category (feature, growth, ...).")
    ] = None,
    health: Annotated[
        str | None, typer.Option(help="initiatives: only this health (green, amber, red).")
    ] = None,
    tag: Annotated[str | None, typer.Option(help="initiatives: only this tag.")] = None,
    source: Annotated[
        str | None, typer.Option(help="initiatives: only what this import brought (jira, ...).")
    ] = None,
    search: Annotated[
        str | None, typer.Option("--q", help="initiatives: titles containing this text.")
    ] = None,
    objective: Annotated[
        int | None, typer.Option(help="initiatives, roadmap: only work serving this objective id.")
    ] = None,
    first_quarter: Annotated[
        str | None, typer.Option("--from", help="roadmap: the window's first quarter (2027-Q1).")
    ] = None,
    quarters: Annotated[
        int | None, typer.Option(help="roadmap: how many quarters the window has (1-8).")
    ] = None,
    period: Annotated[
        str | None, typer.Option(help="objectives: only this period (2027-Q1, 2027-H1, 2027).")
    ] = None,
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
        query = _filter_query(
            kind,
            {
                "status": status,
                "team": _team_id(team),
                "area": area,
                "category": category,
                "health": health,
                "tag": tag,
                "source": source,
                "q": search,
                "objective": objective,
                "from": first_quarter,
                "quarters": quarters,
                "period": period,
            },
        )
        data = selectors.portfolio_export(kind=kind.value, user=user, query=query)
    if output_format == Format.XLSX:
        exports.write_xlsx(data, str(output))
    elif to_stdout:
        _write_text(output_format, data, sys.stdout, bom=bom)
    else:
        with Path(str(output)).open("w", encoding="utf-8", newline="") as stream:
            _write_text(output_format, data, stream, bom=bom)
    if not to_stdout:
        say(f"Wrote {output}.")


# The filters each page takes; an option the export's page has no filter for is refused.
PAGE_FILTERS = {
    Kind.INITIATIVES: {"status", "team", "category", "health", "tag", "source", "q", "objective"},
    Kind.ROADMAP: {"status", "team", "area", "category", "objective", "from", "quarters"},
    Kind.OBJECTIVES: {"period"},
    Kind.PLAN: set(),
}


def _team_id(team: str | None) -> str | None:
    """A team named on the command line, as the pages' `team` parameter (its id)."""
    if team is None or team.isdigit():
        return team
    from productorg.people.models import Team

    found = Team.objects.filter(name__iexact=team.strip()).values_list("pk", flat=True).first()
    if found is None:
        raise typer.BadParameter(f"no team is named {team!r}", param_hint="--team")
    return str(found)


def _filter_query(kind: Kind, options: dict[str, object]):
    """The options given as the page's query string; one its page cannot take is refused,
    where the page would drop it: a command line says what went wrong."""
    from django.http import QueryDict

    from productorg.interchange import selectors

    given = {name: str(value) for name, value in options.items() if value is not None}
    unknown = sorted(given.keys() - PAGE_FILTERS[kind])
    if unknown:
        names = ", ".join(f"--{name}" for name in unknown)
        raise typer.BadParameter(f"{kind.value} cannot be filtered by {names}")
    query = QueryDict(mutable=True)
    query.update(given)
    invalid = selectors.export_filter_errors(kind=kind.value, query=query)
    if invalid:
        raise typer.BadParameter("not a valid value for " + ", ".join(invalid))
    return query


def _write_text(output_format: Format, data, stream, *, bom: bool) -> None:
    from productorg.interchange import exports

    if output_format == Format.CSV:
        exports.csv_write(data, stream, bom=bom)
    else:
        exports.json_write(data, stream)
