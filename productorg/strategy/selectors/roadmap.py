"""The roadmap: placed initiatives as bars across a window of quarters, one band per team.

A fixed number of queries for any portfolio: teams, bars, their team efforts, their
prerequisites and the band's load are each read once for a page of teams, as plain rows."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from django.core.paginator import Page
from django.db.models import Q, QuerySet

from productorg.accounts import permissions
from productorg.paging import page_of
from productorg.strategy.models import (
    CATEGORY_CHOICES,
    Dependency,
    Initiative,
    InitiativeEffort,
)
from productorg.strategy.periods import quarter_add, quarter_of
from productorg.strategy.selectors.capacity import (
    TEAMS_PER_PAGE,
    ZERO,
    CapacityCell,
    TeamRow,
    team_quarter_load,
    team_rows,
)
from productorg.strategy.selectors.load import MAX_DURATION_QUARTERS
from productorg.strategy.selectors.portfolio import ACTIVE_STATUSES, category_condition

if TYPE_CHECKING:
    from productorg.accounts.models import User

CATEGORY_LABELS = dict(CATEGORY_CHOICES)
STATUS_LABELS = dict(Initiative.Status.choices)
HEALTH_LABELS = dict(Initiative.Health.choices)


class Prerequisite(NamedTuple):
    """Something a bar's initiative waits for; `problem` says why the wait does not fit."""

    pk: int
    title: str
    status_label: str
    end_quarter: str | None
    problem: str


class BarRow(NamedTuple):
    """An initiative as the roadmap reads it."""

    pk: int
    title: str
    team_id: int | None
    team_name: str | None
    category: str
    status: str
    health: str
    start_quarter: str
    duration: int
    deadline: datetime.date | None


# The query's field for each BarRow field, in order.
BAR_FIELDS = (
    "pk",
    "title",
    "team_id",
    "team__name",
    "category",
    "status",
    "health",
    "start_quarter",
    "duration_quarters",
    "deadline",
)


@dataclass(slots=True)
class Bar:
    """One initiative in one team's band, placed on the window's columns (1-based)."""

    pk: int
    title: str
    category: str
    status: str
    health: str
    start_quarter: str
    end_quarter: str
    deadline: datetime.date | None
    column: int
    span: int
    continues_before: bool
    continues_after: bool
    prerequisites: list[Prerequisite]
    # Set in the band of a team that contributes effort to another team's initiative.
    lead_team: str | None = None
    # The other teams contributing, in the lead team's band.
    partners: list[str] = field(default_factory=list)

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def health_label(self) -> str:
        return HEALTH_LABELS.get(self.health, self.health)

    @property
    def late(self) -> bool:
        """It ends in a quarter after the one its deadline falls in."""
        return self.deadline is not None and quarter_of(self.deadline) < self.end_quarter

    @property
    def conflicts(self) -> list[Prerequisite]:
        return [prerequisite for prerequisite in self.prerequisites if prerequisite.problem]

    @property
    def has_conflict(self) -> bool:
        return any(prerequisite.problem for prerequisite in self.prerequisites)

    # A large roadmap draws hundreds of bars: each is a few strings made here rather than
    # dozens of template lookups.

    @property
    def css(self) -> str:
        """The bar's classes: category, status, and what else marks it."""
        classes = [f"cat-{self.category}", f"status-{self.status}"]
        if self.lead_team:
            classes.append("rm-contribution")
        if self.has_conflict:
            classes.append("rm-conflict")
        if self.continues_before:
            classes.append("rm-started")
        if self.continues_after:
            classes.append("rm-runs-on")
        return " ".join(classes)

    @property
    def spoken(self) -> str:
        """What the colour and the position say, in words."""
        return f"{self.category_label}, {self.start_quarter} to {self.end_quarter}"

    @property
    def summary(self) -> str:
        """Health, status, deadline and the teams sharing the work, in one line."""
        parts = [self.health_label, self.status_label]
        if self.deadline is not None:
            parts.append(f"◆ due {self.deadline.day} {self.deadline:%b %Y}")
        if self.lead_team:
            parts.append(f"effort for {self.lead_team}")
        elif self.partners:
            parts.append("with " + ", ".join(self.partners))
        return " · ".join(parts)


@dataclass
class Band:
    """A team's row of the roadmap; `overloads` are (column, cell) where it is over capacity."""

    team: TeamRow
    bars: list[Bar]
    overloads: list[tuple[int, CapacityCell]]
    area_heading: str | None


