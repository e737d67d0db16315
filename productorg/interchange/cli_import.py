"""`productorg import`: read a tool's export into ProductOrg, as the import page does.

Each subcommand reads one kind of export (`jira`, ...) through the same importer as the page:
a dry run shows every row's fate and writes nothing; a real run writes all rows or, when any
row is bad or a team value is not mapped yet, nothing. The report goes to stdout, progress to
stderr. Options and team mappings of a successful run are remembered for the next one.

Exit codes: 0 imported (or a clean dry run); 1 rows in error or unmapped team values (nothing
written); 2 bad usage: unknown user or team, bad option, a file that cannot be read as an
export of that kind.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from productorg.console import active_user_named, say

if TYPE_CHECKING:
    from productorg.accounts.models import User
    from productorg.interchange.importers.report import ImportReport
    from productorg.people.models import Team

LISTED_ROWS = 200
PROGRESS_SECONDS = 2.0

import_app = typer.Typer(
    help="Import initiatives from a tool's export (Jira, ...). A dry run with --dry-run.",
    no_args_is_help=True,
)


def _fail(message: str, code: int = 2) -> typer.Exit:
    say(message)
    return typer.Exit(code=code)


# Shared by every subcommand.


def _resolve_user(
    as_user: str | None, *, allowed: Callable[[User], bool], refusal: str
) -> User | None:
    """The user to import as: none (the command line's own rights, as `productorg export`
    without --as) or the named active user, who must be allowed to import."""
    if as_user is None:
        return None
    user = active_user_named(as_user)
    if user is None:
        raise _fail(f"No active user is named {as_user!r}.")
    if not allowed(user):
        raise _fail(f"{as_user} may not do this: {refusal}")
    return user


def _importing_user(as_user: str | None, *, target: str) -> User | None:
    """The --as user, who must be a leader for initiatives and an admin for people and teams."""
    from productorg.accounts.permissions import can_import_initiatives, can_import_people

    if target == "initiatives":
        return _resolve_user(
            as_user,
            allowed=can_import_initiatives,
            refusal="only product leaders import initiatives.",
        )
    return _resolve_user(
        as_user, allowed=can_import_people, refusal="only administrators import people."
    )


def _remembered_with(
    source: str, *, map_category: list[str] | None = None, **flags: Any
) -> dict[str, Any]:
    """The options of the source's last successful import, overridden by the flags given;
    --map-category answers are added to the remembered ones. Exit 2 on a bad option."""
    from productorg.interchange.importers.options import CommonOptions, category_values_of
    from productorg.interchange.services import import_profile_options

    remembered = import_profile_options(source=source)
    given = {name: value for name, value in flags.items() if value is not None}
    options = {**remembered, **given}
    try:
        if map_category:
            options["category_values"] = {
                **category_values_of(remembered.get("category_values") or {}),
                **category_values_of("\n".join(map_category)),
            }
        # Checked here so a bad option stops before the file is read; stored normalised.
        return {**options, **CommonOptions.from_dict(options).to_dict()}
    except ValueError as error:
        raise _fail(str(error)) from error


def _team_mapping(flags: list[str]) -> dict[str, Team | None]:
    """--map-team "VALUE=Team name" flags as value → team; "VALUE=" means no team."""
    from productorg.people.models import Team

    mapping: dict[str, Team | None] = {}
    for flag in flags:
        value, equals, team_name = flag.partition("=")
        if not equals or not value.strip():
            raise _fail(f"--map-team {flag!r}: write it as VALUE=TEAM (or VALUE= for no team).")
        team = None
        if team_name.strip():
            team = Team.objects.filter(name__iexact=team_name.strip()).first()
            if team is None:
                names = ", ".join(Team.objects.values_list("name", flat=True)) or "none yet"
                raise _fail(
                    f"--map-team {flag!r}: no team is named {team_name.strip()!r} (teams: {names})."
                )
        mapping[value.strip()] = team
    return mapping


class _ProgressPrinter:
    """Prints a line to stderr at most every couple of seconds, like `productorg plan`."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.started = time.monotonic()
        self.last = 0.0
        self.quiet = quiet

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if self.quiet or (now - self.last < PROGRESS_SECONDS and done < total):
            return
        self.last = now
        elapsed = now - self.started
        share = done / total if total else 1.0
        if phase == "reading":
            what = f"{_megabytes(done)} of {_megabytes(total)} MB"
        else:
            what = f"{done:,} of {total:,} initiatives"
        say(f"{elapsed:7.1f} s  {phase:<8} {share:6.1%}  {what}")


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f}" if size >= 100_000 else f"{size / 1e6:.3f}"


