"""Jira's "Export Excel CSV (all fields)": epics (or the issue types chosen) become initiatives.

Jira's columns are not fixed: they follow the instance's fields and language settings, repeat
for multi-value fields (Labels, Sprint, Watchers, Component/s) and drift in spelling between
releases (`Due Date`/`Due date`). Every column is therefore found by name, case-insensitively,
with each spelling Atlassian has used. The file is read in one pass: an epic keeps a compact
record, any other issue only its parent and points, so a 50,000-row export fits in little memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
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
    Header,
    ReadError,
    Row,
    Table,
    open_table,
    parse_date,
)
from productorg.interchange.importers.report import Action, ImportReport, Progress, no_progress
from productorg.people.models import Team

SOURCE = "jira"
PROGRESS_EVERY = 500

KEY = ("Issue key", "Key")
SUMMARY = ("Summary",)
ISSUE_TYPE = ("Issue Type", "Issue type")
ISSUE_ID = ("Issue id", "Issue ID")
DESCRIPTION = ("Description",)
ASSIGNEE = ("Assignee",)
LABELS = ("Labels", "Label")
STATUS = ("Status",)
STATUS_CATEGORY = ("Status Category",)
POINTS = ("Custom field (Story Points)", "Custom field (Story point estimate)")
# Where a child issue names its epic. "Parent summary" is a title, not a link.
PARENT_KEYS = ("Parent key", "Custom field (Epic Link)", "Parent", "Custom field (Parent Link)")
PARENT_ID = ("Parent id", "Parent ID")
# Links: "Inward issue link (Blocks)" on A lists the issues that block A.
BLOCKED_BY = ("Inward issue link (Blocks)",)
COMPONENTS = ("Component/s", "Components", "Component")

START_FIELDS = ("Custom field (Start date)", "Custom field (Start Date)", "Start date")
TARGET_FIELDS = ("Custom field (Target end)", "Due date", "Due Date", "Custom field (End date)")

# Jira's three status categories; a status name only when the category column is missing.
_CATEGORY_STATUS = {"to do": "planned", "in progress": "in_progress", "done": "done"}
_NAMED_STATUS = {
    "to do": "planned",
    "open": "planned",
    "backlog": "planned",
    "selected for development": "planned",
    "reopened": "planned",
    "in progress": "in_progress",
    "in review": "in_progress",
    "in development": "in_progress",
    "done": "done",
    "closed": "done",
    "resolved": "done",
    "won't do": "dropped",
    "wont do": "dropped",
    "cancelled": "dropped",
    "canceled": "dropped",
    "declined": "dropped",
}


@dataclass(frozen=True)
class JiraOptions:
    """What a Jira import reads: which issue types are initiatives, how points become
    person-weeks, and which columns name the team and the dates."""

    issue_types: tuple[str, ...] = ("Epic",)
    # Five points per person-week: a common team velocity of about ten points per two-week
    # sprint per person. Teams that point differently set their own figure.
    points_per_person_week: Decimal = Decimal(5)
    team_field: str = "Project key"
    start_field: str = ""  # "" = the first present of START_FIELDS
    target_field: str = ""  # "" = the first present of TARGET_FIELDS

    @classmethod
    def from_dict(cls, options: Mapping[str, Any]) -> JiraOptions:
        """Options as a face or a saved profile gives them; ValueError says what is wrong."""
        defaults = cls()
        return cls(
            issue_types=_issue_types(options.get("issue_types", defaults.issue_types)),
            points_per_person_week=_points_per_week(
                options.get("points_per_person_week", defaults.points_per_person_week)
            ),
            team_field=_team_field(options.get("team_field") or defaults.team_field),
            start_field=_column_name(options.get("start_field"), "start_field"),
            target_field=_column_name(options.get("target_field"), "target_field"),
        )

    def to_dict(self) -> dict[str, Any]:
        """As saved in the import profile (JSON)."""
        return {
            "issue_types": list(self.issue_types),
            "points_per_person_week": str(self.points_per_person_week),
            "team_field": self.team_field,
            "start_field": self.start_field,
            "target_field": self.target_field,
        }


def _issue_types(value: object) -> tuple[str, ...]:
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list | tuple):
        raise ValueError("Issue types: give a list of Jira issue type names, such as Epic.")
    cleaned = tuple(dict.fromkeys(str(name).strip() for name in names if str(name).strip()))
    if not cleaned:
        raise ValueError("Issue types: name at least one Jira issue type, such as Epic.")
    return cleaned


def _points_per_week(value: object) -> Decimal:
    try:
        points = Decimal(str(value).strip())
    except InvalidOperation:
        points = Decimal(0)
    if not points.is_finite() or points <= 0:
        raise ValueError(f"Points per person-week must be a number above zero, not {value!r}.")
    return points


def _team_field(value: object) -> str:
    name = _column_name(value, "team_field")
    if not name:
        raise ValueError("Team field: name the column that says the team, such as Project key.")
    # The components column has several spellings; one name keeps its team mappings together.
    return "Component/s" if name.casefold() in {"component/s", "components", "component"} else name


def _column_name(value: object, option: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{option}: give a column name.")
    return " ".join(value.split())


def _team_spellings(team_field: str) -> tuple[str, ...]:
    return COMPONENTS if team_field == "Component/s" else (team_field,)


def _category_spellings(column: str) -> tuple[str, ...]:
    """Every spelling of the category column: Jira repeats and renames some columns."""
    if not column:
        return ()
    for spellings in (LABELS, COMPONENTS, ISSUE_TYPE):
        if column.casefold() in {name.casefold() for name in spellings}:
            return spellings
    return (column,)


# Reading.


@dataclass
class _Epic:
    """What an epic row leaves behind: its record and the points its children add."""

    record: InitiativeRecord
    points: Decimal = Decimal(0)
    pointed_children: int = 0


@dataclass(slots=True)
class _Child:
    """A non-initiative row: only what its report line and its epic's effort need."""

    line: int
    key: str
    title: str
    issue_type: str
    parents: tuple[str, ...]
    points: Decimal | None


