"""Exports whose columns follow their user — Productboard, Aha!, any CSV or XLSX — read
through a column mapping: which column of the file fills which ProductOrg field.

The mapping comes from the page's mapping step (pre-filled by suggest_columns from the
vendors' usual column names) or from a saved MappingPreset. Rows become initiatives (written
by initiatives_apply, like every importer's), teams or people.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction

from productorg.accounts import permissions
from productorg.accounts.models import User
from productorg.interchange.importers.initiatives import InitiativeRecord, initiatives_apply
from productorg.interchange.importers.options import (
    ACCEPTED_CATEGORY_WORDS,
    CommonOptions,
)
from productorg.interchange.importers.reading import (
    ReadError,
    Row,
    Table,
    column_key,
    open_table,
    parse_date,
    strip_formula_guard,
)
from productorg.interchange.importers.report import Action, ImportReport, Progress, no_progress
from productorg.interchange.models import ImportTarget, MappingPreset
from productorg.limits import limit, too_long_message
from productorg.people.models import Level, Person, Team
from productorg.people.services import person_create
from productorg.strategy.models import ImportSource, InitiativeStatus

_PROGRESS_EVERY = 500

# Sources whose exports always carry an ID: without it a re-import could not find its rows.
_KEYED_SOURCES = {ImportSource.PRODUCTBOARD.value, ImportSource.AHA.value}


@dataclass(frozen=True)
class MappingField:
    """A ProductOrg field a column can fill, as the mapping step shows it."""

    name: str
    label: str
    required: bool = False
    help: str = ""


_INITIATIVE_FIELDS = (
    MappingField("key", "Key", help="The tool's ID for the row; re-imports update by it."),
    MappingField("title", "Title", required=True),
    MappingField("description", "Description"),
    MappingField("status", "Status", help="Idea, Planned, In progress, Done, Dropped, …"),
    MappingField("team", "Team", help="Mapped to ProductOrg teams once, then remembered."),
    MappingField("owner", "Owner", help="A person's name or e-mail."),
    MappingField("effort", "Effort", help="Person-weeks, a number."),
    MappingField("tags", "Tags", help="Separated by commas or semicolons."),
    MappingField("earliest_start", "Earliest start", help="A date."),
    MappingField("deadline", "Deadline", help="A date."),
    MappingField("category", "Work category", help="Feature, Growth, Scaling, …"),
    MappingField("value_estimate", "Value estimate", help="A number."),
)
_TEAM_FIELDS = (
    MappingField("name", "Name", required=True, help="Teams are matched by name."),
    MappingField("product_area", "Product area"),
    MappingField("product_manager", "Product manager", help="A person's name or e-mail."),
    MappingField("leader", "Leader", help="A person's name or e-mail."),
    MappingField("capacity", "Capacity", help="Person-weeks per quarter, a number."),
)
_PEOPLE_FIELDS = (
    MappingField("name", "Name", required=True),
    MappingField("email", "E-mail", required=True, help="People are matched by e-mail."),
    MappingField("level", "Level", help="A level's code or name; new people need one."),
    MappingField("manager", "Manager", help="Name or e-mail; may be a person later in the file."),
    MappingField("start_date", "Start date", help="A date."),
)
_FIELDS = {
    ImportTarget.INITIATIVES.value: _INITIATIVE_FIELDS,
    ImportTarget.TEAMS.value: _TEAM_FIELDS,
    ImportTarget.PEOPLE.value: _PEOPLE_FIELDS,
}

# The column names each vendor's export uses for a field, most likely first.
_VENDOR_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    ImportSource.PRODUCTBOARD.value: {
        "key": ("Feature ID", "ID", "Feature UUID"),
        "title": ("Feature name", "Name", "Feature"),
        "description": ("Description", "Feature description"),
        "status": ("Status", "Feature status"),
        "owner": ("Owner email", "Owner", "Feature owner"),
        "team": ("Team", "Teams", "Team(s)", "Product", "Component"),
        "earliest_start": ("Start date", "Timeframe start", "Timeframe start date"),
        "deadline": ("End date", "Timeframe end", "Timeframe end date"),
        "tags": ("Tags", "Feature tags"),
    },
    ImportSource.AHA.value: {
        "key": ("Feature reference #", "Reference #", "Feature reference"),
        "title": ("Feature name", "Name"),
        "description": ("Description", "Feature description"),
        "status": ("Feature status", "Status", "Workflow status"),
        "owner": ("Assigned to user", "Feature assigned to user"),
        "team": ("Release name", "Product name"),
        "tags": ("Tags", "Feature tags"),
        "effort": ("Initial estimate", "Feature initial estimate"),
        "earliest_start": ("Start date", "Feature start date"),
        "deadline": ("Due date", "Feature due date"),
    },
}

# Words tools use for an initiative's stage, beyond ProductOrg's own values and labels.
_STATUS_SYNONYMS = {
    "in progress": InitiativeStatus.IN_PROGRESS,
    "building": InitiativeStatus.IN_PROGRESS,
    "in development": InitiativeStatus.IN_PROGRESS,
    "started": InitiativeStatus.IN_PROGRESS,
    "shipped": InitiativeStatus.DONE,
    "released": InitiativeStatus.DONE,
    "done": InitiativeStatus.DONE,
    "completed": InitiativeStatus.DONE,
    "planned": InitiativeStatus.PLANNED,
    "next": InitiativeStatus.PLANNED,
    "ready to develop": InitiativeStatus.PLANNED,
    "candidate": InitiativeStatus.IDEA,
    "new idea": InitiativeStatus.IDEA,
    "new": InitiativeStatus.IDEA,
    "under consideration": InitiativeStatus.IDEA,
    "in discovery": InitiativeStatus.DISCOVERY,
    "will not implement": InitiativeStatus.DROPPED,
    "won't do": InitiativeStatus.DROPPED,
    "wont do": InitiativeStatus.DROPPED,
    "cancelled": InitiativeStatus.DROPPED,
    "canceled": InitiativeStatus.DROPPED,
}


def mapping_fields(target: str, *, source: str = ImportSource.CSV.value) -> list[MappingField]:
    """The fields a column can be mapped to for this target, required ones flagged."""
    try:
        fields = _FIELDS[target]
    except KeyError as error:
        raise ReadError(
            f"Cannot import {target!r}; choose initiatives, teams or people."
        ) from error
    if target == ImportTarget.INITIATIVES.value and source in _KEYED_SOURCES:
        return [
            MappingField(field.name, field.label, True, field.help)
            if field.name == "key"
            else field
            for field in fields
        ]
    return list(fields)


def suggest_columns(*, target: str, header_names: list[str], source: str) -> dict[str, str]:
    """A first mapping from the file's column names: the vendor's usual names, then columns
    named like the field. Each column fills at most one field."""
    present = {column_key(name): name for name in header_names if name.strip()}
    vendor = _VENDOR_COLUMNS.get(source, {}) if target == ImportTarget.INITIATIVES.value else {}
    suggested: dict[str, str] = {}
    for field in mapping_fields(target, source=source):
        spellings = (*vendor.get(field.name, ()), field.name.replace("_", " "), field.label)
        for spelling in spellings:
            column = present.get(column_key(spelling))
            if column is not None and column not in suggested.values():
                suggested[field.name] = column
                break
    return suggested


def mapping_preset_save(
    *, name: str, source: str, target: str, columns: dict[str, str], user: User | None
) -> MappingPreset:
    """Save a column mapping under a name for the next import (replacing one so named)."""
    preset, _ = MappingPreset.objects.update_or_create(
        name=name.strip(),
        defaults={
            "source": source,
            "target": target,
            "columns": dict(columns),
            "created_by": user if user is not None and user.pk else None,
        },
    )
    return preset


def mapping_presets_for(*, source: str, target: str) -> list[MappingPreset]:
    """The saved mappings for exports from this source into this target."""
    return list(MappingPreset.objects.filter(source=source, target=target))


def mapped_import(
    *,
    file: IO[bytes],
    name: str,
    source: str,
    target: str,
    options: dict[str, Any],
    dry_run: bool,
    user: User | None,
    progress: Progress = no_progress,
    team_mapping: Mapping[str, Team | None] | None = None,
) -> ImportReport:
    """Read a table through the column mapping in options["columns"] (or the saved preset
    options["preset"]) and, unless a dry run or in error, apply it.

    Raises ReadError when the file cannot be read or the mapping does not fit it.
    `team_mapping` (team value → team) is used before the remembered mappings.
    """
    _check_allowed(user, target)
    columns = _columns_of(options)
    common = CommonOptions.from_dict(options)
    table = open_table(file, name=name)
    mapping_check(table, columns=columns, target=target, source=source)
    report = ImportReport(source=source, dry_run=dry_run, notes=list(table.notes))
    rows = _counted(table, report, progress)
    if target == ImportTarget.TEAMS.value:
        teams_apply(rows=rows, columns=columns, report=report, dry_run=dry_run, common=common)
        return report
    if target == ImportTarget.PEOPLE.value:
        people_apply(rows=rows, columns=columns, report=report, dry_run=dry_run)
        return report
    if "key" not in columns:
        report.notes.append(
            "No column is mapped to Key: every row creates a new initiative, and importing "
            "the file again creates them again."
        )
    records = list(initiative_records(rows, columns=columns, report=report, common=common))
    progress("reading", table.size, table.size)
    return initiatives_apply(
        source=source,
        records=records,
        report=report,
        team_field=columns.get("team", ""),
        dry_run=dry_run,
        user=user,
        progress=progress,
        team_mapping=team_mapping,
        default_category=common.default_category,
    )


def _check_allowed(user: User | None, target: str) -> None:
    # No user: the command line, run by whoever runs the server. Refused before the file is
    # read, so a 50,000-row file is not checked only to be turned down.
    if user is None:
        return
    if target == ImportTarget.INITIATIVES.value:
        if not permissions.can_import_initiatives(user):
            raise PermissionDenied("Only product leaders may import initiatives.")
    elif not permissions.can_import_people(user):
        raise PermissionDenied("Only administrators may import people and teams.")


def _columns_of(options: dict[str, Any]) -> dict[str, str]:
    columns = options.get("columns")
    if not columns and options.get("preset"):
        preset = MappingPreset.objects.filter(name=options["preset"]).first()
        if preset is None:
            raise ReadError(f"No saved mapping is named {options['preset']!r}.")
        columns = preset.columns
    # A field left on "(not imported)" arrives as an empty column name.
    return {
        str(field): str(column).strip()
        for field, column in (columns or {}).items()
        if column is not None and str(column).strip()
    }


def mapping_check(table: Table, *, columns: dict[str, str], target: str, source: str) -> None:
    """Refuse a mapping that does not fit the file: an unknown field, a column the file does
    not have, a required field left unmapped."""
    fields = {field.name: field for field in mapping_fields(target, source=source)}
    unknown = sorted(set(columns) - set(fields))
    if unknown:
        raise ReadError(f"{', '.join(unknown)}: not a field of {target}.")
    absent = [column for column in columns.values() if not table.header.has(column)]
    if absent:
        listed = ", ".join(repr(column) for column in absent)
        raise ReadError(f"The file has no column {listed}; choose another in the mapping.")
    for field in fields.values():
        if field.required and field.name not in columns:
            raise ReadError(f"Map a column to {field.label}.")


def _counted(table: Table, report: ImportReport, progress: Progress) -> Iterator[Row]:
    for row in table.rows:
        report.rows_read += 1
        if report.rows_read % _PROGRESS_EVERY == 0:
            progress("reading", table.position(), table.size)
        yield row


class _RowProblems:
    """The problems of one row, gathered so a row with three bad cells says all three."""

    def __init__(self, row: Row, columns: dict[str, str], common: CommonOptions | None = None):
        self.row = row
        self.columns = columns
        self.common = common or CommonOptions()
        self.messages: list[str] = []

    def text(self, field: str) -> str | None:
        """The cell mapped to field, formula guard stripped; None when the field is unmapped."""
        column = self.columns.get(field)
        return None if column is None else strip_formula_guard(self.row.first(column))

    def date(self, field: str) -> dt.date | None:
        text = self.text(field)
        try:
            return parse_date(text) if text else None
        except ValueError as error:
            self.messages.append(f"{self.columns[field]}: {error}")
            return None

    def number(self, field: str) -> Decimal | None:
        column = self.columns.get(field)
        if column is None:
            return None
        try:
            return self.row.number(column, decimal_mark=self.common.decimal_mark)
        except ValueError as error:
            self.messages.append(f"{self.columns[field]}: {error}")
            return None

    def choice(self, field: str, resolve: Callable[[str], str]) -> str | None:
        text = self.text(field)
        if not text:
            return None
        try:
            return resolve(text)
        except ValueError as error:
            self.messages.append(f"{self.columns[field]}: {error}")
            return None

    def fits(self, field: str, value: str, model: type[models.Model], model_field: str) -> None:
        """Note the mapped column, its length and the limit when the text is too long for
        the model field it ends in (the limit every other path holds it to)."""
        max_length = limit(model, model_field)
        if len(value) > max_length:
            self.messages.append(
                too_long_message(
                    label=self.columns[field], length=len(value), max_length=max_length
                )
            )

    def reason(self) -> str:
        return "; ".join(self.messages) + "."


# --- initiatives -----------------------------------------------------------------------------


def initiative_records(
    rows: Iterator[Row],
    *,
    columns: dict[str, str],
    report: ImportReport,
    common: CommonOptions | None = None,
) -> Iterator[InitiativeRecord]:
    """An initiative record per row; a bad row becomes an error in the report instead.

    A key twice in the file is refused by initiatives_apply, like any repeated key."""
    for row in rows:
        record = initiative_record(row, columns=columns, report=report, common=common)
        if record is not None:
            yield record


def initiative_record(
    row: Row,
    *,
    columns: dict[str, str],
    report: ImportReport,
    common: CommonOptions | None = None,
) -> InitiativeRecord | None:
    """The initiative one row describes, or None after reporting every problem it has."""
    cells = _RowProblems(row, columns, common)
    key = cells.text("key") or ""
    title = cells.text("title") or ""
    if not title:
        cells.messages.append(f"{columns['title']} is empty")
    if "key" in columns and not key:
        cells.messages.append(f"{columns['key']} is empty")
    status = cells.choice("status", initiative_status)
    category = cells.choice("category", lambda text: work_category(text, cells.common))
    effort = cells.number("effort")
    value = cells.number("value_estimate")
    earliest_start = cells.date("earliest_start")
    deadline = cells.date("deadline")
    if earliest_start and deadline and deadline < earliest_start:
        cells.messages.append("the deadline is before the earliest start")
    if cells.messages:
        report.error(row.line, cells.reason(), key=key, title=title)
        return None
    return InitiativeRecord(
        line=row.line,
        # Without a key column every row is new: its line tells it apart in this file only.
        key=key if "key" in columns else f"line-{row.line}",
        keyless="key" not in columns,
        title=title,
        description=cells.text("description"),
        status=status,
        team_value=cells.text("team") or None,
        owner=cells.text("owner") or None,
        effort=effort,
        tags=None if "tags" not in columns else split_tags(cells.text("tags") or ""),
        earliest_start=earliest_start,
        deadline=deadline,
        category=category,
        value_estimate=value,
        columns=dict(columns),
    )


def initiative_status(text: str) -> str:
    """The InitiativeStatus a tool's status word means; ValueError listing the accepted ones."""
    wanted = " ".join(text.split()).casefold()
    for status in InitiativeStatus:
        if wanted in (status.value, status.label.casefold()):
            return status.value
    if wanted in _STATUS_SYNONYMS:
        return _STATUS_SYNONYMS[wanted].value
    accepted = ", ".join(status.label for status in InitiativeStatus)
    raise ValueError(f"{text!r} is not a status (use one of: {accepted}, or Shipped, Next, …)")