def _print_report(report: ImportReport, *, verbose: bool, map_flag: str = "--map-team") -> None:
    """The report as the page shows it: rows (a dry run), errors, notes, unmapped values."""
    counts = report.counts
    would = "would be " if report.dry_run or not report.applied else ""
    typer.echo(
        f"Read {report.rows_read:,} rows: {counts['create']:,} {would}created, "
        f"{counts['update']:,} {would}updated, {counts['unchanged']:,} unchanged, "
        f"{counts['skip']:,} skipped, {counts['error']:,} in error."
    )
    if report.dry_run:
        _print_rows(report, verbose=verbose)
    errors = report.errors
    for outcome in errors:
        key = f"{outcome.key}: " if outcome.key else ""
        typer.echo(f"line {outcome.line}: {key}{outcome.reason}")
    for note in report.notes:
        typer.echo(f"Note: {note}")
    for field, values in report.unmapped.items():
        if not values:
            continue
        flags = " ".join(f"{map_flag} {shlex.quote(value + '=TEAM')}" for value in values)
        typer.echo(
            f"No team is mapped to these {field} values yet: {', '.join(values)}.\n"
            f"Map each to a ProductOrg team (VALUE= imports without a team) and run again:\n"
            f"  {flags}"
        )
    if report.applied:
        typer.echo("Imported.")
    elif report.dry_run:
        typer.echo("Dry run: nothing was written.")
    else:
        typer.echo("Nothing was written: fix the rows or map the values above, then run again.")


def _print_rows(report: ImportReport, *, verbose: bool) -> None:
    shown = report.outcomes if verbose else report.outcomes[:LISTED_ROWS]
    indent = " " * 13
    for outcome in shown:
        detail = f" — {outcome.reason}" if outcome.reason else ""
        typer.echo(
            f"line {outcome.line:>6}  {outcome.action.value:<9}  {outcome.key:<12}  "
            f"{outcome.title}{detail}"
        )
        if outcome.category or outcome.status:
            typer.echo(
                f"{indent}category: {_category_shown(outcome)} · status: {outcome.status} · "
                f"health: {outcome.health} · effort: {outcome.effort}"
            )
        for name, before, after in outcome.changes:
            typer.echo(f"{indent}{name}: {before} → {after}")
    hidden = len(report.outcomes) - len(shown)
    if hidden:
        typer.echo(f"... and {hidden:,} more (--verbose lists every row)")


def _category_shown(outcome) -> str:
    if outcome.category_from == "default":
        return f"{outcome.category} (default)"
    if outcome.category_from == "kept":
        return f"{outcome.category} (kept)"
    if not outcome.category_from:
        return f"{outcome.category} (not chosen)"
    return outcome.category


def _run_import(run: Callable[[], ImportReport]) -> ImportReport:
    """Call an importer, turning a file it cannot read or a bad option into exit code 2."""
    from django.core.exceptions import PermissionDenied

    from productorg.interchange.importers.reading import ReadError

    try:
        return run()
    except ReadError as error:
        raise _fail(f"Cannot import this file: {error.message}") from error
    except (ValueError, PermissionDenied) as error:
        raise _fail(str(error)) from error


