"""Reads of the career framework: expectations per level, with the fall-back to lower levels.

A level without its own expectation for a competency inherits the one of the nearest lower
level; a competency with nothing at or below a level is not expected there yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from productorg.accounts import permissions
from productorg.accounts.permissions import Role
from productorg.people.models import (
    Competency,
    CompetencyCategory,
    Expectation,
    Feedback,
    GrowthGoal,
    Level,
    Rating,
)

if TYPE_CHECKING:
    from productorg.accounts.models import User


def can_read_framework(*, user: User) -> bool:
    """The framework is for the product org and its admins; stakeholders do not see it."""
    return permissions.role_of(user) in {Role.ADMIN, Role.LEADER, Role.PRODUCT_MANAGER}


def can_change_framework(*, user: User) -> bool:
    """Only admins import, export and edit the framework."""
    return permissions.role_of(user) == Role.ADMIN


def competencies_in_use() -> QuerySet[Competency]:
    """Competencies that people's ratings, growth goals or feedback refer to.

    They are people's history: such a competency may change, but not be deleted.
    """
    return Competency.objects.filter(
        Q(pk__in=Rating.objects.values("competency_id"))
        | Q(pk__in=GrowthGoal.objects.filter(competency__isnull=False).values("competency_id"))
        | Q(pk__in=Feedback.objects.filter(competency__isnull=False).values("competency_id"))
    )


@dataclass(frozen=True)
class ExpectationView:
    """What a competency asks at `level`; the text comes from `source_level`."""

    competency_id: int
    level: Level
    source_level: Level
    text: str

    @property
    def inherited(self) -> bool:
        """True when `level` has no text of its own and takes a lower level's."""
        return self.source_level.pk != self.level.pk


def expectations_for_level(*, level: Level) -> dict[int, ExpectationView]:
    """Each competency's expectation at `level` (or the nearest lower level), by competency id.

    Competencies with no expectation at or below the level are left out. One query.
    """
    nearest: dict[int, Expectation] = {}
    for expectation in (
        Expectation.objects.filter(level__rank__lte=level.rank)
        .select_related("level")
        .order_by("competency_id", "-level__rank")
    ):
        nearest.setdefault(expectation.competency_id, expectation)
    return {
        competency_id: ExpectationView(
            competency_id=competency_id,
            level=level,
            source_level=expectation.level,
            text=expectation.text,
        )
        for competency_id, expectation in nearest.items()
    }


def expected_competency_ids(*, levels: list[Level]) -> dict[int, frozenset[int]]:
    """For each of `levels` (by pk), the competencies it expects: those with an expectation at
    that level or a lower one, as `expectations_for_level` reads them. One query."""
    lowest: dict[int, int] = {}
    for competency_id, rank in Expectation.objects.values_list("competency_id", "level__rank"):
        lowest[competency_id] = min(rank, lowest.get(competency_id, rank))
    return {
        level.pk: frozenset(c for c, rank in lowest.items() if rank <= level.rank)
        for level in levels
    }


def _fall_back(
    competency_id: int, levels: list[Level], own: dict[int, Expectation]
) -> list[ExpectationView | None]:
    """One cell per level, lowest first: the level's own text or the last one below it."""
    cells: list[ExpectationView | None] = []
    current: Expectation | None = None
    for level in levels:
        current = own.get(level.pk, current)
        cells.append(
            None
            if current is None
            else ExpectationView(
                competency_id=competency_id,
                level=level,
                source_level=current.level,
                text=current.text,
            )
        )
    return cells


@dataclass(frozen=True)
class FrameworkRow:
    """A competency and its expectation at each shown level (None: not expected yet)."""

    competency: Competency
    cells: list[ExpectationView | None]


@dataclass(frozen=True)
class FrameworkCategory:
    category: CompetencyCategory
    rows: list[FrameworkRow]


@dataclass(frozen=True)
class FrameworkView:
    """The framework as a matrix: competencies as rows, `levels` as columns."""

    levels: list[Level]
    all_levels: list[Level]
    categories: list[FrameworkCategory]
    focus: Level | None  # the level chosen by the filter: shown with the next one up

    @property
    def ic_levels(self) -> list[Level]:
        return [level for level in self.levels if level.track == Level.Track.IC]

    @property
    def manager_levels(self) -> list[Level]:
        return [level for level in self.levels if level.track == Level.Track.MANAGER]

    @property
    def competency_count(self) -> int:
        return sum(len(category.rows) for category in self.categories)


def framework_for(*, user: User, level_code: str | None = None) -> FrameworkView | None:
    """The whole framework for reading, or None when the user may not read it.

    With `level_code`, only that level and the next one up are shown ("now" and "next");
    an unknown code shows every level. A fixed number of queries, whatever the size.
    """
    if not can_read_framework(user=user):
        return None
    all_levels = list(Level.objects.order_by("rank"))
    levels_by_pk = {level.pk: level for level in all_levels}
    categories = CompetencyCategory.objects.order_by("position", "name").prefetch_related(
        Prefetch(
            "competencies",
            queryset=Competency.objects.order_by("position", "name").prefetch_related(
                Prefetch(
                    "expectations",
                    queryset=Expectation.objects.order_by().only(
                        "id", "competency_id", "level_id", "text"
                    ),
                )
            ),
        )
    )
    focus = next((level for level in all_levels if level.code == level_code), None)
    start, stop = 0, len(all_levels)
    if focus is not None:
        start = all_levels.index(focus)
        stop = start + 2
    blocks = []
    for category in categories:
        rows = []
        for competency in category.competencies.all():
            own = {}
            for expectation in competency.expectations.all():
                # The levels are already in memory: no query per expectation for its level.
                expectation.level = levels_by_pk[expectation.level_id]
                own[expectation.level_id] = expectation
            # The fall-back runs over every level, so a shown level may inherit from one
            # the filter hides.
            cells = _fall_back(competency.pk, all_levels, own)[start:stop]
            rows.append(FrameworkRow(competency=competency, cells=cells))
        blocks.append(FrameworkCategory(category=category, rows=rows))
    return FrameworkView(
        levels=all_levels[start:stop], all_levels=all_levels, categories=blocks, focus=focus
    )