@dataclass
class Roadmap:
    quarters: list[str]
    page: Page
    bands: list[Band]
    unplaced_count: int


def _in_window(quarters: list[str]) -> Q:
    """Placed initiatives running in any quarter of the window."""
    first, last = quarters[0], quarters[-1]
    # It ends duration - 1 quarters after it starts; that end must not be before the window.
    ends_in_window = Q()
    for duration in range(1, MAX_DURATION_QUARTERS + 1):
        ends_in_window |= Q(
            duration_quarters=duration, start_quarter__gte=quarter_add(first, 1 - duration)
        )
    return Q(start_quarter__lte=last) & ends_in_window


def _shown(*, category: str | None, objective_id: int | None, status: str | None) -> Q:
    """The initiatives the filters let through; dropped work is never on the roadmap."""
    condition = ~Q(status=Initiative.Status.DROPPED)
    if category:
        condition &= category_condition(category)
    if status:
        condition &= Q(status=status)
    if objective_id is not None:
        condition &= Q(objectives=objective_id)
    return condition


def _teams_with_work(shown: Q, quarters: list[str]) -> set[int]:
    """Teams leading or contributing to an initiative the filters show in the window."""
    matching = Initiative.objects.filter(_in_window(quarters) & shown).order_by()
    leading = matching.filter(team__isnull=False).values_list("team_id", flat=True)
    contributing = (
        InitiativeEffort.objects.filter(effort__gt=0, initiative__in=matching.values("pk"))
        .order_by()
        .values_list("team_id", flat=True)
    )
    return set(leading.union(contributing))


def roadmap(
    *,
    user: User,
    quarters: list[str],
    team_id: int | None = None,
    area: str | None = None,
    category: str | None = None,
    objective_id: int | None = None,
    status: str | None = None,
    page_number: int = 1,
    per_page: int = TEAMS_PER_PAGE,
) -> Roadmap | None:
    """One page of team bands with the initiatives each runs (or contributes to) in the
    window. Filtering by initiative keeps only the teams with something to show."""
    if not permissions.can_see_portfolio(user):
        return None
    teams = team_rows(team_id=team_id, area=area)
    shown = _shown(category=category, objective_id=objective_id, status=status)
    if category or objective_id is not None or status:
        with_work = _teams_with_work(shown, quarters)
        listed = [team for team in teams if team.pk in with_work]
    else:
        listed = teams
    page = page_of(listed, per_page, page_number)
    unplaced = Initiative.objects.filter(shown, start_quarter="", status__in=ACTIVE_STATUSES)
    if team_id is not None or area is not None:
        unplaced = unplaced.filter(team_id__in=[team.pk for team in teams])
    return Roadmap(
        quarters=quarters,
        page=page,
        bands=_bands(list(page.object_list), quarters, shown),
        unplaced_count=unplaced.count(),
    )


def roadmap_initiatives(
    *,
    user: User,
    quarters: list[str] | None = None,
    team_id: int | None = None,
    area: str | None = None,
    category: str | None = None,
    objective_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Initiative]:
    """The placed initiatives the roadmap shows for these filters, in every quarter unless
    `quarters` is given: a team's work is what it leads or puts effort into, as its band."""
    if not permissions.can_see_portfolio(user):
        return Initiative.objects.none()
    condition = _shown(category=category, objective_id=objective_id, status=status)
    condition &= ~Q(start_quarter="")
    if quarters:
        condition &= _in_window(quarters)
    if team_id is not None or area is not None:
        team_ids = [team.pk for team in team_rows(team_id=team_id, area=area)]
        contributed = InitiativeEffort.objects.filter(team_id__in=team_ids, effort__gt=0)
        condition &= Q(team_id__in=team_ids) | Q(pk__in=contributed.values("initiative_id"))
    return Initiative.objects.filter(condition)


