"""Turning the rows of any export into initiatives: the one write path every importer uses.

Every importer reads its format into `InitiativeRecord`s and hands them to
`initiatives_apply`, which matches them to initiatives already imported (by source and key),
resolves teams, owners, tags and dependencies, and writes everything in one transaction, or
nothing when any row is bad. Lookups are done in a handful of queries for the whole file,
never per row, so ten thousand initiatives import in seconds.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from productorg.accounts import permissions
from productorg.accounts.models import User
from productorg.interchange.importers.reading import column_key
from productorg.interchange.importers.report import (
    Action,
    CategoryFrom,
    ImportReport,
    Progress,
    no_progress,
)
from productorg.interchange.models import TeamMapping
from productorg.limits import limit, too_long_message
from productorg.people.models import Person, Team
from productorg.strategy.models import (
    CATEGORY_CHOICES,
    Dependency,
    Health,
    Initiative,
    InitiativeEffort,
    InitiativeStatus,
    Tag,
    WorkCategory,
)

# SQLite refuses statements with more than 999 variables on older builds: `__in` lookups
# over a whole file's keys go in chunks below that.
_IN_CHUNK = 900
_WRITE_BATCH = 500
_TITLE_MAX = limit(Initiative, "title")
_TAG_MAX = limit(Tag, "name")
# The record's texts, the Initiative field that holds each, and the column named in an error
# when the importer did not say which column of the file it came from.
_TEXTS = (("key", "source_key", "Key"), ("title", "title", "Title"))
_LONG_TEXTS = (("description", "description", "Description"),)
_EFFORT_STEP = Decimal("0.1")
_EFFORT_MAX = Decimal("9999999.9")  # max_digits=8, decimal_places=1
_VALUE_MAX = Decimal("999999999.9")  # max_digits=10, decimal_places=1

# The columns an update may change; `version`, `updated_at` and `updated_by` move with them.
_UPDATED_FIELDS = [
    "title",
    "description",
    "status",
    "team",
    "owner",
    "effort_estimate",
    "earliest_start",
    "deadline",
    "category",
    "value_estimate",
    "version",
    "updated_at",
    "updated_by",
]

Chunked = TypeVar("Chunked")


@dataclass
class InitiativeRecord:
    """One initiative as an export describes it. None means "the export does not say":
    on update the field is left as it is; on create it takes the model's default."""

    line: int
    key: str
    title: str
    description: str | None = None
    status: str | None = None  # an InitiativeStatus value
    team_value: str | None = None  # the export's team column value, mapped via TeamMapping
    owner: str | None = None  # a person's name or e-mail; no match → no owner, with a note
    effort: Decimal | None = None  # person-weeks
    tags: list[str] | None = None
    earliest_start: dt.date | None = None
    deadline: dt.date | None = None
    category: str | None = None  # a WorkCategory value
    depends_on: list[str] = field(default_factory=list)  # keys of the same source
    value_estimate: Decimal | None = None
    # A file without a key column: the key only tells rows apart within the file, is not
    # stored, and every such row creates an initiative.
    keyless: bool = False
    # Said in the row's report line (e.g. "effort: 34 points from 9 stories").
    reason: str = ""
    # Why the category column gave no category (e.g. "no work category among Labels a, b").
    category_note: str = ""
    # The file's column each field came from (field → header), so an error names it.
    columns: dict[str, str] = field(default_factory=dict)


# Team mappings: remembered per source and column.


def team_mapping_for(*, source: str, field: str) -> dict[str, Team | None]:
    """The remembered teams of an export column's values, keyed by `column_key(value)`."""
    mappings = TeamMapping.objects.filter(source=source, field=field).select_related("team")
    return {column_key(mapping.value): mapping.team for mapping in mappings}


def team_mappings_save(*, source: str, field: str, mapping: Mapping[str, Team | None]) -> None:
    """Remember (or change) which team each value of an export column means; None = no team."""
    if not mapping:
        return
    existing = {
        column_key(found.value): found
        for found in TeamMapping.objects.filter(source=source, field=field)
    }
    created: list[TeamMapping] = []
    changed: list[TeamMapping] = []
    for value, team in mapping.items():
        found = existing.get(column_key(value))
        if found is None:
            created.append(TeamMapping(source=source, field=field, value=value.strip(), team=team))
        elif found.team_id != (team.pk if team else None):
            found.team = team
            changed.append(found)
    with transaction.atomic():
        TeamMapping.objects.bulk_create(created, batch_size=_WRITE_BATCH)
        TeamMapping.objects.bulk_update(changed, ["team"], batch_size=_WRITE_BATCH)