def work_category(text: str, common: CommonOptions | None = None) -> str:
    """The WorkCategory a cell names: through the import's category values, then by value,
    label or synonym ("" for a value mapped to no category); ValueError otherwise."""
    found = (common or CommonOptions()).category_of([text])
    if found.conflicting:
        raise ValueError(f"{text!r} names more than one work category")
    if found.category is not None:
        return found.category
    if not found.unknown:
        return ""
    raise ValueError(
        f"{text!r} is not a work category (use {ACCEPTED_CATEGORY_WORDS}, or map the value "
        "in the import's category values)"
    )


def split_tags(text: str) -> list[str]:
    """Tags from one cell, separated by commas or semicolons, each once."""
    tags: list[str] = []
    for tag in re.split(r"[,;]", text):
        tag = strip_formula_guard(tag.strip())
        if tag and tag not in tags:
            tags.append(tag)
    return tags


# --- people lookups shared by teams and people ------------------------------------------------


class _Directory:
    """Everyone in the org by e-mail and by name, loaded once: per-row queries would make a
    2,000-row file slow."""

    def __init__(self) -> None:
        self.by_email: dict[str, Person] = {}
        self.by_name: dict[str, list[Person]] = {}
        self.email_of_id: dict[int | None, str] = {}
        fields = ("id", "name", "email", "manager", "level", "start_date")
        for person in Person.objects.only(*fields):
            self.by_email[person.email.casefold()] = person
            self.by_name.setdefault(person.name.casefold(), []).append(person)
            self.email_of_id[person.pk] = person.email.casefold()

    def find(self, reference: str) -> Person:
        """The person a name or e-mail names; ValueError when none or several do."""
        found = self.by_email.get(reference.casefold())
        if found is not None:
            return found
        named = self.by_name.get(" ".join(reference.split()).casefold(), [])
        if len(named) == 1:
            return named[0]
        if named:
            raise ValueError(f"several people are named {reference!r}; use an e-mail")
        raise ValueError(f"nobody is named {reference!r}")