def _import(
    *,
    source: str,
    file: Path,
    options: dict[str, Any],
    team_field: str,
    map_team: list[str],
    dry_run: bool,
    user: User | None,
    verbose: bool,
    quiet: bool,
    target: str = "initiatives",
    remember: bool = True,
) -> ImportReport:
    """Run one import with progress on stderr and print its report; when it was applied,
    remember its options (if `remember`) and the --map-team answers for the next one."""
    from productorg.interchange.importers.initiatives import team_mappings_save
    from productorg.interchange.services import (
        import_file,
        import_profile_save,
        remembered_options,
    )

    mapping = _team_mapping(map_team)
    with _open(file) as stream:
        report = _run_import(
            lambda: import_file(
                source=source,
                target=target,
                file=stream,
                name=file.name,
                options=options,
                dry_run=dry_run,
                user=user,
                progress=_ProgressPrinter(quiet=quiet),
                team_mapping=mapping,
            )
        )
    _print_report(report, verbose=verbose)
    if report.applied:
        if remember:
            import_profile_save(source=source, options=remembered_options(options))
        if team_field and mapping:
            team_mappings_save(source=source, field=team_field, mapping=mapping)
    return report


def _exit_unless_ok(report: ImportReport) -> None:
    """Exit 1 when the import has a bad row or an unmapped team (nothing was written)."""
    if not report.ok:
        raise typer.Exit(code=1)


def _open(file: Path):
    try:
        return file.open("rb")
    except OSError as error:
        raise _fail(f"Cannot open {file}: {error.strerror or error}.") from error


# Jira.

FileArgument = Annotated[
    Path, typer.Argument(dir_okay=False, help="The export file (CSV or XLSX).")
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would happen; write nothing.")]
MapTeam = Annotated[
    list[str] | None,
    typer.Option(
        "--map-team",
        help='VALUE=TEAM: import this team value into this team ("VALUE=" for no team); '
        "repeatable, remembered after a successful import.",
        show_default=False,
    ),
]
AsUser = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Import as this user (username), who must be a product leader; default: the "
        "command line's own rights.",
        show_default=False,
    ),
]
DecimalMark = Annotated[
    str | None,
    typer.Option(
        "--decimal-mark",
        help='The decimal mark of the file\'s numbers: "." (1,250.5; the default) or "," '
        "(1.250,5). A number it cannot read is a row error.",
        show_default=False,
    ),
]
DefaultCategory = Annotated[
    str | None,
    typer.Option(
        "--default-category",
        help="The work category of initiatives the file names none for: feature, growth, "
        'scaling, pmf, or "none" (the default: leave unchosen).',
        show_default=False,
    ),
]
CategoryColumn = Annotated[
    str | None,
    typer.Option(
        "--category-column",
        help='The column whose values name the work category: "Labels", "Issue Type", '
        '"Component/s" or any other ("" for none).',
        show_default=False,
    ),
]
MapCategory = Annotated[
    list[str] | None,
    typer.Option(
        "--map-category",
        help='VALUE=CATEGORY: what a value of the category column means, e.g. "Tech '
        'debt=scaling" ("VALUE=" for no category); repeatable, remembered.',
        show_default=False,
    ),
]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="List every row of a dry run.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")]


