"""Reads of the PM function's pages: its documents and their diffs, the process catalog, the
improvement backlog and the roadmap of the function by quarter.

Every selector takes the acting user and gives nothing (None, or an empty list) to a user
who may not read the function (`permissions.can_read_function`); the faces answer that 404.
"""

from __future__ import annotations

import datetime
import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Case, Count, F, IntegerField, Max, Q, Value, When
from django.utils import timezone

from productorg.accounts import permissions
from productorg.function.models import (
    DocumentKind,
    FunctionDocumentVersion,
    Improvement,
    ImprovementStatus,
    Process,
    ProcessHealth,
)
from productorg.strategy.periods import quarter_of, quarters_between

if TYPE_CHECKING:
    from productorg.accounts.models import User

# A process nobody has looked at for longer than this is flagged on the catalog.
REVIEW_DUE_AFTER_DAYS = 180
# Unchanged lines shown around each change of a diff; longer unchanged runs fold.
DIFF_CONTEXT_LINES = 3
# The roadmap of the function shows at most this many quarters, starting from the earliest.
ROADMAP_MAX_QUARTERS = 8
PROCESS_SORTS = {
    "health": "health, worst first",
    "reviewed": "last reviewed, longest ago first",
    "name": "name",
}


# Documents.


def document_current(*, user: User, kind: str) -> FunctionDocumentVersion | None:
    """The newest version of the charter or vision, or None (none yet, or not readable)."""
    if not permissions.can_read_function(user):
        return None
    return FunctionDocumentVersion.objects.select_related("author").filter(kind=kind).first()


def document_history(*, user: User, kind: str) -> list[FunctionDocumentVersion]:
    """Every version of a document, newest first, without the bodies' rendering."""
    if not permissions.can_read_function(user):
        return []
    return list(
        FunctionDocumentVersion.objects.select_related("author")
        .filter(kind=kind)
        .defer("body")
        .order_by("-number")
    )


def document_version(*, user: User, kind: str, number: int) -> FunctionDocumentVersion | None:
    """One version of a document by its number, or None."""
    if not permissions.can_read_function(user):
        return None
    return (
        FunctionDocumentVersion.objects.select_related("author")
        .filter(kind=kind, number=number)
        .first()
    )


@dataclass(frozen=True)
class DiffLine:
    """One row of a line diff: `change` is "same", "added", "removed" or "folded" (a run of
    `folded` unchanged lines left out); the numbers are the line's in the older and newer
    body."""

    change: str
    text: str = ""
    old_number: int | None = None
    new_number: int | None = None
    folded: int = 0


@dataclass(frozen=True)
class DocumentDiff:
    older: FunctionDocumentVersion
    newer: FunctionDocumentVersion
    lines: list[DiffLine]

    @property
    def older_label(self) -> str:
        return f"v{self.older.number}"

    @property
    def newer_label(self) -> str:
        return f"v{self.newer.number}"

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines if line.change == "added")

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.change == "removed")


def text_diff(*, older: str, newer: str, context: int = DIFF_CONTEXT_LINES) -> list[DiffLine]:
    """The line diff of two texts, unchanged runs beyond `context` lines folded.

    The lines are plain text: a template escapes them, so nothing in a body becomes markup."""
    old_lines, new_lines = older.splitlines(), newer.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    rows: list[DiffLine] = []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                _unchanged(old_lines, old_start, old_end, new_start, context, first=not rows)
            )
            continue
        rows.extend(
            DiffLine("removed", old_lines[index], old_number=index + 1)
            for index in range(old_start, old_end)
        )
        rows.extend(
            DiffLine("added", new_lines[index], new_number=index + 1)
            for index in range(new_start, new_end)
        )
    return rows