# --- teams -----------------------------------------------------------------------------------


@dataclass
class _TeamChange:
    line: int
    team: Team
    action: Action
    # (field, before, after) of an update, as the dry run shows them.
    changes: list[tuple[str, str, str]] = dataclass_field(default_factory=list)


def teams_apply(
    *,
    rows: Iterator[Row],
    columns: dict[str, str],
    report: ImportReport,
    dry_run: bool,
    common: CommonOptions | None = None,
) -> None:
    """Create or update a team per row, matched by name; all or nothing."""
    directory = _Directory()
    existing = {team.name.casefold(): team for team in Team.objects.all()}
    changes: list[_TeamChange] = []
    seen: dict[str, int] = {}
    for row in rows:
        change = _team_change(row, columns, report, directory, existing, seen, common)
        if change is not None:
            changes.append(change)
            report.add(row.line, change.action, title=change.team.name, changes=change.changes)
    if dry_run or not report.ok:
        return
    with transaction.atomic():
        for change in changes:
            if change.action != Action.UNCHANGED:
                change.team.save()
    report.applied = True


def _team_change(
    row: Row,
    columns: dict[str, str],
    report: ImportReport,
    directory: _Directory,
    existing: dict[str, Team],
    seen: dict[str, int],
    common: CommonOptions | None = None,
) -> _TeamChange | None:
    cells = _RowProblems(row, columns, common)
    name = " ".join((cells.text("name") or "").split())
    if not name:
        cells.messages.append(f"{columns['name']} is empty")
    elif name.casefold() in seen:
        first = seen[name.casefold()]
        cells.messages.append(f"team {name!r} is in the file twice (first on line {first})")
    if name:
        cells.fits("name", name, Team, "name")
    wanted: dict[str, Any] = {}
    if "product_area" in columns:
        wanted["product_area"] = cells.text("product_area") or ""
        cells.fits("product_area", wanted["product_area"], Team, "product_area")
    for field in ("product_manager", "leader"):
        if field in columns:
            wanted[field] = _person_or_problem(cells, field, directory)
    capacity = cells.number("capacity")
    if capacity is not None:
        wanted["capacity_per_quarter"] = capacity
    if cells.messages:
        report.error(row.line, cells.reason(), title=name)
        return None
    seen[name.casefold()] = row.line
    team = existing.get(name.casefold())
    if team is None:
        return _TeamChange(row.line, Team(name=name, **wanted), Action.CREATE)
    changed = {field: value for field, value in wanted.items() if getattr(team, field) != value}
    shown = [
        (_TEAM_LABELS[name], _team_value(getattr(team, name)), _team_value(value))
        for name, value in changed.items()
    ]
    for name, value in changed.items():
        setattr(team, name, value)
    return _TeamChange(row.line, team, Action.UPDATE if changed else Action.UNCHANGED, shown)