# The import itself.


@dataclass
class _Planned:
    """A record checked against the database: what it resolves to and what will happen."""

    record: InitiativeRecord
    initiative: Initiative  # the existing row (updated in place) or a new unsaved one
    action: Action
    tags: list[str] | None
    efforts_rewritten: bool = False
    reasons: list[str] = field(default_factory=list)
    # The initiative's fields before the import (None for a new one), for the dry run.
    before: dict[str, object] | None = None
    category_from: CategoryFrom = CategoryFrom.NONE


def initiatives_apply(
    *,
    source: str,
    records: Iterable[InitiativeRecord],
    report: ImportReport,
    team_field: str,
    dry_run: bool,
    user: User | None,
    progress: Progress = no_progress,
    team_mapping: Mapping[str, Team | None] | None = None,
    default_category: str = "",
) -> ImportReport:
    """Match records to initiatives by (source, key), then create, update or leave each.

    Every record gets a row in the report, saying the category, status, health and effort
    the initiative will have and, for an update, each change. Writes happen only when not a
    dry run and the report is ok (no error, no unmapped team value), in one transaction.
    `team_mapping` (export value → team) is used before the remembered mappings, e.g. a
    CLI's --map-team. `default_category` is given to initiatives the file names no category
    for and that have none ("": they stay without).
    """
    if user is not None and not permissions.can_import_initiatives(user):
        raise PermissionDenied("Only product leaders may import initiatives.")
    records = _unique_records(list(records), report)
    existing = _existing_initiatives(source, records)
    teams = _TeamResolver(
        source=source, field=team_field, overrides=team_mapping or {}, report=report
    )
    owners = _OwnerResolver()
    planned = [
        _plan(
            record,
            None if record.keyless else existing.get(record.key),
            source=source,
            teams=teams,
            owners=owners,
            report=report,
            default_category=default_category,
        )
        for record in records
    ]
    planned = [item for item in planned if item is not None]
    owners.note_unmatched(report)
    teams.note_unmapped(report)
    edges = _dependency_edges(planned, existing, report)
    existing_tags = _tags_of(existing.values())
    _classify(planned, edges, existing, existing_tags=existing_tags)
    shown = _Shown(teams=teams, owners=owners)
    for item in planned:
        report.add(
            item.record.line,
            item.action,
            key="" if item.record.keyless else item.record.key,
            title=item.initiative.title,
            reason="; ".join(item.reasons),
            **shown.details(item, existing_tags),
        )
    report.outcomes.sort(key=lambda outcome: outcome.line)
    if dry_run or not report.ok:
        return report
    _write(planned, edges, existing, progress=progress)
    report.applied = True
    return report


def _unique_records(
    records: list[InitiativeRecord], report: ImportReport
) -> list[InitiativeRecord]:
    """The records with a usable key and title, each key once; the rest become error rows."""
    first_line: dict[str, int] = {}
    unique = []
    for record in records:
        record.key = record.key.strip()
        record.title = " ".join(record.title.split())
        problem = _record_problem(record, first_line)
        if problem:
            report.error(record.line, problem, key=record.key, title=record.title[:_TITLE_MAX])
            continue
        first_line[record.key] = record.line
        unique.append(record)
    return unique


def _record_problem(record: InitiativeRecord, first_line: dict[str, int]) -> str:
    """Why a record cannot become an initiative, or "" when it can."""
    if not record.key:
        return "no key: the row cannot be matched on a later import"
    too_long = _too_long(record, _TEXTS)
    if too_long:
        return too_long
    if record.key in first_line:
        return f"key {record.key} already on line {first_line[record.key]}"
    if not record.title:
        return "no title"
    too_long = _too_long(record, _LONG_TEXTS)
    if too_long:
        return too_long
    if record.status is not None and record.status not in InitiativeStatus.values:
        return f"unknown status {record.status!r}"
    if record.category and record.category not in WorkCategory.values:
        return f"unknown work category {record.category!r}"
    if record.effort is not None and (record.effort < 0 or record.effort > _EFFORT_MAX):
        return f"the effort {record.effort} person-weeks is out of range"
    if record.value_estimate is not None and not 0 <= record.value_estimate <= _VALUE_MAX:
        return f"the value {record.value_estimate} is out of range"
    return ""