def _bands(teams: list[TeamRow], quarters: list[str], shown: Q) -> list[Band]:
    team_ids = [team.pk for team in teams]
    if not team_ids:
        return []
    contributed = InitiativeEffort.objects.filter(team_id__in=team_ids, effort__gt=0)
    rows = [
        BarRow(*row)
        for row in Initiative.objects.filter(_in_window(quarters) & shown)
        .filter(Q(team_id__in=team_ids) | Q(pk__in=contributed.values("initiative_id")))
        .order_by("start_quarter", "title", "pk")
        .values_list(*BAR_FIELDS)
    ]
    ids = [row.pk for row in rows]
    efforts, prerequisites = _partners(ids), _prerequisites(ids)
    wanted = set(team_ids)
    by_team: dict[int, list[Bar]] = defaultdict(list)
    for row in rows:
        partners = efforts.get(row.pk, [])
        checked = _checked(prerequisites.get(row.pk, []), row)
        if row.team_id in wanted:
            names = [name for team_id, name in partners if team_id != row.team_id]
            by_team[row.team_id].append(_bar(row, quarters, checked, partners=names))
        for team_id, _name in partners:
            if team_id != row.team_id and team_id in wanted:
                lead = row.team_name or "no team"
                by_team[team_id].append(_bar(row, quarters, checked, lead_team=lead))
    loads = team_quarter_load(quarters=quarters, team_ids=team_ids)
    bands = []
    previous_area: str | None = None
    for team in teams:
        cells = [
            CapacityCell(quarter, loads.get((team.pk, quarter), ZERO), team.capacity)
            for quarter in quarters
        ]
        heading = None
        if team.product_area != previous_area:
            heading = team.product_area or "No product area"
        bands.append(
            Band(
                team=team,
                bars=by_team[team.pk],
                overloads=[(index + 1, cell) for index, cell in enumerate(cells) if cell.over],
                area_heading=heading,
            )
        )
        previous_area = team.product_area
    return bands


def _bar(
    row: BarRow,
    quarters: list[str],
    prerequisites: list[Prerequisite],
    *,
    lead_team: str | None = None,
    partners: list[str] | None = None,
) -> Bar:
    """The bar of an initiative, clipped to the window's first and last quarter."""
    first, last = quarters[0], quarters[-1]
    end = quarter_add(row.start_quarter, row.duration - 1)
    start_index = quarters.index(row.start_quarter) if row.start_quarter >= first else 0
    end_index = quarters.index(end) if end <= last else len(quarters) - 1
    return Bar(
        pk=row.pk,
        title=row.title,
        category=row.category,
        status=row.status,
        health=row.health,
        start_quarter=row.start_quarter,
        end_quarter=end,
        deadline=row.deadline,
        column=start_index + 1,
        span=end_index - start_index + 1,
        continues_before=row.start_quarter < first,
        continues_after=end > last,
        prerequisites=prerequisites,
        lead_team=lead_team,
        partners=partners or [],
    )


def _partners(initiative_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """The teams putting effort into each initiative, as (team id, name)."""
    partners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if initiative_ids:
        for initiative_id, team_id, name in (
            InitiativeEffort.objects.filter(initiative_id__in=initiative_ids, effort__gt=0)
            .order_by("team__name")
            .values_list("initiative_id", "team_id", "team__name")
        ):
            partners[initiative_id].append((team_id, name))
    return partners


class _Prerequisite(NamedTuple):
    pk: int
    title: str
    status: str
    start_quarter: str
    duration: int


def _prerequisites(initiative_ids: list[int]) -> dict[int, list[_Prerequisite]]:
    found: dict[int, list[_Prerequisite]] = defaultdict(list)
    if initiative_ids:
        for initiative_id, *prerequisite in (
            Dependency.objects.filter(initiative_id__in=initiative_ids)
            .order_by("depends_on__title", "depends_on_id")
            .values_list(
                "initiative_id",
                "depends_on_id",
                "depends_on__title",
                "depends_on__status",
                "depends_on__start_quarter",
                "depends_on__duration_quarters",
            )
        ):
            found[initiative_id].append(_Prerequisite(*prerequisite))
    return found


def _checked(prerequisites: list[_Prerequisite], row: BarRow) -> list[Prerequisite]:
    """A bar's prerequisites, each with the reason it does not fit the bar's start, if any.

    Finished work has no conflict, and neither has a prerequisite that is done."""
    checked = []
    for prerequisite in prerequisites:
        end = None
        if prerequisite.start_quarter:
            end = quarter_add(prerequisite.start_quarter, prerequisite.duration - 1)
        problem = ""
        if Initiative.Status.DONE not in (row.status, prerequisite.status):
            if prerequisite.status == Initiative.Status.DROPPED:
                problem = "dropped"
            elif end is None:
                problem = "not on the roadmap"
            elif end >= row.start_quarter:
                problem = f"ends {end}, not before this starts ({row.start_quarter})"
        checked.append(
            Prerequisite(
                pk=prerequisite.pk,
                title=prerequisite.title,
                status_label=STATUS_LABELS.get(prerequisite.status, prerequisite.status),
                end_quarter=end,
                problem=problem,
            )
        )
    return checked