_TEAM_LABELS = {
    "product_area": "product area",
    "product_manager": "product manager",
    "leader": "leader",
    "capacity_per_quarter": "capacity",
}


def _team_value(value: object) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, Person):
        return value.name
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def _person_or_problem(cells: _RowProblems, field: str, directory: _Directory) -> Person | None:
    reference = cells.text(field)
    if not reference:
        return None
    try:
        return directory.find(reference)
    except ValueError as error:
        cells.messages.append(f"{cells.columns[field]}: {error}")
        return None


# --- people ----------------------------------------------------------------------------------


@dataclass
class _PersonRow:
    """One row of a people file, read; managers are resolved once every row is known."""

    line: int
    name: str
    email: str
    level: Level | None
    manager: str | None  # as written; None when the column is not mapped
    start_date: dt.date | None
    has_start_date: bool


def people_apply(
    *, rows: Iterator[Row], columns: dict[str, str], report: ImportReport, dry_run: bool
) -> None:
    """Create or update a person per row, matched by e-mail, then set managers — who may
    appear anywhere in the file; a reporting cycle is refused. All or nothing."""
    levels = _levels()
    directory = _Directory()
    people = _read_people(rows, columns, report, levels, directory)
    managers = _resolve_managers(people, columns, report, directory)
    if "manager" in columns:
        _refuse_cycles(people, managers, report, directory)
    bad_lines = {error.line for error in report.errors}
    for person_row in people.values():
        if person_row.line not in bad_lines:
            action = _person_action(person_row, managers, directory)
            report.add(
                person_row.line,
                action,
                key=person_row.email,
                title=person_row.name,
                changes=_person_shown_changes(person_row, managers, people, directory, levels)
                if action == Action.UPDATE
                else [],
            )
    # Manager and cycle problems are found after the rows are read; the report goes by line.
    report.outcomes.sort(key=lambda outcome: outcome.line)
    if dry_run or not report.ok:
        return
    with transaction.atomic():
        _write_people(people, managers, directory)
    report.applied = True