def _unchanged(
    lines: list[str], start: int, end: int, new_start: int, context: int, *, first: bool
) -> list[DiffLine]:
    """An unchanged run: `context` lines after the change before it and before the next."""

    def same(index: int) -> DiffLine:
        return DiffLine(
            "same", lines[index], old_number=index + 1, new_number=new_start + index - start + 1
        )

    last = end == len(lines)
    keep_head = 0 if first else context
    keep_tail = 0 if last else context
    if end - start <= keep_head + keep_tail:
        return [same(index) for index in range(start, end)]
    head = [same(index) for index in range(start, start + keep_head)]
    tail = [same(index) for index in range(end - keep_tail, end)]
    folded = end - start - keep_head - keep_tail
    return [*head, DiffLine("folded", folded=folded), *tail]


def document_diff(
    *, user: User, kind: str, older_number: int, newer_number: int
) -> DocumentDiff | None:
    """Two versions of a document and the line diff from the first to the second; None when
    either is missing."""
    if not permissions.can_read_function(user):
        return None
    versions = {
        version.number: version
        for version in FunctionDocumentVersion.objects.select_related("author").filter(
            kind=kind, number__in=[older_number, newer_number]
        )
    }
    if older_number not in versions or newer_number not in versions:
        return None
    older, newer = versions[older_number], versions[newer_number]
    return DocumentDiff(older, newer, text_diff(older=older.body, newer=newer.body))


# Processes.


@dataclass(frozen=True)
class ProcessRow:
    process: Process
    # Days since the last review; None when it was never reviewed.
    days_since_review: int | None
    review_due: bool
    open_improvements: int


def processes_for(*, user: User, sort: str = "health") -> list[ProcessRow]:
    """The process catalog sorted by health (worst first), last review (oldest and never
    first) or name, each with whether its review is due."""
    if not permissions.can_read_function(user):
        return []
    today = timezone.localdate()
    rank = Case(
        *(
            When(health=health, then=Value(position))
            for position, health in enumerate(ProcessHealth)
        ),
        output_field=IntegerField(),
    )
    order = {
        "health": [rank, F("last_reviewed").asc(nulls_first=True), "name"],
        "reviewed": [F("last_reviewed").asc(nulls_first=True), rank, "name"],
        "name": ["name"],
    }[sort if sort in PROCESS_SORTS else "health"]
    processes = (
        Process.objects.select_related("owner")
        .annotate(open_improvements=_open_count())
        .order_by(*order, "pk")
    )
    return [_process_row(process, today) for process in processes]


def _open_count() -> Count:
    return Count(
        "improvements",
        filter=~Q(improvements__status__in=[ImprovementStatus.DONE, ImprovementStatus.DROPPED]),
    )


def _process_row(process: Process, today: datetime.date) -> ProcessRow:
    days = None if process.last_reviewed is None else (today - process.last_reviewed).days
    return ProcessRow(
        process=process,
        days_since_review=days,
        review_due=days is None or days > REVIEW_DUE_AFTER_DAYS,
        open_improvements=getattr(process, "open_improvements", 0),
    )


def process_for(*, user: User, process_id: int) -> ProcessRow | None:
    """One process with its review flag, or None."""
    if not permissions.can_read_function(user):
        return None
    process = (
        Process.objects.select_related("owner")
        .annotate(open_improvements=_open_count())
        .filter(pk=process_id)
        .first()
    )
    return None if process is None else _process_row(process, timezone.localdate())


def process_improvements(*, user: User, process: Process) -> list[Improvement]:
    """The improvements linked to a process, newest quarter last."""
    if not permissions.can_read_function(user):
        return []
    return list(
        process.improvements.select_related("owner", "process").order_by("quarter", "title", "pk")
    )


# Improvements.


def improvements_for(*, user: User, status: str = "", kind: str = "") -> list[Improvement]:
    """The improvement backlog, optionally of one status and one kind, by quarter (items
    without one last), then title."""
    if not permissions.can_read_function(user):
        return []
    improvements = Improvement.objects.select_related("owner", "process")
    if status:
        improvements = improvements.filter(status=status)
    if kind:
        improvements = improvements.filter(kind=kind)
    unplanned_last = Case(When(quarter="", then=Value(1)), default=Value(0))
    return list(improvements.order_by(unplanned_last, "quarter", "title", "pk"))


