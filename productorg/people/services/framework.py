"""The career framework as a YAML file: parse and validate it, import it, export it.

The file is the framework's interchange format (see `people/framework.yaml`, which ships with
the app). Parsing reports every problem with its line number at once, so an admin fixes a
file in one pass; importing is all-or-nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import yaml
from django.db import transaction
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from productorg.people.levels import LADDER
from productorg.people.models import Competency, CompetencyCategory, Expectation, Level
from productorg.people.selectors.framework import competencies_in_use
from productorg.people.services.org import ladder_ensure

SHIPPED_FRAMEWORK = Path(__file__).resolve().parent.parent / "framework.yaml"
EXPECTATION_MAX_LENGTH = 1000
DESCRIPTION_MAX_LENGTH = 2000
CODE_MAX_LENGTH = 64
NAME_MAX_LENGTH = 128
SCOPE_MAX_LENGTH = 200

LEVEL_CODES = [code for code, _name, _rank, _track in LADDER]
LEVEL_RANKS = {code: rank for code, _name, rank, _track in LADDER}
LEVEL_NAMES = {code: name for code, name, _rank, _track in LADDER}
# The rung at or below which a competency must have an expectation: every level of the
# IC track for ordinary competencies; people leadership starts with mentoring, at PM or
# Senior PM, as the first step toward leading.
LOWEST_LEVEL = "apm"
LOWEST_LEADERSHIP_LEVEL = "senior-pm"

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_TOP_KEYS = ("levels", "categories")
_LEVEL_KEYS = ("scope_of_impact",)
_CATEGORY_KEYS = ("code", "name", "description", "manager_track_only", "competencies")
_COMPETENCY_KEYS = ("code", "name", "description", "leadership", "expectations")

_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


class FrameworkProblem(NamedTuple):
    """One thing wrong with a framework file; `line` is None when no line is to blame."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class FrameworkError(Exception):
    """A framework file that cannot be imported, with every problem found in it."""

    def __init__(self, errors: list[FrameworkProblem]) -> None:
        self.errors = sorted(errors, key=lambda problem: (problem.line or 0, problem.message))
        super().__init__("; ".join(str(problem) for problem in self.errors))


# The parsed document. Line numbers do not take part in equality, so a file and its export
# compare equal when they describe the same framework.


@dataclass(frozen=True)
class CompetencyDocument:
    code: str
    name: str
    description: str
    leadership: bool
    expectations: dict[str, str]  # level code -> text, lowest level first
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class CategoryDocument:
    code: str
    name: str
    description: str
    manager_track_only: bool
    competencies: list[CompetencyDocument]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class FrameworkDocument:
    levels: dict[str, str]  # level code -> scope of impact
    categories: list[CategoryDocument]

    @property
    def competencies(self) -> list[CompetencyDocument]:
        return [competency for category in self.categories for competency in category.competencies]


# Parsing.


def _line(node: Node) -> int:
    return node.start_mark.line + 1