@import_app.command("jira")
def import_jira(
    file: FileArgument,
    dry_run: DryRun = False,
    issue_types: Annotated[
        str | None,
        typer.Option(
            "--issue-types", help='Issue types that become initiatives, e.g. "Epic,Initiative".'
        ),
    ] = None,
    points_per_week: Annotated[
        str | None,
        typer.Option("--points-per-week", help="Story points per person-week (default 5)."),
    ] = None,
    team_field: Annotated[
        str | None,
        typer.Option(
            "--team-field",
            help='Column naming the team: "Project key" (default), "Project name", '
            '"Component/s" or any other, such as "Custom field (Team)".',
        ),
    ] = None,
    start_field: Annotated[
        str | None, typer.Option("--start-field", help="Column of the start date.")
    ] = None,
    target_field: Annotated[
        str | None, typer.Option("--target-field", help="Column of the target date.")
    ] = None,
    decimal_mark: DecimalMark = None,
    default_category: DefaultCategory = None,
    category_column: CategoryColumn = None,
    map_category: MapCategory = None,
    map_team: MapTeam = None,
    as_user: AsUser = None,
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Import a Jira "Export Excel CSV (all fields)": epics become initiatives.

    Options not given are the ones of the last successful Jira import (or the defaults)."""
    from productorg.cli import _setup_django

    _setup_django()
    from productorg.interchange.importers.jira import JiraOptions
    from productorg.interchange.importers.options import CommonOptions

    user = _importing_user(as_user, target="initiatives")
    options = _remembered_with(
        "jira",
        issue_types=issue_types,
        points_per_person_week=points_per_week,
        team_field=team_field,
        start_field=start_field,
        target_field=target_field,
        decimal_mark=decimal_mark,
        default_category=default_category,
        category_column=category_column,
        map_category=map_category,
    )
    try:
        jira_options = JiraOptions.from_dict(options)
    except ValueError as error:
        raise _fail(str(error)) from error
    common = CommonOptions.from_dict(options)
    report = _import(
        source="jira",
        file=file,
        options={**jira_options.to_dict(), **common.to_dict()},
        team_field=jira_options.team_field,
        map_team=map_team or [],
        dry_run=dry_run,
        user=user,
        verbose=verbose,
        quiet=quiet,
    )
    _exit_unless_ok(report)


# Linear.


@import_app.command("linear")
def import_linear(
    file: FileArgument,
    dry_run: DryRun = False,
    points_per_week: Annotated[
        str | None,
        typer.Option("--points-per-week", help="Estimate points per person-week (default 5)."),
    ] = None,
    level: Annotated[
        str | None,
        typer.Option(
            "--level",
            help='"issues" (default): each issue becomes an initiative; "projects": each '
            "project does, with its issues' estimates summed.",
        ),
    ] = None,
    decimal_mark: DecimalMark = None,
    default_category: DefaultCategory = None,
    category_column: CategoryColumn = None,
    map_category: MapCategory = None,
    map_team: MapTeam = None,
    as_user: AsUser = None,
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Import a Linear CSV export (Settings → Import/Export → Export CSV) as initiatives.

    Options not given are the ones of the last successful Linear import (or the defaults)."""
    from productorg.cli import _setup_django

    _setup_django()
    from productorg.interchange.importers.linear import TEAM_FIELD, LinearOptions
    from productorg.interchange.importers.reading import ReadError

    user = _importing_user(as_user, target="initiatives")
    options = _remembered_with(
        "linear",
        points_per_person_week=points_per_week,
        level=level,
        decimal_mark=decimal_mark,
        default_category=default_category,
        category_column=category_column,
        map_category=map_category,
    )
    try:
        chosen = LinearOptions.of(options)
    except ReadError as error:
        raise _fail(error.message) from error
    report = _import(
        source="linear",
        file=file,
        options=chosen.to_dict(),
        team_field=TEAM_FIELD,
        map_team=map_team or [],
        dry_run=dry_run,
        user=user,
        verbose=verbose,
        quiet=quiet,
    )
    _exit_unless_ok(report)


# Productboard, Aha! and any CSV or XLSX, through a column mapping.

Target = Annotated[
    str,
    typer.Option("--target", help="What the rows become: initiatives, people or teams."),
]
Preset = Annotated[
    str | None,
    typer.Option(
        "--preset", help="Use the column mapping saved under this name.", show_default=False
    ),
]
Column = Annotated[
    list[str] | None,
    typer.Option(
        "--column",
        help='FIELD=COLUMN, e.g. "title=Feature name"; repeatable, over --preset or the '
        "suggested mapping.",
        show_default=False,
    ),
]
SavePreset = Annotated[
    str | None,
    typer.Option(
        "--save-preset", help="Save the mapping used under this name.", show_default=False
    ),
]
MappedAsUser = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Import as this user (username): a product leader for initiatives, an "
        "administrator for people and teams; default: the command line's own rights.",
        show_default=False,
    ),
]