def _levels() -> dict[str, Level]:
    levels: dict[str, Level] = {}
    for level in Level.objects.all():
        levels[level.code.casefold()] = level
        levels[level.name.casefold()] = level
    return levels


def _read_people(
    rows: Iterator[Row],
    columns: dict[str, str],
    report: ImportReport,
    levels: dict[str, Level],
    directory: _Directory,
) -> dict[str, _PersonRow]:
    people: dict[str, _PersonRow] = {}
    for row in rows:
        cells = _RowProblems(row, columns)
        name = " ".join((cells.text("name") or "").split())
        email = (cells.text("email") or "").strip()
        if not name:
            cells.messages.append(f"{columns['name']} is empty")
        else:
            cells.fits("name", name, Person, "name")
        _check_email(cells, email, people)
        level = _level_or_problem(cells, levels)
        if level is None and email.casefold() not in directory.by_email and not cells.messages:
            cells.messages.append("a new person needs a level")
        start_date = cells.date("start_date")
        if cells.messages:
            report.error(row.line, cells.reason(), key=email, title=name)
            continue
        people[email.casefold()] = _PersonRow(
            line=row.line,
            name=name,
            email=email,
            level=level,
            manager=cells.text("manager"),
            start_date=start_date,
            has_start_date="start_date" in columns,
        )
    return people