class _Reader:
    """Walks the composed YAML tree against the schema, collecting every problem."""

    def __init__(self) -> None:
        self.problems: list[FrameworkProblem] = []
        self._seen: set[int] = set()
        # (kind, attribute) -> [(value, line)]: codes and names, checked for repeats at the end.
        self.identifiers: dict[tuple[str, str], list[tuple[str, int]]] = {}

    def problem(self, node: Node | int | None, message: str) -> None:
        line = _line(node) if isinstance(node, Node) else node
        self.problems.append(FrameworkProblem(line, message))

    def _visit(self, node: Node) -> bool:
        # An alias makes two places share one node; walking shared nodes again and again is
        # how a tiny file can cost exponential time, and a framework never needs them.
        if id(node) in self._seen:
            self.problem(node, "anchors and aliases (&, *) are not supported: write it out")
            return False
        self._seen.add(id(node))
        return True

    def mapping(
        self, node: Node, where: str, allowed: tuple[str, ...] | None
    ) -> dict[str, tuple[ScalarNode, Node]] | None:
        """A mapping's entries by key; duplicate, non-text and (if `allowed`) unknown keys
        are reported and left out."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"{where} must be a mapping of keys to values")
            return None
        if not self._visit(node):
            return None
        entries: dict[str, tuple[ScalarNode, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != _STR:
                self.problem(key_node, f"{where}: a key must be plain text")
                continue
            key = key_node.value
            if key in entries:
                first = _line(entries[key][0])
                self.problem(
                    key_node,
                    f"{where}: key {key!r} appears twice (lines {first} and {_line(key_node)})",
                )
                continue
            if allowed is not None and key not in allowed:
                self.problem(
                    key_node,
                    f"{where}: unknown key {key!r} (expected one of: {', '.join(allowed)})",
                )
                continue
            entries[key] = (key_node, value_node)
        return entries

    def sequence(self, node: Node, where: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{where} must be a list (items starting with '- ')")
            return []
        if not self._visit(node):
            return []
        return list(node.value)

    def text(
        self,
        entries: dict[str, tuple[ScalarNode, Node]],
        key: str,
        where: str,
        *,
        max_length: int,
        required: bool = True,
        parent: Node | None = None,
        label: str | None = None,
    ) -> str | None:
        label = label or repr(key)
        if key not in entries:
            if required:
                self.problem(parent, f"{where}: {label} is missing")
            return None if required else ""
        _key_node, node = entries[key]
        if isinstance(node, ScalarNode) and node.tag == _NULL:
            if required:
                self.problem(node, f"{where}: {label} is empty")
                return None
            return ""
        if not isinstance(node, ScalarNode):
            self.problem(node, f"{where}: {label} must be text")
            return None
        if node.tag != _STR:
            shown = node.value
            self.problem(node, f"{where}: {label} must be text, not {shown} (put it in quotes)")
            return None
        value = node.value.strip()
        if required and not value:
            self.problem(node, f"{where}: {label} is empty")
            return None
        if "\x00" in value:
            # YAML's "\0" escape writes one; PostgreSQL cannot store it.
            self.problem(node, f"{where}: {label} holds a NUL character, which no text can hold")
            return None
        if len(value) > max_length:
            self.problem(
                node,
                f"{where}: {label} is {len(value):,} characters long; at most "
                f"{max_length:,} are allowed",
            )
            return None
        return value

    def code(
        self, entries: dict[str, tuple[ScalarNode, Node]], where: str, parent: Node
    ) -> str | None:
        value = self.text(entries, "code", where, max_length=CODE_MAX_LENGTH, parent=parent)
        if value is not None and not _SLUG.match(value):
            self.problem(
                entries["code"][1],
                f"{where}: code {value!r} may hold only letters, digits, '-' and '_'",
            )
            return None
        return value

    def flag(self, entries: dict[str, tuple[ScalarNode, Node]], key: str, where: str) -> bool:
        if key not in entries:
            return False
        node = entries[key][1]
        if not isinstance(node, ScalarNode) or node.tag != _BOOL:
            self.problem(node, f"{where}: {key!r} must be true or false")
            return False
        return SafeConstructor.bool_values[node.value.lower()]

    def identify(
        self,
        kind: str,
        entries: dict[str, tuple[ScalarNode, Node]],
        code: str | None,
        name: str | None,
    ) -> None:
        """Remember a code and a name with their lines, to report any used twice."""
        for attribute, value in (("code", code), ("name", name)):
            if value is not None:
                line = _line(entries[attribute][1])
                self.identifiers.setdefault((kind, attribute), []).append((value, line))

    def check_identifiers(self) -> None:
        for (kind, attribute), values in self.identifiers.items():
            first_line: dict[str, int] = {}
            for value, line in values:
                # Names differing only in case would read as the same competency.
                key = value.casefold() if attribute == "name" else value
                if key in first_line:
                    self.problem(
                        line,
                        f"{kind} {attribute} {value!r} is used twice: on line "
                        f"{first_line[key]} and line {line}",
                    )
                else:
                    first_line[key] = line


def framework_parse(*, text: str) -> FrameworkDocument:
    """Read and validate a framework file; raises FrameworkError listing every problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        reason = error.problem or error.context or "cannot be read"
        if error.context and error.problem and error.context_mark:
            reason += f" ({error.context}, from line {error.context_mark.line + 1})"
        raise FrameworkError([FrameworkProblem(line, f"not valid YAML: {reason}")]) from error
    except yaml.YAMLError as error:
        raise FrameworkError([FrameworkProblem(None, f"not valid YAML: {error}")]) from error
    if root is None:
        raise FrameworkError(
            [FrameworkProblem(1, "the file is empty: it needs 'levels' and 'categories'")]
        )

    reader = _Reader()
    document = _read_document(reader, root)
    if reader.problems or document is None:
        raise FrameworkError(reader.problems)
    return document