@dataclass
class _Columns:
    """The columns this file has for what the import reads, resolved once from the header."""

    start: str
    target: str
    team: tuple[str, ...]
    category: tuple[str, ...]
    has_status_category: bool
    has_description: bool
    has_labels: bool


@dataclass
class _Reading:
    options: JiraOptions
    common: CommonOptions
    columns: _Columns
    report: ImportReport
    epics: dict[str, _Epic] = field(default_factory=dict)
    epic_ids: dict[str, str] = field(default_factory=dict)  # Jira's numeric issue id → key
    children: list[_Child] = field(default_factory=list)
    unknown_statuses: set[str] = field(default_factory=set)
    unknown_categories: Counter[str] = field(default_factory=Counter)


def jira_import(
    *,
    file: IO[bytes],
    name: str,
    options: dict[str, Any],
    dry_run: bool,
    user: User | None,
    progress: Progress = no_progress,
    team_mapping: Mapping[str, Team | None] | None = None,
) -> ImportReport:
    """Read a Jira CSV or XLSX export and, unless a dry run or in error, apply it.

    Raises ReadError when the file is not a Jira export this can read, ValueError for bad
    options. `team_mapping` (team value → team) is used before the remembered mappings.
    """
    if user is not None and not permissions.can_import_initiatives(user):
        raise PermissionDenied("Only product leaders may import initiatives.")
    jira_options = JiraOptions.from_dict(options)
    common = CommonOptions.from_dict(options)
    table = open_table(file, name=name)
    _check_header(table.header)
    report = ImportReport(source=SOURCE, dry_run=dry_run, notes=list(table.notes))
    reading = _Reading(
        options=jira_options,
        common=common,
        columns=_columns(table.header, jira_options, common, report),
        report=report,
    )
    _read_rows(table, reading, progress)
    records = _records(reading)
    progress("reading", table.size, table.size)
    return initiatives_apply(
        source=SOURCE,
        records=records,
        report=report,
        team_field=jira_options.team_field,
        dry_run=dry_run,
        user=user,
        progress=progress,
        team_mapping=team_mapping,
        default_category=common.default_category,
    )