def _mapped_command(source: str, summary: str) -> None:
    """Register `productorg import SOURCE`: the column-mapping import of one kind of export."""

    def command(
        file: FileArgument,
        target: Target = "initiatives",
        preset: Preset = None,
        column: Column = None,
        save_preset: SavePreset = None,
        dry_run: DryRun = False,
        decimal_mark: DecimalMark = None,
        default_category: DefaultCategory = None,
        map_category: MapCategory = None,
        map_team: MapTeam = None,
        as_user: MappedAsUser = None,
        verbose: Verbose = False,
        quiet: Quiet = False,
    ) -> None:
        _import_mapped(
            source=source,
            file=file,
            target=target,
            preset=preset,
            columns=column or [],
            save_preset=save_preset,
            flags={
                "decimal_mark": decimal_mark,
                "default_category": default_category,
                "map_category": map_category,
            },
            dry_run=dry_run,
            map_team=map_team or [],
            as_user=as_user,
            verbose=verbose,
            quiet=quiet,
        )

    command.__doc__ = summary
    import_app.command(source)(command)


for _source, _summary in (
    ("productboard", "Import a Productboard features export (CSV or XLSX), columns mapped."),
    ("aha", "Import an Aha! features export (CSV or XLSX), columns mapped."),
    ("csv", "Import initiatives, people or teams from any CSV or XLSX, columns mapped."),
):
    _mapped_command(_source, _summary)


def _import_mapped(
    *,
    source: str,
    file: Path,
    target: str,
    preset: str | None,
    columns: list[str],
    save_preset: str | None,
    flags: dict[str, Any],
    dry_run: bool,
    map_team: list[str],
    as_user: str | None,
    verbose: bool,
    quiet: bool,
) -> None:
    """The productboard, aha and csv subcommands: one command, three sources. The decimal
    mark and category options are remembered per source; the columns by --save-preset."""
    from productorg.cli import _setup_django

    _setup_django()
    from productorg.interchange.importers.mapped import mapping_preset_save

    if target not in ("initiatives", "people", "teams"):
        raise _fail(f"--target {target!r}: choose initiatives, people or teams.")
    user = _importing_user(as_user, target=target)
    mapped_columns = _mapping_columns(source, target, file, preset, columns)
    typer.echo(
        "Columns: " + ", ".join(f"{field}={name!r}" for field, name in mapped_columns.items())
    )
    options = _remembered_with(source, **flags)
    report = _import(
        source=source,
        target=target,
        file=file,
        options={**options, "columns": mapped_columns},
        team_field=mapped_columns.get("team", "") if target == "initiatives" else "",
        map_team=map_team if target == "initiatives" else [],
        dry_run=dry_run,
        user=user,
        verbose=verbose,
        quiet=quiet,
    )
    if save_preset:
        # Saved once the mapping has fitted the file, even when rows are in error: the rows
        # get fixed, the mapping stays.
        mapping_preset_save(
            name=save_preset, source=source, target=target, columns=mapped_columns, user=user
        )
        typer.echo(f"Saved the mapping as {save_preset!r}.")
    _exit_unless_ok(report)


def _mapping_columns(
    source: str, target: str, file: Path, preset: str | None, flags: list[str]
) -> dict[str, str]:
    """The field → column mapping: the preset's or the suggested one, then --column flags."""
    from productorg.interchange.importers.mapped import suggest_columns
    from productorg.interchange.importers.reading import ReadError, open_table
    from productorg.interchange.models import MappingPreset

    if preset is not None:
        found = MappingPreset.objects.filter(name=preset).first()
        if found is None:
            names = ", ".join(MappingPreset.objects.values_list("name", flat=True)) or "none yet"
            raise _fail(f"--preset {preset!r}: no mapping is saved under that name ({names}).")
        columns = dict(found.columns)
    elif flags:
        columns = {}
    else:
        with _open(file) as stream:
            try:
                header = list(open_table(stream, name=file.name).header.names)
            except ReadError as error:
                raise _fail(f"Cannot import this file: {error.message}") from error
        columns = suggest_columns(target=target, header_names=header, source=source)
    for flag in flags:
        field, equals, name = flag.partition("=")
        if not equals or not field.strip():
            raise _fail(f"--column {flag!r}: write it as FIELD=COLUMN, e.g. title=Name.")
        if name.strip():
            columns[field.strip()] = name.strip()
        else:
            # "FIELD=" takes a suggested or preset column off the mapping.
            columns.pop(field.strip(), None)
    return columns