def _read_document(reader: _Reader, root: Node) -> FrameworkDocument | None:
    top = reader.mapping(root, "the file", _TOP_KEYS)
    if top is None:
        return None
    levels = _read_levels(reader, top["levels"][1]) if "levels" in top else {}
    if "categories" not in top:
        reader.problem(root, "the file has no 'categories'")
        return None
    categories = [
        category
        for index, node in enumerate(reader.sequence(top["categories"][1], "'categories'"), 1)
        if (category := _read_category(reader, node, index)) is not None
    ]
    if not categories and not reader.problems:
        reader.problem(top["categories"][1], "'categories' is empty")
    reader.check_identifiers()
    return FrameworkDocument(levels=levels, categories=categories)


def _read_levels(reader: _Reader, node: Node) -> dict[str, str]:
    entries = reader.mapping(node, "'levels'", None)
    levels: dict[str, str] = {}
    for code, (key_node, value_node) in (entries or {}).items():
        if code not in LEVEL_RANKS:
            reader.problem(key_node, _unknown_level(code))
            continue
        where = f"level {code!r}"
        fields = reader.mapping(value_node, where, _LEVEL_KEYS)
        if fields is None:
            continue
        scope = reader.text(
            fields,
            "scope_of_impact",
            where,
            max_length=SCOPE_MAX_LENGTH,
            required=False,
        )
        if scope is not None:
            levels[code] = scope
    return dict(sorted(levels.items(), key=lambda item: LEVEL_RANKS[item[0]]))