def _too_long(record: InitiativeRecord, texts: tuple[tuple[str, str, str], ...]) -> str:
    """The first text of the record longer than its Initiative field takes, said with the
    file's column and the limit (the one the page and the API hold it to), or ""."""
    for name, model_field, label in texts:
        value = getattr(record, name)
        max_length = limit(Initiative, model_field)
        if value is not None and len(value) > max_length:
            column = record.columns.get(name) or label
            return too_long_message(label=column, length=len(value), max_length=max_length)
    return ""


def _chunks(values: Sequence[Chunked], size: int = _IN_CHUNK) -> Iterator[Sequence[Chunked]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _existing_initiatives(source: str, records: list[InitiativeRecord]) -> dict[str, Initiative]:
    """The initiatives already imported from this source under the records' keys or the
    keys they depend on, by key."""
    keys = sorted(
        {record.key for record in records}
        | {key.strip() for record in records for key in record.depends_on if key.strip()}
    )
    found: dict[str, Initiative] = {}
    for chunk in _chunks(keys):
        for initiative in Initiative.objects.filter(source=source, source_key__in=chunk):
            found[initiative.source_key] = initiative
    return found


def _tags_of(initiatives: Iterable[Initiative]) -> dict[int, set[str]]:
    """The tag names of each initiative, by id."""
    ids = [initiative.pk for initiative in initiatives]
    tags: dict[int, set[str]] = {pk: set() for pk in ids}
    through = Initiative.tags.through
    for chunk in _chunks(ids):
        for initiative_id, name in through.objects.filter(initiative_id__in=chunk).values_list(
            "initiative_id", "tag__name"
        ):
            tags[initiative_id].add(name)
    return tags


class _TeamResolver:
    """Export team values → teams: given mapping, remembered mapping, then a team's name."""

    def __init__(
        self,
        *,
        source: str,
        field: str,
        overrides: Mapping[str, Team | None],
        report: ImportReport,
    ) -> None:
        self.field = field
        self.mapping = team_mapping_for(source=source, field=field)
        self.mapping.update({column_key(value): team for value, team in overrides.items()})
        self.by_name = {column_key(team.name): team for team in Team.objects.all()}
        self.unmapped: set[str] = set()
        self.named: set[str] = set()
        self.report = report

    def resolve(self, value: str) -> tuple[Team | None, bool]:
        """The team a value means and whether it is known (an unknown value blocks writing)."""
        value = value.strip()
        if not value:
            return None, True
        key = column_key(value)
        if key in self.mapping:
            return self.mapping[key], True
        if key in self.by_name:
            team = self.by_name[key]
            if key not in self.named:
                self.named.add(key)
                self.report.notes.append(
                    f"Mapped {self.field} {value!r} to the team {team.name} by name."
                )
            return team, True
        self.unmapped.add(value)
        return None, False

    def note_unmapped(self, report: ImportReport) -> None:
        if self.unmapped:
            values = {column_key(value): value for value in sorted(self.unmapped)}
            report.unmapped[self.field] = sorted(values.values(), key=column_key)


class _OwnerResolver:
    """Owner text → person, by e-mail or exact name, case-insensitively; one query in all."""

    def __init__(self) -> None:
        self.by_email: dict[str, Person] = {}
        self.by_name: dict[str, Person | None] = {}
        for person in Person.objects.only("pk", "name", "email"):
            self.by_email[person.email.casefold()] = person
            name = column_key(person.name)
            # Two people of one name: the export's name alone cannot say which is meant.
            self.by_name[name] = None if name in self.by_name else person
        self.unmatched: set[str] = set()

    def resolve(self, text: str) -> tuple[Person | None, bool]:
        """The person the text names and whether it named one."""
        text = text.strip()
        if not text:
            return None, True
        person = self.by_email.get(text.casefold()) or self.by_name.get(column_key(text))
        if person is None:
            self.unmatched.add(text)
            return None, False
        return person, True

    def note_unmatched(self, report: ImportReport) -> None:
        if self.unmatched:
            names = ", ".join(sorted(self.unmatched, key=str.casefold))
            report.notes.append(
                f"No person matches these owners, so their initiatives keep their owner "
                f"(new ones get none): {names}."
            )


def _plan(
    record: InitiativeRecord,
    existing: Initiative | None,
    *,
    source: str,
    teams: _TeamResolver,
    owners: _OwnerResolver,
    report: ImportReport,
    default_category: str = "",
) -> _Planned | None:
    """The initiative as it will be after the import (not saved), or None after an error."""
    initiative = existing or Initiative(
        source=source, source_key="" if record.keyless else record.key
    )
    before = _snapshot(initiative)
    reasons: list[str] = [record.category_note] if record.category_note else []
    initiative.title = record.title
    if record.description is not None:
        initiative.description = record.description
    if record.status is not None:
        initiative.status = record.status
    if record.category:
        initiative.category = record.category
        category_from = CategoryFrom.FILE
    elif initiative.category:
        category_from = CategoryFrom.KEPT
    elif default_category:
        initiative.category = default_category
        category_from = CategoryFrom.DEFAULT
    else:
        category_from = CategoryFrom.NONE
    if record.earliest_start is not None:
        initiative.earliest_start = record.earliest_start
    if record.deadline is not None:
        initiative.deadline = record.deadline
    if record.team_value is not None:
        team, known = teams.resolve(record.team_value)
        if known:
            initiative.team = team
        else:
            reasons.append(f"{teams.field} {record.team_value.strip()!r} is not mapped to a team")
    if record.owner is not None:
        person, matched = owners.resolve(record.owner)
        if matched:
            initiative.owner = person
        else:
            reasons.append(f"no person matches the owner {record.owner.strip()!r}")
    if record.effort is not None:
        initiative.effort_estimate = record.effort.quantize(_EFFORT_STEP, ROUND_HALF_UP)
    if record.value_estimate is not None:
        initiative.value_estimate = record.value_estimate.quantize(_EFFORT_STEP, ROUND_HALF_UP)
    if (
        initiative.deadline
        and initiative.earliest_start
        and initiative.deadline < initiative.earliest_start
    ):
        report.error(
            record.line,
            f"the target date {initiative.deadline} is before the start date "
            f"{initiative.earliest_start}",
            key=record.key,
            title=record.title,
        )
        return None
    tags = None if record.tags is None else _tag_names(record.tags, report, record.line)
    after = _snapshot(initiative)
    planned = _Planned(
        record=record,
        initiative=initiative,
        action=Action.CREATE if existing is None else Action.UNCHANGED,
        tags=tags,
        reasons=reasons + ([record.reason] if record.reason else []),
        before=None if existing is None else before,
        category_from=category_from,
    )
    if existing is not None and after != before:
        planned.action = Action.UPDATE
    # The export owns the effort: a new figure or a new team rewrites the team's effort row,
    # as the edit page does, so effort_estimate stays the sum of the team efforts.
    planned.efforts_rewritten = record.effort is not None and (
        existing is None
        or after["effort_estimate"] != before["effort_estimate"]
        or after["team_id"] != before["team_id"]
    )
    return planned


def _snapshot(initiative: Initiative) -> dict[str, object]:
    return {
        "title": initiative.title,
        "description": initiative.description,
        "status": initiative.status,
        "category": initiative.category,
        "team_id": initiative.team_id,
        "owner_id": initiative.owner_id,
        "effort_estimate": Decimal(initiative.effort_estimate or 0),
        "value_estimate": Decimal(initiative.value_estimate or 0),
        "earliest_start": initiative.earliest_start,
        "deadline": initiative.deadline,
    }


_FIELD_LABELS = {
    "title": "title",
    "description": "description",
    "status": "status",
    "category": "work category",
    "team_id": "team",
    "owner_id": "owner",
    "effort_estimate": "effort",
    "value_estimate": "value",
    "earliest_start": "earliest start",
    "deadline": "deadline",
}
_CATEGORY_LABELS = dict(CATEGORY_CHOICES)
_STATUS_LABELS = dict(InitiativeStatus.choices)
_HEALTH_LABELS = dict(Health.choices)


class _Shown:
    """A planned row as the dry run shows it: its category (and where it comes from), status,
    health and effort, and an update's changes, in the words of the pages."""

    def __init__(self, *, teams: _TeamResolver, owners: _OwnerResolver) -> None:
        self.team_names = {team.pk: team.name for team in teams.by_name.values()}
        self.owner_names = {
            person.pk: person.name
            for person in [*owners.by_email.values(), *owners.by_name.values()]
            if person is not None
        }

    def details(self, item: _Planned, existing_tags: dict[int, set[str]]) -> dict[str, object]:
        initiative, record = item.initiative, item.record
        new = item.before is None
        category = _CATEGORY_LABELS.get(initiative.category, initiative.category)
        return {
            "category": category,
            "category_from": item.category_from.value,
            "status": _STATUS_LABELS.get(initiative.status, initiative.status)
            + (" (default)" if new and record.status is None else ""),
            # Health comes from status updates, which no import brings.
            "health": _HEALTH_LABELS.get(initiative.health, initiative.health)
            + (" (default: no status update yet)" if new else ""),
            "effort": f"{_plain(Decimal(initiative.effort_estimate or 0))} pw"
            + (" (none in the file)" if new and record.effort is None else ""),
            "changes": [] if new else self.changes(item, existing_tags),
        }

    def changes(self, item: _Planned, existing_tags: dict[int, set[str]]) -> list[tuple]:
        before, after = item.before or {}, _snapshot(item.initiative)
        changes = [
            (_FIELD_LABELS[name], self.value(name, before[name]), self.value(name, after[name]))
            for name in _FIELD_LABELS
            if before[name] != after[name]
        ]
        if item.tags is not None:
            old = sorted(existing_tags.get(item.initiative.pk, set()), key=str.casefold)
            if set(old) != set(item.tags):
                changes.append(("tags", ", ".join(old) or "none", ", ".join(item.tags) or "none"))
        return changes

    def value(self, name: str, value: object) -> str:
        if value is None or value == "":
            return "none" if name != "category" else _CATEGORY_LABELS[""]
        if name == "team_id":
            return self.team_names.get(value, f"team {value}")
        if name == "owner_id":
            return self.owner_names.get(value, f"person {value}")
        if name == "category":
            return _CATEGORY_LABELS.get(str(value), str(value))
        if name == "status":
            return _STATUS_LABELS.get(str(value), str(value))
        if name == "effort_estimate":
            return f"{_plain(value)} pw"
        if isinstance(value, Decimal):
            return _plain(value)
        text = " ".join(str(value).split())
        return text if len(text) <= 60 else text[:59] + "…"


def _plain(value: object) -> str:
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _tag_names(names: list[str], report: ImportReport, line: int) -> list[str]:
    """The record's tags, each once, cut to what a tag holds (with a note when cut)."""
    unique: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())
        if len(name) > _TAG_MAX:
            report.notes.append(
                f"Line {line}: the label {name[:30]!r}… is longer than {_TAG_MAX} characters "
                "and was cut."
            )
            name = name[:_TAG_MAX]
        if name:
            unique.setdefault(name, name)
    return list(unique)