def _check_email(cells: _RowProblems, email: str, people: dict[str, _PersonRow]) -> None:
    if not email:
        cells.messages.append(f"{cells.columns['email']} is empty")
        return
    if len(email) > limit(Person, "email"):
        cells.fits("email", email, Person, "email")
        return
    try:
        validate_email(email)
    except ValidationError:
        cells.messages.append(f"{email!r} is not an e-mail address")
        return
    first = people.get(email.casefold())
    if first is not None:
        cells.messages.append(f"{email} is in the file twice (first on line {first.line})")


def _level_or_problem(cells: _RowProblems, levels: dict[str, Level]) -> Level | None:
    text = cells.text("level")
    if not text:
        return None
    level = levels.get(" ".join(text.split()).casefold())
    if level is None:
        names = ", ".join(sorted({level.name for level in levels.values()}, key=str))
        cells.messages.append(f"{cells.columns['level']}: {text!r} is not a level ({names})")
    return level


def _resolve_managers(
    people: dict[str, _PersonRow],
    columns: dict[str, str],
    report: ImportReport,
    directory: _Directory,
) -> dict[str, str | None]:
    """Each row's manager as an e-mail (casefolded), found in the file first, then the org."""
    if "manager" not in columns:
        return {}
    names_in_file: dict[str, list[str]] = {}
    for email, person_row in people.items():
        names_in_file.setdefault(person_row.name.casefold(), []).append(email)
    managers: dict[str, str | None] = {}
    for email, person_row in list(people.items()):
        reference = person_row.manager
        if not reference:
            managers[email] = None
            continue
        try:
            managers[email] = _manager_email(reference, people, names_in_file, directory)
        except ValueError as error:
            report.error(
                person_row.line,
                f"{columns['manager']}: {error}.",
                key=person_row.email,
                title=person_row.name,
            )
            continue
        if managers[email] == email:
            report.error(
                person_row.line,
                f"{person_row.name} cannot be their own manager.",
                key=person_row.email,
                title=person_row.name,
            )
    return managers