def improvement_for(*, user: User, improvement_id: int) -> Improvement | None:
    if not permissions.can_read_function(user):
        return None
    return Improvement.objects.select_related("owner", "process").filter(pk=improvement_id).first()


@dataclass
class RoadmapColumn:
    quarter: str
    current: bool
    improvements: list[Improvement] = field(default_factory=list)


@dataclass
class FunctionRoadmap:
    columns: list[RoadmapColumn]
    # Open improvements without a quarter, and placed ones beyond the shown quarters.
    unplaced: int
    later: int


def function_roadmap(*, user: User) -> FunctionRoadmap:
    """The function's improvements by quarter, from the earliest quarter that has one (or
    this quarter) for at most ROADMAP_MAX_QUARTERS; dropped items stay off."""
    if not permissions.can_read_function(user):
        return FunctionRoadmap(columns=[], unplaced=0, later=0)
    improvements = list(
        Improvement.objects.select_related("owner")
        .exclude(status=ImprovementStatus.DROPPED)
        .order_by("quarter", "status", "title", "pk")
    )
    placed = [improvement for improvement in improvements if improvement.quarter]
    unplaced = sum(
        1
        for improvement in improvements
        if not improvement.quarter and improvement.status != ImprovementStatus.DONE
    )
    current = quarter_of(timezone.localdate())
    if not placed:
        return FunctionRoadmap(columns=[], unplaced=unplaced, later=0)
    first, last = placed[0].quarter, placed[-1].quarter
    quarters = quarters_between(first, last)[:ROADMAP_MAX_QUARTERS]
    columns = {quarter: RoadmapColumn(quarter, quarter == current) for quarter in quarters}
    later = 0
    for improvement in placed:
        if improvement.quarter in columns:
            columns[improvement.quarter].improvements.append(improvement)
        else:
            later += 1
    return FunctionRoadmap(columns=list(columns.values()), unplaced=unplaced, later=later)


# The hub.


@dataclass(frozen=True)
class FunctionSummary:
    charter: FunctionDocumentVersion | None
    vision: FunctionDocumentVersion | None
    processes: int
    process_health: dict[str, int]
    reviews_due: int
    improvements: dict[str, int]


def function_summary(*, user: User) -> FunctionSummary | None:
    """What the function's landing page counts: the documents' latest versions, processes
    by health and due for review, improvements by status."""
    if not permissions.can_read_function(user):
        return None
    latest = dict(
        FunctionDocumentVersion.objects.values("kind")
        .annotate(last=Max("number"))
        .values_list("kind", "last")
    )
    documents = {
        version.kind: version
        for version in FunctionDocumentVersion.objects.select_related("author")
        .defer("body")
        .filter(
            kind__in=list(latest),
            number__in=list(latest.values()),
        )
        if latest.get(version.kind) == version.number
    }
    due_before = timezone.localdate() - datetime.timedelta(days=REVIEW_DUE_AFTER_DAYS)
    health: Counter[str] = Counter()
    reviews_due = 0
    for process_health, last_reviewed in Process.objects.order_by().values_list(
        "health", "last_reviewed"
    ):
        health[process_health] += 1
        reviews_due += last_reviewed is None or last_reviewed < due_before
    statuses = dict(
        Improvement.objects.values("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    return FunctionSummary(
        charter=documents.get(DocumentKind.CHARTER),
        vision=documents.get(DocumentKind.VISION),
        processes=sum(health.values()),
        process_health={value: health[value] for value in ProcessHealth.values},
        reviews_due=reviews_due,
        improvements={value: statuses.get(value, 0) for value in ImprovementStatus.values},
    )