# Dependencies: (dependent key, depended-on key) pairs, checked for cycles as a whole.


def _dependency_edges(
    planned: list[_Planned],
    existing: dict[str, Initiative],
    report: ImportReport,
) -> list[tuple[str, str]]:
    """The dependencies the file adds, as key pairs; unknown keys are noted, and a row blocked
    by itself or on a cycle is an error naming the link or the cycle."""
    in_file = {item.record.key: item for item in planned}
    edges: list[tuple[str, str]] = []
    unknown: set[str] = set()
    problems: dict[str, list[str]] = {}
    for item in planned:
        for key in dict.fromkeys(key.strip() for key in item.record.depends_on):
            if not key:
                continue
            if key == item.record.key:
                # A plan cannot wait for itself; dropping the link would hide a typo in the file.
                problems.setdefault(key, []).append(f"{key} is blocked by itself")
            elif key in in_file or key in existing:
                edges.append((item.record.key, key))
            else:
                unknown.add(key)
    if unknown:
        report.notes.append(
            f"Dependencies on issues not in this file and not imported before were left out: "
            f"{', '.join(sorted(unknown))}."
        )
    for key, cycle in _dependency_cycles(edges, existing, in_file, source=report.source).items():
        problems.setdefault(key, []).append(
            f"its dependencies make a cycle: {' → '.join(cycle)} (each is blocked by the next)"
        )
    if not problems:
        return edges
    for item in planned:
        if item.record.key in problems:
            report.error(
                item.record.line,
                "; ".join(problems[item.record.key]),
                key=item.record.key,
                title=item.record.title,
            )
    planned[:] = [item for item in planned if item.record.key not in problems]
    return [(after, before) for after, before in edges if after not in problems]