def _manager_email(
    reference: str,
    people: dict[str, _PersonRow],
    names_in_file: dict[str, list[str]],
    directory: _Directory,
) -> str:
    wanted = reference.casefold()
    if wanted in people:
        return wanted
    named = names_in_file.get(" ".join(reference.split()).casefold(), [])
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise ValueError(f"several people in the file are named {reference!r}; use an e-mail")
    return directory.find(reference).email.casefold()


def _refuse_cycles(
    people: dict[str, _PersonRow],
    managers: dict[str, str | None],
    report: ImportReport,
    directory: _Directory,
) -> None:
    """Walk up from each person in the file over the reporting lines as they would be after
    the import; coming back to where the walk started is a cycle."""

    def manager_of(email: str) -> str | None:
        if email in managers:
            return managers[email]
        person = directory.by_email.get(email)
        return directory.email_of_id.get(person.manager_id) if person else None

    for email, person_row in people.items():
        chain = [email]
        current = manager_of(email)
        while current is not None and current not in chain:
            chain.append(current)
            current = manager_of(current)
        if current == email and len(chain) > 1:
            names = [_name_of(link, people, directory) for link in [*chain, email]]
            report.error(
                person_row.line,
                "These reporting lines make a cycle: " + " → ".join(names) + ".",
                key=person_row.email,
                title=person_row.name,
            )


