"""`productorg report`: the leadership report from the command line, through the same selector
and renderers as the pages.

Exit codes: 0 the report written, 1 nothing in scope to report, 2 bad options (a period that
is not one, a PDF without --output, an unknown leader).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from productorg.console import say


class Format(StrEnum):
    HTML = "html"
    MD = "md"
    PDF = "pdf"


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"


class Scope(StrEnum):
    CROSS_TEAM = "cross_team"
    ORG = "org"
    GROUP = "group"


def report_command(
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="A quarter, half or year: 2027-Q1, 2027-H1, 2027 (default: this quarter).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", help="html, md (Markdown) or pdf.")
    ] = Format.HTML,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="Write to this file (html and md go to stdout without it; pdf needs it).",
        ),
    ] = None,
    scope: Annotated[
        Scope,
        typer.Option(
            "--scope", help="cross_team (initiatives spanning several teams), org or group."
        ),
    ] = Scope.CROSS_TEAM,
    leader: Annotated[
        str | None,
        typer.Option("--leader", help="For --scope group: the leader's email.", show_default=False),
    ] = None,
    paper: Annotated[Paper, typer.Option("--paper", help="PDF paper: a4 or letter.")] = Paper.A4,
    no_save: Annotated[
        bool,
        typer.Option("--no-save", help="Do not save the report's snapshot (saved by default)."),
    ] = False,
) -> None:
    """Write the leadership report of a period as HTML, Markdown or PDF, and save its snapshot
    so the Reports pages list it and the next report shows what moved since."""
    from productorg.cli import _setup_django

    if output_format == Format.PDF and output is None:
        raise typer.BadParameter("a PDF needs --output FILE", param_hint="--output")
    _setup_django()
    from django.utils import timezone
    from django.utils.safestring import mark_safe

    from productorg.people.models import Person
    from productorg.reports import selectors, services
    from productorg.reports.markdown import report_markdown
    from productorg.reports.pdf import report_html_for_pdf, report_pdf

    # Only a missing --period means this quarter; an empty one is a mistake to point out.
    period = selectors.current_quarter() if period is None else period
    try:
        period = selectors.period_checked(period)
    except selectors.ReportError as error:
        raise typer.BadParameter(error.message, param_hint="--period") from error
    leader_id = None
    if scope == Scope.GROUP:
        leader_id = Person.objects.filter(email__iexact=leader or "").values_list("pk", flat=True)
        leader_id = leader_id.first()
        if leader_id is None:
            raise typer.BadParameter("give the email of a leader in the org", param_hint="--leader")
    report_scope = selectors.ReportScope(kind=scope.value, leader_id=leader_id)
    say(f"Collecting the report's data for {period}…")
    snapshot = selectors.leadership_report_data(period=period, scope=report_scope)
    if not snapshot["initiatives"]:
        say(
            f"No initiative is in scope ({snapshot['scope']['description'].lower()}) in "
            f"{period}: there is nothing to report."
        )
        raise typer.Exit(code=1)
    if no_save:
        snapshot = services.snapshot_with_changes(snapshot=snapshot, created_at=timezone.now())
        say(f"{len(snapshot['initiatives'])} initiatives; not saved (--no-save).")
    else:
        report = services.leadership_report_create(
            period=period, scope=report_scope, created_by=None, snapshot=snapshot
        )
        snapshot = report.snapshot
        say(
            f"{len(snapshot['initiatives'])} initiatives; saved the snapshot as report "
            f"{report.pk} (/reports/{report.pk}/)."
        )
    if output_format == Format.PDF:
        say(f"Rendering PDF ({paper.value.upper()})…")
        content: bytes | str = report_pdf(snapshot, paper=paper.value)
    elif output_format == Format.MD:
        content = report_markdown(snapshot)
    else:
        css = (Path(__file__).resolve().parent.parent / "static/css/reports.css").read_text()
        # Our own stylesheet inlined, so the file reads well away from the server.
        content = report_html_for_pdf(snapshot, paper=paper.value, inline_css=mark_safe(css))  # noqa: S308
    if output is None:
        typer.echo(content, nl=False)
        return
    if isinstance(content, bytes):
        output.write_bytes(content)
    else:
        output.write_text(content, encoding="utf-8")
    say(f"Wrote {output}.")
