"""What an import did or would do, row by row: the one report every importer returns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"
    ERROR = "error"

    @property
    def label(self) -> str:
        return {
            "create": "Create",
            "update": "Update",
            "unchanged": "Unchanged",
            "skip": "Skip",
            "error": "Error",
        }[self.value]


class CategoryFrom(StrEnum):
    """Where a row's work category comes from, so a dry run tells a choice from a default."""

    FILE = "file"  # the file's category column
    DEFAULT = "default"  # the import's default category
    KEPT = "kept"  # the initiative's own, the file saying nothing
    NONE = ""  # no category: none in the file, no default chosen


@dataclass
class RowOutcome:
    """What happens to one row: the line it starts on, its key and title, and why; for an
    initiative, what it will be (category, status, health, effort, each as shown) and, for
    an update, each field that changes as (field, before, after)."""

    line: int
    action: Action
    key: str = ""
    title: str = ""
    reason: str = ""
    category: str = ""
    category_from: str = ""
    status: str = ""
    health: str = ""
    effort: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def category_is_default(self) -> bool:
        return self.category_from == CategoryFrom.DEFAULT


@dataclass
class ImportReport:
    """The result of reading (and, unless a dry run or in error, writing) one export.

    `unmapped` names source values (a Jira project, a Linear team) that no ProductOrg team is
    mapped to yet, per mapping field: the import cannot be applied until they are mapped.
    An import with any error or unmapped value writes nothing.
    """

    source: str
    dry_run: bool
    outcomes: list[RowOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unmapped: dict[str, list[str]] = field(default_factory=dict)
    rows_read: int = 0
    applied: bool = False

    def add(
        self,
        line: int,
        action: Action,
        *,
        key: str = "",
        title: str = "",
        reason: str = "",
        **details: Any,
    ) -> None:
        """A row's outcome; `details` are RowOutcome's category, status, ..., changes."""
        self.outcomes.append(RowOutcome(line, action, key, title, reason, **details))

    def error(self, line: int, reason: str, *, key: str = "", title: str = "") -> None:
        self.add(line, Action.ERROR, key=key, title=title, reason=reason)

    @property
    def errors(self) -> list[RowOutcome]:
        return [outcome for outcome in self.outcomes if outcome.action == Action.ERROR]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(outcome.action for outcome in self.outcomes)
        return {action.value: counted.get(action, 0) for action in Action}

    @property
    def ok(self) -> bool:
        """Whether the import can be (or was) applied: no bad row, every team value mapped."""
        return not self.errors and not any(self.unmapped.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "rows_read": self.rows_read,
            "counts": self.counts,
            "notes": self.notes,
            "unmapped": self.unmapped,
            "outcomes": [
                {**asdict(outcome), "action": outcome.action.value} for outcome in self.outcomes
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportReport:
        report = cls(
            source=data["source"],
            dry_run=data["dry_run"],
            notes=list(data.get("notes", [])),
            unmapped={key: list(values) for key, values in data.get("unmapped", {}).items()},
            rows_read=data.get("rows_read", 0),
            applied=data.get("applied", False),
        )
        details = ("category", "category_from", "status", "health", "effort")
        for outcome in data.get("outcomes", []):
            report.add(
                outcome["line"],
                Action(outcome["action"]),
                key=outcome.get("key", ""),
                title=outcome.get("title", ""),
                reason=outcome.get("reason", ""),
                **{name: outcome.get(name, "") for name in details},
                changes=[tuple(change) for change in outcome.get("changes", [])],
            )
        return report


# Called with (what is happening, done, total) as an import goes: "reading" counts bytes of
# the file, "writing" counts initiatives. The CLI prints it; the page's run stores it.
Progress = Callable[[str, int, int], None]


def no_progress(phase: str, done: int, total: int) -> None:
    """A Progress that reports nowhere."""