def _name_of(node: Node, fallback: str) -> str:
    """How messages name a category or competency: by its code when it has one."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == "code" and isinstance(value_node, ScalarNode) and value_node.value:
                return f"{fallback} {value_node.value!r}"
    return fallback


def _read_category(reader: _Reader, node: Node, index: int) -> CategoryDocument | None:
    where = _name_of(node, f"category {index}")
    entries = reader.mapping(node, where, _CATEGORY_KEYS)
    if entries is None:
        return None
    code = reader.code(entries, where, node)
    name = reader.text(entries, "name", where, max_length=NAME_MAX_LENGTH, parent=node)
    description = reader.text(
        entries, "description", where, max_length=DESCRIPTION_MAX_LENGTH, required=False
    )
    manager_track_only = reader.flag(entries, "manager_track_only", where)
    reader.identify("category", entries, code, name)
    competencies: list[CompetencyDocument] = []
    if "competencies" not in entries:
        reader.problem(node, f"{where}: 'competencies' is missing")
    else:
        items = reader.sequence(entries["competencies"][1], f"{where}: 'competencies'")
        if not items and isinstance(entries["competencies"][1], SequenceNode):
            reader.problem(entries["competencies"][1], f"{where} has no competencies")
        lowest = LOWEST_LEADERSHIP_LEVEL if manager_track_only else LOWEST_LEVEL
        for item in items:
            competency = _read_competency(reader, item, lowest=lowest)
            if competency is not None:
                competencies.append(competency)
    if code is None or name is None or description is None:
        return None
    return CategoryDocument(
        code=code,
        name=name,
        description=description,
        manager_track_only=manager_track_only,
        competencies=competencies,
        line=_line(node),
    )


def _read_competency(reader: _Reader, node: Node, *, lowest: str) -> CompetencyDocument | None:
    where = _name_of(node, "competency")
    entries = reader.mapping(node, where, _COMPETENCY_KEYS)
    if entries is None:
        return None
    code = reader.code(entries, where, node)
    name = reader.text(entries, "name", where, max_length=NAME_MAX_LENGTH, parent=node)
    description = reader.text(
        entries, "description", where, max_length=DESCRIPTION_MAX_LENGTH, required=False
    )
    leadership = reader.flag(entries, "leadership", where)
    reader.identify("competency", entries, code, name)
    expectations = _read_expectations(reader, entries, where, node, lowest=lowest)
    if code is None or name is None or description is None or expectations is None:
        return None
    return CompetencyDocument(
        code=code,
        name=name,
        description=description,
        leadership=leadership,
        expectations=expectations,
        line=_line(node),
    )


def _read_expectations(
    reader: _Reader,
    entries: dict[str, tuple[ScalarNode, Node]],
    where: str,
    parent: Node,
    *,
    lowest: str,
) -> dict[str, str] | None:
    if "expectations" not in entries:
        reader.problem(parent, f"{where} has no expectations")
        return None
    key_node, node = entries["expectations"]
    fields = reader.mapping(node, f"{where}: 'expectations'", None)
    if fields is None:
        return None
    expectations: dict[str, str] = {}
    valid = True
    for level_code, (level_node, _text_node) in fields.items():
        if level_code not in LEVEL_RANKS:
            reader.problem(level_node, f"{where}: {_unknown_level(level_code)}")
            valid = False
            continue
        text = reader.text(
            fields,
            level_code,
            where,
            max_length=EXPECTATION_MAX_LENGTH,
            label=f"the expectation at {level_code!r}",
        )
        if text is None:
            valid = False
        else:
            expectations[level_code] = text
    if not fields:
        reader.problem(key_node, f"{where} has no expectations")
        return None
    if valid and not any(LEVEL_RANKS[code] <= LEVEL_RANKS[lowest] for code in expectations):
        reader.problem(
            key_node,
            f"{where} has no expectation at or below {LEVEL_NAMES[lowest]} ({lowest!r}): "
            "the lowest level it applies to must say what is expected",
        )
    if not valid:
        return None
    return dict(sorted(expectations.items(), key=lambda item: LEVEL_RANKS[item[0]]))


def _unknown_level(code: str) -> str:
    return f"unknown level {code!r} (the levels are: {', '.join(LEVEL_CODES)})"


# Importing.

KINDS = ("levels", "categories", "competencies", "expectations")


@dataclass
class KindChanges:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.removed


@dataclass
class ImportSummary:
    """What an import created, updated and removed, per kind of row."""

    dry_run: bool = False
    kinds: dict[str, KindChanges] = field(
        default_factory=lambda: {kind: KindChanges() for kind in KINDS}
    )

    @property
    def created(self) -> int:
        return sum(changes.created for changes in self.kinds.values())

    @property
    def updated(self) -> int:
        return sum(changes.updated for changes in self.kinds.values())

    @property
    def removed(self) -> int:
        return sum(changes.removed for changes in self.kinds.values())

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.removed} removed"


def framework_import(*, text: str, dry_run: bool = False) -> ImportSummary:
    """Make the framework in the database match a YAML file, all or nothing.

    Rows are matched by code: categories, competencies and expectations are created, updated
    or removed, and levels get their scope of impact. A competency that someone has been
    rated on or has a goal or feedback about is never removed: the import is refused instead.
    A dry run does the same work and rolls it back. Raises FrameworkError.
    """
    document = framework_parse(text=text)
    with transaction.atomic():
        summary = ImportSummary(dry_run=dry_run)
        _import_levels(document, summary.kinds["levels"])
        _remove_missing_competencies(document, summary.kinds["competencies"])
        categories = _upsert_categories(document, summary.kinds["categories"])
        competencies = _upsert_competencies(document, categories, summary.kinds["competencies"])
        _sync_expectations(document, competencies, summary.kinds["expectations"])
        removed = CompetencyCategory.objects.exclude(
            code__in=[category.code for category in document.categories]
        ).delete()[1]
        summary.kinds["categories"].removed = removed.get(CompetencyCategory._meta.label, 0)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _import_levels(document: FrameworkDocument, changes: KindChanges) -> None:
    ladder_ensure()
    for level in Level.objects.filter(code__in=document.levels):
        scope = document.levels[level.code]
        if level.scope_of_impact == scope:
            changes.unchanged += 1
            continue
        level.scope_of_impact = scope
        level.save(update_fields=["scope_of_impact"])
        changes.updated += 1


def _remove_missing_competencies(document: FrameworkDocument, changes: KindChanges) -> None:
    missing = Competency.objects.exclude(
        code__in=[competency.code for competency in document.competencies]
    )
    in_use = sorted(
        missing.filter(pk__in=competencies_in_use().values("pk")).values_list("code", flat=True)
    )
    if in_use:
        raise FrameworkError(
            [
                FrameworkProblem(
                    None,
                    f"competency {code!r} is not in the file, but people's assessments, growth "
                    "goals or feedback refer to it: keep it in the file (it may move or be "
                    "renamed)",
                )
                for code in in_use
            ]
        )
    removed = missing.delete()[1]
    changes.removed = removed.get(Competency._meta.label, 0)


def _upsert_categories(
    document: FrameworkDocument, changes: KindChanges
) -> dict[str, CompetencyCategory]:
    existing = {category.code: category for category in CompetencyCategory.objects.all()}
    wanted = {
        category.code: {
            "name": category.name,
            "description": category.description,
            "manager_track_only": category.manager_track_only,
            "position": position,
        }
        for position, category in enumerate(document.categories, 1)
    }
    return _upsert(CompetencyCategory, existing, wanted, changes)


def _upsert_competencies(
    document: FrameworkDocument,
    categories: dict[str, CompetencyCategory],
    changes: KindChanges,
) -> dict[str, Competency]:
    existing = {competency.code: competency for competency in Competency.objects.all()}
    wanted = {
        competency.code: {
            "category_id": categories[category.code].pk,
            "name": competency.name,
            "description": competency.description,
            "leadership": competency.leadership,
            "position": position,
        }
        for category in document.categories
        for position, competency in enumerate(category.competencies, 1)
    }
    return _upsert(Competency, existing, wanted, changes)


def _upsert(model, existing: dict, wanted: dict[str, dict], changes: KindChanges) -> dict:
    """Create or update rows by code.

    Names are unique, so a renamed row, and a row about to be removed, first step aside under
    a temporary name: two rows may swap names, or a new row take the name of an old one.
    """
    stale = {
        code: row
        for code, row in existing.items()
        if code in wanted and any(getattr(row, key) != value for key, value in wanted[code].items())
    }
    aside = [
        row.pk
        for code, row in existing.items()
        if code not in wanted or (code in stale and row.name != wanted[code]["name"])
    ]
    for pk in aside:
        model.objects.filter(pk=pk).update(name=f"(renaming #{pk})")
    rows = {}
    for code, values in wanted.items():
        row = existing.get(code)
        if row is None:
            row = model.objects.create(code=code, **values)
            changes.created += 1
        elif code in stale:
            for key, value in values.items():
                setattr(row, key, value)
            row.save()
            changes.updated += 1
        else:
            changes.unchanged += 1
        rows[code] = row
    return rows


def _sync_expectations(
    document: FrameworkDocument, competencies: dict[str, Competency], changes: KindChanges
) -> None:
    levels = {level.code: level for level in Level.objects.all()}
    existing = {
        (expectation.competency_id, expectation.level_id): expectation
        for expectation in Expectation.objects.all()
    }
    keep: set[int] = set()
    new: list[Expectation] = []
    for competency_document in document.competencies:
        competency = competencies[competency_document.code]
        for level_code, text in competency_document.expectations.items():
            level = levels[level_code]
            expectation = existing.get((competency.pk, level.pk))
            if expectation is None:
                new.append(Expectation(competency=competency, level=level, text=text))
                continue
            keep.add(expectation.pk)
            if expectation.text == text:
                changes.unchanged += 1
            else:
                expectation.text = text
                expectation.save(update_fields=["text"])
                changes.updated += 1
    Expectation.objects.bulk_create(new)
    changes.created = len(new)
    stale = [pk for pk in (e.pk for e in existing.values()) if pk not in keep]
    changes.removed = Expectation.objects.filter(pk__in=stale).delete()[0]


# Exporting.

_EXPORT_HEADER = """\
# ProductOrg career framework, exported from the app.
# Re-import it with `productorg framework import FILE` or on the framework page.
# A level without an expectation inherits the one of the nearest lower level.