def _dependency_cycles(
    edges: list[tuple[str, str]],
    existing: dict[str, Initiative],
    in_file: dict[str, _Planned],
    *,
    source: str,
) -> dict[str, list[str]]:
    """For each key of the file on a cycle of the dependency graph once the file's links are
    added, that cycle's members in order, the first one again at the end.

    Nodes are initiative ids for saved initiatives and keys for new ones; the saved links come
    from one query, so a cycle may close through initiatives the file never names. Each
    strongly connected component (Tarjan's algorithm) is its own cycle; within one, a row
    names the shortest cycle through the first uncovered key, so two cycles that share no
    initiative are reported apart.
    """
    key_of_id = {initiative.pk: key for key, initiative in existing.items()}

    def node(key: str) -> object:
        return existing[key].pk if key in existing else key

    after: dict[object, list[object]] = {}
    for source_id, target_id in Dependency.objects.values_list("initiative_id", "depends_on_id"):
        after.setdefault(source_id, []).append(target_id)
    for source_key, target_key in edges:
        after.setdefault(node(source_key), []).append(node(target_key))
    components = [component for component in _strongly_connected(after) if len(component) > 1]
    if not components:
        return {}
    labels = _cycle_labels(components, key_of_id, source=source)
    line = {node(key): item.record.line for key, item in in_file.items()}
    cycles: dict[str, list[str]] = {}
    for component in components:
        members = set(component)
        # Only rows of this file carry an error; saved initiatives are named, not blamed.
        rows = sorted((member for member in component if member in line), key=line.__getitem__)
        uncovered = set(rows)
        for start in rows:
            if start not in uncovered:
                continue
            cycle = _cycle_through(start, after, members)
            named = [labels[member] for member in [*cycle, start]]
            for member in cycle:
                if member in uncovered:
                    uncovered.discard(member)
                    cycles[labels[member]] = named
    return cycles