def _check_header(header: Header) -> None:
    """Refuse another vendor's export by name, and a Jira export missing what is needed."""
    if not header.has(*KEY):
        if header.has("ID") and header.has("Title") and header.has("Team") and header.has("Status"):
            raise ReadError("This looks like a Linear export; choose the Linear importer.")
        if header.has("Feature name", "Feature ID"):
            raise ReadError(
                "This looks like a Productboard export; choose the Productboard importer."
            )
    missing = header.missing(KEY, SUMMARY, ISSUE_TYPE)
    if missing:
        raise ReadError(
            "This is not a Jira export with all fields: the columns "
            + ", ".join(f"“{name}”" for name in missing)
            + " are missing. Export from Jira with “Export Excel CSV (all fields)”."
        )


def _columns(
    header: Header, options: JiraOptions, common: CommonOptions, report: ImportReport
) -> _Columns:
    team = _team_spellings(options.team_field)
    if not header.has(*team):
        # Not fatal: a file trimmed to a few columns still imports; the dry run says so.
        report.notes.append(
            f"The team column “{options.team_field}” is not in this file: new initiatives get "
            "no team and imported ones keep theirs. Choose another team field (such as "
            "Project key or Component/s) to set teams."
        )
        team = ()
    category = _category_spellings(common.category_column)
    if category and not header.has(*category):
        report.notes.append(
            f"The category column “{common.category_column}” is not in this file, so no "
            "category is read from it."
        )
        category = ()
    return _Columns(
        start=_date_column(header, options.start_field, START_FIELDS, "start", report),
        target=_date_column(header, options.target_field, TARGET_FIELDS, "target", report),
        team=team,
        category=category,
        has_status_category=header.has(*STATUS_CATEGORY),
        has_description=header.has(*DESCRIPTION),
        has_labels=header.has(*LABELS),
    )


def _date_column(
    header: Header, chosen: str, defaults: tuple[str, ...], what: str, report: ImportReport
) -> str:
    if chosen:
        if header.has(chosen):
            return chosen
        report.notes.append(
            f"The {what} date column “{chosen}” is not in this file; {what} dates are left "
            "as they are."
        )
        return ""
    return next((name for name in defaults if header.has(name)), "")


def _read_rows(table: Table, reading: _Reading, progress: Progress) -> None:
    types = {name.casefold() for name in reading.options.issue_types}
    for count, row in enumerate(table.rows, start=1):
        reading.report.rows_read = count
        issue_type = row.first(*ISSUE_TYPE)
        if issue_type.casefold() in types:
            _read_epic(row, reading)
        else:
            _read_child(row, issue_type, reading)
        if count % PROGRESS_EVERY == 0:
            progress("reading", table.position(), table.size)


def _read_epic(row: Row, reading: _Reading) -> None:
    key = row.first(*KEY)
    title = row.first(*SUMMARY)
    columns = reading.columns
    dates = {}
    for what, column in (("start", columns.start), ("target", columns.target)):
        try:
            dates[what] = parse_date(row.first(column)) if column else None
        except ValueError as error:
            reading.report.error(row.line, f"{column}: {error}", key=key, title=title)
            return
    found = reading.common.category_of(row.every(*columns.category)) if columns.category else None
    if found is not None and found.conflicting:
        reading.report.error(
            row.line,
            f"{reading.common.category_column} names more than one work category: "
            + ", ".join(found.conflicting),
            key=key,
            title=title,
        )
        return
    record = InitiativeRecord(
        line=row.line,
        key=key,
        title=title,
        category=found.category if found else None,
        category_note=category_column_note(
            found, reading.common.category_column, reading.unknown_categories
        ),
        # Jira writes CRLF inside descriptions; the edit page and the API store LF.
        description=row.first(*DESCRIPTION).replace("\r\n", "\n")
        if columns.has_description
        else None,
        status=_status(row, reading),
        team_value=row.first(*columns.team) if columns.team else None,
        owner=row.first(*ASSIGNEE) or None,
        tags=row.every(*LABELS) if columns.has_labels else None,
        earliest_start=dates["start"],
        deadline=dates["target"],
        depends_on=row.every(*BLOCKED_BY),
    )
    if key in reading.epics:
        # initiatives_apply names the duplicate; the first row keeps the children's points.
        reading.epics[f"{key}\x00{row.line}"] = _Epic(record)
        return
    reading.epics[key] = _Epic(record)
    issue_id = row.first(*ISSUE_ID)
    if issue_id:
        reading.epic_ids[issue_id] = key