def _name_of(email: str, people: dict[str, _PersonRow], directory: _Directory) -> str:
    if email in people:
        return people[email].name
    return directory.by_email[email].name


def _person_action(
    person_row: _PersonRow, managers: dict[str, str | None], directory: _Directory
) -> Action:
    person = directory.by_email.get(person_row.email.casefold())
    if person is None:
        return Action.CREATE
    changed = _person_changes(person, person_row) or _manager_changes(person, managers, directory)
    return Action.UPDATE if changed else Action.UNCHANGED


def _person_changes(person: Person, person_row: _PersonRow) -> dict[str, Any]:
    """The fields of an existing person the row changes (the manager aside)."""
    wanted: dict[str, Any] = {"name": person_row.name}
    if person_row.level is not None:
        wanted["level_id"] = person_row.level.pk
    if person_row.has_start_date:
        wanted["start_date"] = person_row.start_date
    return {field: value for field, value in wanted.items() if getattr(person, field) != value}


def _person_shown_changes(
    person_row: _PersonRow,
    managers: dict[str, str | None],
    people: dict[str, _PersonRow],
    directory: _Directory,
    levels: dict[str, Level],
) -> list[tuple[str, str, str]]:
    """An updated person's changes as (field, before, after), as the dry run shows them."""
    person = directory.by_email[person_row.email.casefold()]
    level_names = {level.pk: level.name for level in levels.values()}
    shown = {
        "name": lambda value: value,
        "level_id": lambda value: level_names.get(value, "none"),
        "start_date": lambda value: value.isoformat() if value else "none",
    }
    labels = {"name": "name", "level_id": "level", "start_date": "start date"}
    changes = [
        (labels[name], shown[name](getattr(person, name)), shown[name](value))
        for name, value in _person_changes(person, person_row).items()
    ]
    if _manager_changes(person, managers, directory):
        before = directory.email_of_id.get(person.manager_id)
        after = managers[person.email.casefold()]
        changes.append(
            (
                "manager",
                _name_of(before, people, directory) if before else "none",
                _name_of(after, people, directory) if after else "none",
            )
        )
    return changes


def _manager_changes(
    person: Person, managers: dict[str, str | None], directory: _Directory
) -> bool:
    email = person.email.casefold()
    if email not in managers:
        return False
    return managers[email] != directory.email_of_id.get(person.manager_id)


def _write_people(
    people: dict[str, _PersonRow], managers: dict[str, str | None], directory: _Directory
) -> None:
    # New people are created without a manager, then every manager is set in one bulk
    # update: person_set_manager re-reads the whole reporting tree per call to check for
    # cycles, which _refuse_cycles has already done for the tree as it will be.
    changed: list[Person] = []
    for email, person_row in people.items():
        person = directory.by_email.get(email)
        if person is None:
            assert person_row.level is not None  # noqa: S101 (checked while reading)
            person = person_create(
                name=person_row.name,
                email=person_row.email,
                level=person_row.level,
                start_date=person_row.start_date,
            )
            directory.by_email[email] = person
            continue
        changes = _person_changes(person, person_row)
        if changes:
            for field, value in changes.items():
                setattr(person, field, value)
            changed.append(person)
    if changed:
        Person.objects.bulk_update(changed, ["name", "level", "start_date"])
    managed = []
    for email, manager_email in managers.items():
        person = directory.by_email[email]
        manager = directory.by_email[manager_email] if manager_email else None
        manager_id = manager.pk if manager else None
        if person.manager_id != manager_id:
            person.manager_id = manager_id
            managed.append(person)
    if managed:
        Person.objects.bulk_update(managed, ["manager"])