def _cycle_labels(
    components: list[list[object]], key_of_id: dict[int, str], *, source: str
) -> dict[object, str]:
    """How each node of the cycles is named: its key, or for a saved initiative outside the
    file's keys, its key when it came from this source and otherwise its title."""
    labels: dict[object, str] = {}
    unnamed = []
    for component in components:
        for member in component:
            if not isinstance(member, int):
                labels[member] = str(member)
            elif member in key_of_id:
                labels[member] = key_of_id[member]
            else:
                unnamed.append(member)
    for chunk in _chunks(unnamed):
        for pk, from_source, source_key, title in Initiative.objects.filter(
            pk__in=chunk
        ).values_list("pk", "source", "source_key", "title"):
            labels[pk] = source_key if from_source == source and source_key else f"“{title}”"
    return labels


def _cycle_through(
    start: object, graph: dict[object, list[object]], members: set[object]
) -> list[object]:
    """The shortest cycle from `start` back to it inside one strongly connected component
    (breadth first, so always found), without the closing `start`."""
    parent: dict[object, object] = {start: start}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for child in graph.get(current, ()):
            if child == start:
                path = [current]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1]
            if child in members and child not in parent:
                parent[child] = current
                queue.append(child)
    raise AssertionError("a strongly connected component has a cycle through every member")


def _strongly_connected(graph: dict[object, list[object]]) -> list[list[object]]:
    index: dict[object, int] = {}
    low: dict[object, int] = {}
    on_stack: set[object] = set()
    stack: list[object] = []
    components: list[list[object]] = []
    counter = 0
    for root in list(graph):
        if root in index:
            continue
        work = [(root, iter(graph.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            current, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, ()))))
                elif child in on_stack:
                    low[current] = min(low[current], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[current])
            if low[current] == index[current]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == current:
                        break
                components.append(component)
    return components


def _classify(
    planned: list[_Planned],
    edges: list[tuple[str, str]],
    existing: dict[str, Initiative],
    *,
    existing_tags: dict[int, set[str]],
) -> None:
    """Turn "unchanged" into "update" where tags or new dependencies differ."""
    saved_links = _saved_links(planned)
    keyed = {item.record.key: item for item in planned}
    new_links: set[str] = set()
    for after_key, before_key in edges:
        after, before = keyed.get(after_key), keyed.get(before_key)
        if after is None or after.initiative.pk is None:
            continue
        before_id = before.initiative.pk if before else existing[before_key].pk
        if before_id is None or (after.initiative.pk, before_id) not in saved_links:
            new_links.add(after_key)
    for item in planned:
        if item.action != Action.UNCHANGED:
            continue
        tags_differ = item.tags is not None and set(item.tags) != existing_tags.get(
            item.initiative.pk, set()
        )
        if tags_differ or item.record.key in new_links:
            item.action = Action.UPDATE