def _status(row: Row, reading: _Reading) -> str | None:
    if reading.columns.has_status_category:
        category = row.first(*STATUS_CATEGORY)
        if category.casefold() in _CATEGORY_STATUS:
            return _CATEGORY_STATUS[category.casefold()]
    name = row.first(*STATUS)
    if not name:
        return None
    status = _NAMED_STATUS.get(" ".join(name.split()).casefold())
    if status is None:
        reading.unknown_statuses.add(name)
    return status


def _read_child(row: Row, issue_type: str, reading: _Reading) -> None:
    key = row.first(*KEY)
    title = row.first(*SUMMARY)
    points: Decimal | None = None
    for column in POINTS:
        if not row.first(column):
            continue
        try:
            points = row.number(column, decimal_mark=reading.common.decimal_mark)
        except ValueError as error:
            reading.report.error(row.line, f"{column}: {error}", key=key, title=title)
            return
        break
    parents = tuple(
        value for value in (row.first(name) for name in (*PARENT_KEYS, *PARENT_ID)) if value
    )
    reading.children.append(
        _Child(
            line=row.line,
            key=key,
            title=title[:200],
            issue_type=issue_type or "Issue",
            parents=parents,
            points=points,
        )
    )


def _parent_epic(child: _Child, reading: _Reading) -> str | None:
    """The key of the epic in this file the child belongs to, if any."""
    for parent in child.parents:
        key = reading.epic_ids.get(parent, parent) if parent.isdigit() else parent
        if key in reading.epics:
            return key
    return None


def _records(reading: _Reading) -> list[InitiativeRecord]:
    """Sum the children's points into their epics and give every child its report line."""
    report = reading.report
    child_keys = set()
    for child in reading.children:
        child_keys.add(child.key)
        epic_key = _parent_epic(child, reading)
        if epic_key is None:
            reason = (
                f"{child.issue_type} — its parent {child.parents[0]} is not an initiative "
                "in this file"
                if child.parents
                else f"{child.issue_type} — not an initiative type"
            )
        elif child.points is None:
            reason = f"{child.issue_type} — no points; part of {epic_key}"
        else:
            epic = reading.epics[epic_key]
            epic.points += child.points
            epic.pointed_children += 1
            reason = (
                f"{child.issue_type} — {_number(child.points)} points counted toward {epic_key}"
            )
        report.add(child.line, Action.SKIP, key=child.key, title=child.title, reason=reason)
    note_unknown_categories(report, reading.common, reading.unknown_categories)
    if reading.unknown_statuses:
        report.notes.append(
            "These statuses have no ProductOrg equivalent, so they were left as they are: "
            + ", ".join(sorted(reading.unknown_statuses))
            + "."
        )
    per_week = reading.options.points_per_person_week
    records = []
    for epic in reading.epics.values():
        record = epic.record
        if epic.pointed_children:
            record.effort = epic.points / per_week
            record.reason = (
                f"effort {_number(record.effort, 1)} person-weeks from "
                f"{_number(epic.points)} points in {epic.pointed_children} "
                + ("issue" if epic.pointed_children == 1 else "issues")
            )
        record.depends_on = [key for key in record.depends_on if key not in child_keys]
        records.append(record)
    return records


def _number(value: Decimal, places: int | None = None) -> str:
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
