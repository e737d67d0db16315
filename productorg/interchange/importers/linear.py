"""Linear's CSV export (Settings → Import/Export → Export CSV) as initiatives.

Linear writes one of two shapes: 30 columns, or 34 with UUID, Time in status and the link
columns (Related to, Blocked by, Duplicate of). Both are read by column name. Each issue
becomes an initiative (or, with level "projects", each project does), matched on re-import
by the Linear ID; the writing is initiatives_apply's, as for every importer.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied

from productorg.accounts import permissions
from productorg.accounts.models import User
from productorg.interchange.importers.initiatives import InitiativeRecord, initiatives_apply
from productorg.interchange.importers.options import (
    CommonOptions,
    category_column_note,
    note_unknown_categories,
)
from productorg.interchange.importers.reading import (
    ReadError,
    Row,
    Table,
    open_table,
    parse_date,
    strip_formula_guard,
)
from productorg.interchange.importers.report import Action, ImportReport, Progress, no_progress
from productorg.people.models import Team
from productorg.strategy.models import ImportSource, InitiativeStatus, WorkCategory

SOURCE = ImportSource.LINEAR.value
TEAM_FIELD = "Team"
DEFAULT_POINTS_PER_PERSON_WEEK = Decimal(5)

# Every Linear export has these; a file without them is not one (or was edited badly).
REQUIRED_COLUMNS = ("ID", "Title", "Team", "Status")

# Columns only a Jira export has: a Jira file given here gets pointed to the right importer.
_JIRA_SIGNS = (("Issue key", "Issue Type"), ("Issue key", "Summary"))

# Linear's workflow states are named per team, so names are a fallback: the Completed and
# Canceled timestamps decide first. Backlog and Triage are ideas (nobody committed to them
# yet); Todo is planned.
_STATUS_BY_NAME = {
    "canceled": InitiativeStatus.DROPPED,
    "cancelled": InitiativeStatus.DROPPED,
    "duplicate": InitiativeStatus.DROPPED,
    "won't do": InitiativeStatus.DROPPED,
    "wont do": InitiativeStatus.DROPPED,
    "done": InitiativeStatus.DONE,
    "completed": InitiativeStatus.DONE,
    "shipped": InitiativeStatus.DONE,
    "released": InitiativeStatus.DONE,
    "in progress": InitiativeStatus.IN_PROGRESS,
    "in review": InitiativeStatus.IN_PROGRESS,
    "in development": InitiativeStatus.IN_PROGRESS,
    "started": InitiativeStatus.IN_PROGRESS,
    "todo": InitiativeStatus.PLANNED,
    "to do": InitiativeStatus.PLANNED,
    "planned": InitiativeStatus.PLANNED,
    "unstarted": InitiativeStatus.PLANNED,
    "backlog": InitiativeStatus.IDEA,
    "triage": InitiativeStatus.IDEA,
}

_PROGRESS_EVERY = 500


@dataclass(frozen=True)
class LinearOptions:
    """What the person importing chose: one initiative per issue or per project, how many
    estimate points make a person-week, and the options every import has."""

    level: str = "issues"
    points_per_person_week: Decimal = DEFAULT_POINTS_PER_PERSON_WEEK
    common: CommonOptions = CommonOptions()

    @classmethod
    def of(cls, options: dict[str, Any]) -> LinearOptions:
        level = str(options.get("level") or "issues").strip().lower()
        if level not in ("issues", "projects"):
            raise ReadError(f"Level {level!r} is not one of: issues, projects.")
        points = options.get("points_per_person_week") or DEFAULT_POINTS_PER_PERSON_WEEK
        try:
            points = Decimal(str(points))
        except ArithmeticError as error:
            raise ReadError(f"Points per person-week {points!r} is not a number.") from error
        if not points.is_finite() or points <= 0:
            raise ReadError("Points per person-week must be more than zero.")
        try:
            common = CommonOptions.from_dict(options)
        except ValueError as error:
            raise ReadError(str(error)) from error
        return cls(level=level, points_per_person_week=points, common=common)

    def to_dict(self) -> dict[str, Any]:
        """As saved in the import profile (JSON)."""
        return {
            "level": self.level,
            "points_per_person_week": str(self.points_per_person_week),
            **self.common.to_dict(),
        }


def linear_import(
    *,
    file: IO[bytes],
    name: str,
    options: dict[str, Any],
    dry_run: bool,
    user: User | None,
    progress: Progress = no_progress,
    team_mapping: Mapping[str, Team | None] | None = None,
) -> ImportReport:
    """Read a Linear CSV export into initiatives and, unless a dry run or in error, apply it.

    Raises ReadError when the file is not a Linear export (missing columns, a Jira file).
    `team_mapping` (Linear team → team) is used before the remembered mappings.
    """
    # Refused before reading: initiatives_apply would refuse too, after the whole file.
    if user is not None and not permissions.can_import_initiatives(user):
        raise PermissionDenied("Only product leaders may import initiatives.")
    chosen = LinearOptions.of(options)
    table = open_table(file, name=name)
    linear_check_header(table)
    report = ImportReport(source=SOURCE, dry_run=dry_run, notes=list(table.notes))
    column = chosen.common.category_column
    if column and not table.header.has(column):
        report.notes.append(
            f"The category column “{column}” is not in this file, so no category is read from it."
        )
        chosen = replace(chosen, common=replace(chosen.common, category_column=""))
    rows = _counted(table, report, progress)
    if chosen.level == "projects":
        records = project_records(rows, report, options=chosen)
    else:
        records = list(issue_records(rows, report, options=chosen))
    progress("reading", table.size, table.size)
    return initiatives_apply(
        source=SOURCE,
        records=records,
        report=report,
        team_field=TEAM_FIELD,
        dry_run=dry_run,
        user=user,
        progress=progress,
        team_mapping=team_mapping,
        default_category=chosen.common.default_category,
    )


def linear_check_header(table: Table) -> None:
    """Refuse a file that is not a Linear export, naming what is missing."""
    header = table.header
    if any(all(header.has(name) for name in sign) for sign in _JIRA_SIGNS):
        raise ReadError("This looks like a Jira export; choose the Jira importer.")
    missing = header.missing(*REQUIRED_COLUMNS)
    if missing:
        raise ReadError(
            "This is not a Linear CSV export: it has no "
            + ", ".join(missing)
            + " column"
            + ("s" if len(missing) > 1 else "")
            + "."
        )


def _counted(table: Table, report: ImportReport, progress: Progress) -> Iterator[Row]:
    for row in table.rows:
        report.rows_read += 1
        if report.rows_read % _PROGRESS_EVERY == 0:
            progress("reading", table.position(), table.size)
        yield row


# --- one initiative per issue ----------------------------------------------------------------


def issue_records(
    rows: Iterator[Row], report: ImportReport, *, options: LinearOptions
) -> Iterator[InitiativeRecord]:
    """An initiative record per issue row; bad rows become errors in the report instead.

    An issue twice in the file is refused by initiatives_apply, like any repeated key."""
    unknown_states: Counter[str] = Counter()
    unknown_categories: Counter[str] = Counter()
    for row in rows:
        record = issue_record(
            row,
            report,
            options=options,
            unknown_states=unknown_states,
            unknown_categories=unknown_categories,
        )
        if record is not None:
            yield record
    _note_unknown_states(report, unknown_states)
    note_unknown_categories(report, options.common, unknown_categories)


def issue_record(
    row: Row,
    report: ImportReport,
    *,
    options: LinearOptions,
    unknown_states: Counter[str] | None = None,
    unknown_categories: Counter[str] | None = None,
) -> InitiativeRecord | None:
    """The initiative one issue row describes, or None after reporting why it cannot be."""
    key = row.first("ID")
    title = strip_formula_guard(row.first("Title"))
    problems = []
    if not key:
        problems.append("the ID is empty")
    if not title:
        problems.append("the title is empty")
    try:
        points = row.number("Estimate", decimal_mark=options.common.decimal_mark)
    except ValueError as error:
        problems.append(f"Estimate: {error}")
        points = None
    common = options.common
    found = (
        common.category_of(row.every(common.category_column)) if common.category_column else None
    )
    if found is not None and found.conflicting:
        problems.append(
            f"{common.category_column} names more than one work category: "
            + ", ".join(found.conflicting)
        )
    try:
        deadline = parse_date(row.first("Due Date"))
    except ValueError as error:
        problems.append(f"Due Date: {error}")
        deadline = None
    if problems:
        report.error(row.line, "; ".join(problems).capitalize() + ".", key=key, title=title)
        return None
    state = row.first("Status")
    status = issue_status(row)
    if status is None and state and unknown_states is not None:
        unknown_states[state] += 1
    return InitiativeRecord(
        line=row.line,
        key=key,
        title=title,
        description=_description(row),
        status=status,
        team_value=row.first("Team") or None,
        owner=row.first("Assignee") or None,
        effort=None if points is None else _person_weeks(points, options),
        tags=issue_labels(row),
        deadline=deadline,
        depends_on=linked_issues(row.first("Blocked by")),
        reason="" if points is None else f"effort: {points} points",
        category=found.category if found else None,
        category_note=category_column_note(
            found,
            common.category_column,
            Counter() if unknown_categories is None else unknown_categories,
        ),
    )


def issue_status(row: Row) -> str | None:
    """The InitiativeStatus an issue is in, or None when its state name says nothing known.

    Linear sets Canceled and Completed timestamps whatever the team called the state, so
    they win over the name; Started only decides when the name is unknown.
    """
    if row.first("Canceled"):
        return InitiativeStatus.DROPPED.value
    if row.first("Completed"):
        return InitiativeStatus.DONE.value
    by_name = _STATUS_BY_NAME.get(" ".join(row.first("Status").split()).casefold())
    if by_name is not None:
        return by_name.value
    if row.first("Started"):
        return InitiativeStatus.IN_PROGRESS.value
    return None


def issue_labels(row: Row) -> list[str]:
    """Labels as tags: Linear joins them with ", " in one cell (older files repeat the column)."""
    labels: list[str] = []
    for cell in row.every("Labels"):
        for label in cell.split(","):
            label = strip_formula_guard(label.strip())
            if label and label not in labels:
                labels.append(label)
    return labels


def linked_issues(cell: str) -> list[str]:
    """Issue IDs from a link cell such as "ENG-12, ENG-14"."""
    keys: list[str] = []
    for key in cell.replace(";", ",").split(","):
        key = key.strip()
        if key and key not in keys:
            keys.append(key)
    return keys


def _description(row: Row) -> str | None:
    # An absent column says nothing (keep what is there); an empty cell says "no description".
    if not row.header.has("Description"):
        return None
    return strip_formula_guard(row.first("Description"))


def _person_weeks(points: Decimal, options: LinearOptions) -> Decimal:
    return (points / options.points_per_person_week).quantize(Decimal("0.1"))


def _note_unknown_states(report: ImportReport, unknown_states: Counter[str]) -> None:
    if unknown_states:
        names = ", ".join(f"{name!r} ({count})" for name, count in unknown_states.most_common())
        report.notes.append(
            f"Status left unchanged (new initiatives start as ideas) for workflow states this "
            f"importer does not know: {names}."
        )


# --- one initiative per project --------------------------------------------------------------


@dataclass
class _Project:
    """What the issues of one Linear project add up to, gathered while the file streams by."""

    line: int
    key: str
    title: str
    teams: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    issues: int = 0
    points: Decimal = Decimal(0)
    estimated: bool = False
    labels: list[str] = field(default_factory=list)
    deadline: dt.date | None = None
    blocked_by: set[str] = field(default_factory=set)


def project_records(
    rows: Iterator[Row], report: ImportReport, *, options: LinearOptions
) -> list[InitiativeRecord]:
    """An initiative record per Linear project: its issues' estimates summed, its latest due
    date, its most common team, and a status from how far its issues are."""
    projects: dict[str, _Project] = {}
    project_of_issue: dict[str, str] = {}
    # Issues keep their estimates in points; the sum is divided once, as rounding each
    # issue's share of a person-week would lose small estimates.
    in_points = replace(options, points_per_person_week=Decimal(1))
    unknown_categories: Counter[str] = Counter()
    for row in rows:
        record = issue_record(row, report, options=in_points, unknown_categories=unknown_categories)
        if record is None:
            continue
        project_name = strip_formula_guard(row.first("Project"))
        project_key = row.first("Project ID") or project_name
        if not project_key:
            report.add(
                row.line, Action.SKIP, key=record.key, title=record.title, reason="No project."
            )
            continue
        project = projects.get(project_key)
        if project is None:
            project = projects[project_key] = _Project(
                line=row.line, key=project_key, title=project_name or project_key
            )
        _add_issue(project, record)
        project_of_issue[record.key] = project_key
    note_unknown_categories(report, options.common, unknown_categories)
    return [_project_record(project, project_of_issue, options) for project in projects.values()]


def _add_issue(project: _Project, issue: InitiativeRecord) -> None:
    if issue.team_value:
        project.teams[issue.team_value] += 1
    project.issues += 1
    project.statuses[issue.status or ""] += 1
    if issue.category:
        project.categories[issue.category] += 1
    if issue.effort is not None:
        project.estimated = True
    for label in issue.tags or []:
        if label not in project.labels:
            project.labels.append(label)
    if issue.deadline and (project.deadline is None or issue.deadline > project.deadline):
        project.deadline = issue.deadline
    project.blocked_by.update(issue.depends_on)
    project.points += issue.effort or 0


def _project_record(
    project: _Project, project_of_issue: dict[str, str], options: LinearOptions
) -> InitiativeRecord:
    depends_on = sorted(
        {
            project_of_issue[issue]
            for issue in project.blocked_by
            if issue in project_of_issue and project_of_issue[issue] != project.key
        }
    )
    team = project.teams.most_common(1)[0][0] if project.teams else None
    # A project is one kind of work only when its issues agree; otherwise the person
    # importing decides (the default category, or on its page).
    category, category_note = None, ""
    if len(project.categories) == 1:
        category = next(iter(project.categories))
    elif project.categories:
        labels = dict(WorkCategory.choices)
        category_note = (
            "its issues are of several work categories ("
            + ", ".join(f"{labels[key]} {count}" for key, count in project.categories.most_common())
            + ")"
        )
    return InitiativeRecord(
        category=category,
        category_note=category_note,
        line=project.line,
        key=project.key,
        title=project.title,
        status=project_status(project.statuses),
        team_value=team,
        effort=_person_weeks(project.points, options) if project.estimated else None,
        tags=project.labels,
        deadline=project.deadline,
        depends_on=depends_on,
        reason=f"{project.issues} issues, {project.points} points",
    )


def project_status(statuses: Counter[str]) -> str | None:
    """A project's status from its issues': done when all are finished (dropped when none was
    done), in progress once any has started or finished, else planned, else an idea."""
    finished = {InitiativeStatus.DONE.value, InitiativeStatus.DROPPED.value}
    if not statuses:
        return None
    if set(statuses) <= finished:
        return (
            InitiativeStatus.DONE.value
            if statuses[InitiativeStatus.DONE.value]
            else InitiativeStatus.DROPPED.value
        )
    if statuses[InitiativeStatus.IN_PROGRESS.value] or statuses[InitiativeStatus.DONE.value]:
        return InitiativeStatus.IN_PROGRESS.value
    if statuses[InitiativeStatus.PLANNED.value]:
        return InitiativeStatus.PLANNED.value
    return InitiativeStatus.IDEA.value