def _saved_links(planned: list[_Planned]) -> set[tuple[int, int]]:
    ids = [item.initiative.pk for item in planned if item.initiative.pk is not None]
    links: set[tuple[int, int]] = set()
    for chunk in _chunks(ids):
        links.update(
            Dependency.objects.filter(initiative_id__in=chunk).values_list(
                "initiative_id", "depends_on_id"
            )
        )
    return links


# Writing: bulk statements in batches, all in one transaction.


def _write(
    planned: list[_Planned],
    edges: list[tuple[str, str]],
    existing: dict[str, Initiative],
    *,
    progress: Progress,
) -> None:
    created = [item for item in planned if item.action == Action.CREATE]
    updated = [item for item in planned if item.action == Action.UPDATE]
    total = len(created) + len(updated)
    now = timezone.now()
    with transaction.atomic():
        done = 0
        for batch in _chunks(created, _WRITE_BATCH):
            Initiative.objects.bulk_create([item.initiative for item in batch])
            done += len(batch)
            progress("writing", done, total)
        for batch in _chunks(updated, _WRITE_BATCH):
            for item in batch:
                item.initiative.version = F("version") + 1
                item.initiative.updated_at = now
                item.initiative.updated_by = None  # an import, not anyone's edit
            Initiative.objects.bulk_update([item.initiative for item in batch], _UPDATED_FIELDS)
            done += len(batch)
            progress("writing", done, total)
        written = created + updated
        _tags_write([item for item in written if item.tags is not None])
        _efforts_write([item for item in written if item.efforts_rewritten])
        _dependencies_write(edges, {item.record.key: item for item in planned}, existing)


def _tags_write(items: list[_Planned]) -> None:
    names = sorted({name for item in items for name in item.tags or []})
    tag_ids: dict[str, int] = {}
    for chunk in _chunks(names):
        tag_ids.update(Tag.objects.filter(name__in=chunk).values_list("name", "pk"))
    # ignore_conflicts: a tag made by someone else meanwhile is fine, it is fetched again.
    Tag.objects.bulk_create(
        [Tag(name=name) for name in names if name not in tag_ids],
        batch_size=_WRITE_BATCH,
        ignore_conflicts=True,
    )
    missing = [name for name in names if name not in tag_ids]
    for chunk in _chunks(missing):
        tag_ids.update(Tag.objects.filter(name__in=chunk).values_list("name", "pk"))
    through = Initiative.tags.through
    for chunk in _chunks([item.initiative.pk for item in items]):
        through.objects.filter(initiative_id__in=chunk).delete()
    through.objects.bulk_create(
        [
            through(initiative_id=item.initiative.pk, tag_id=tag_ids[name])
            for item in items
            for name in item.tags or []
        ],
        batch_size=_WRITE_BATCH,
    )


def _efforts_write(items: list[_Planned]) -> None:
    for chunk in _chunks([item.initiative.pk for item in items]):
        InitiativeEffort.objects.filter(initiative_id__in=chunk).delete()
    InitiativeEffort.objects.bulk_create(
        [
            InitiativeEffort(
                initiative_id=item.initiative.pk,
                team_id=item.initiative.team_id,
                effort=item.initiative.effort_estimate,
            )
            for item in items
            if item.initiative.team_id is not None
        ],
        batch_size=_WRITE_BATCH,
    )


def _dependencies_write(
    edges: list[tuple[str, str]], keyed: dict[str, _Planned], existing: dict[str, Initiative]
) -> None:
    """Add the file's links; links are never removed here (one made by hand stays)."""

    def pk(key: str) -> int | None:
        return keyed[key].initiative.pk if key in keyed else existing[key].pk

    links = [
        Dependency(initiative_id=pk(after), depends_on_id=pk(before))
        for after, before in edges
        if pk(after) is not None and pk(before) is not None
    ]
    Dependency.objects.bulk_create(links, batch_size=_WRITE_BATCH, ignore_conflicts=True)