"""


class _Dumper(yaml.SafeDumper):
    """Long texts as folded blocks (`>-`), as the shipped file writes them."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 60 and "\n" not in value and value == value.strip() else None
    return dumper.represent_scalar(_STR, value, style=style)


_Dumper.add_representer(str, _represent_text)


def framework_export() -> str:
    """The framework in the database as YAML that imports back to the same framework."""
    levels = {
        level.code: {"scope_of_impact": level.scope_of_impact}
        for level in Level.objects.order_by("rank")
    }
    expectations: dict[int, dict[str, str]] = {}
    for competency_id, level_code, text in Expectation.objects.order_by(
        "competency_id", "level__rank"
    ).values_list("competency_id", "level__code", "text"):
        expectations.setdefault(competency_id, {})[level_code] = text
    categories = []
    for category in CompetencyCategory.objects.prefetch_related("competencies"):
        entry: dict = {"code": category.code, "name": category.name}
        if category.description:
            entry["description"] = category.description
        if category.manager_track_only:
            entry["manager_track_only"] = True
        entry["competencies"] = [
            {
                "code": competency.code,
                "name": competency.name,
                **({"description": competency.description} if competency.description else {}),
                "leadership": competency.leadership,
                "expectations": expectations.get(competency.pk, {}),
            }
            for competency in sorted(
                category.competencies.all(), key=lambda c: (c.position, c.name)
            )
        ]
        categories.append(entry)
    body = yaml.dump(
        {"levels": levels, "categories": categories},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=84,
        indent=2,
    )
    return _EXPORT_HEADER + body


def framework_ensure_default() -> bool:
    """Load the shipped framework when the database has no competency; True if it did."""
    if Competency.objects.exists():
        return False
    framework_import(text=SHIPPED_FRAMEWORK.read_text(encoding="utf-8"))
    return True
