"""Capacity: each team's planned effort per quarter against what the team can do.

Effort is counted by `selectors.load.placed_effort`, the one count the roadmap, the mix board
and the alignment check share; this module only sums it and sets it against capacity."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.core.paginator import Page

from productorg.accounts import permissions
from productorg.paging import page_of
from productorg.people.models import Team
from productorg.strategy.models import CATEGORY_CHOICES, Initiative
from productorg.strategy.periods import quarter_add
from productorg.strategy.selectors.load import PlacedEffort, placed_effort

if TYPE_CHECKING:
    from productorg.accounts.models import User

TEAMS_PER_PAGE = 15
# Loads are shown and compared to the hundredth of a person-week: an effort split over three
# quarters must not flag "over by 0.000…1 pw" when its thirds add up to the capacity.
HUNDREDTH = Decimal("0.01")
ZERO = Decimal(0)


class TeamRow(NamedTuple):
    """A team as the roadmap and the capacity table list it."""

    pk: int
    name: str
    product_area: str
    capacity: Decimal


def team_rows(*, team_id: int | None = None, area: str | None = None) -> list[TeamRow]:
    """The teams in product-area then name order, narrowed to one team or one area; one query."""
    teams = Team.objects.order_by("product_area", "name", "pk")
    if team_id is not None:
        teams = teams.filter(pk=team_id)
    if area is not None:
        teams = teams.filter(product_area=area)
    return [
        TeamRow(*row)
        for row in teams.values_list("pk", "name", "product_area", "capacity_per_quarter")
    ]


def _summed(rows: Iterable[PlacedEffort]) -> dict[tuple[int, str], Decimal]:
    totals: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[(row.team_id, row.quarter)] += row.effort
    return {key: total.quantize(HUNDREDTH, ROUND_HALF_UP) for key, total in totals.items()}


def team_quarter_load(
    *, quarters: list[str], team_ids: Iterable[int] | None = None
) -> dict[tuple[int, str], Decimal]:
    """Planned effort in person-weeks per (team id, quarter); pairs without effort are absent."""
    ids = None if team_ids is None else list(team_ids)
    return _summed(placed_effort(quarters=quarters, team_ids=ids))


@dataclass(frozen=True)
class OverAllocation:
    """A team planned beyond its capacity in a quarter, by `excess` person-weeks."""

    team: Team
    quarter: str
    load: Decimal
    capacity: Decimal
    excess: Decimal


def over_allocations(
    *, quarters: list[str], team_ids: Iterable[int] | None = None
) -> list[OverAllocation]:
    """Every team and quarter whose planned effort exceeds the team's capacity, by team name
    and quarter."""
    loads = team_quarter_load(quarters=quarters, team_ids=team_ids)
    teams = Team.objects.in_bulk({team_id for team_id, _ in loads})
    found = [
        OverAllocation(
            team=teams[team_id],
            quarter=quarter,
            load=load,
            capacity=teams[team_id].capacity_per_quarter,
            excess=load - teams[team_id].capacity_per_quarter,
        )
        for (team_id, quarter), load in loads.items()
        if team_id in teams and load > teams[team_id].capacity_per_quarter
    ]
    return sorted(found, key=lambda over: (over.team.name, over.team.pk, over.quarter))


@dataclass(frozen=True)
class CapacityCell:
    """Planned effort against capacity in one quarter (of a team, or of many summed)."""

    quarter: str
    load: Decimal
    capacity: Decimal

    @property
    def over(self) -> bool:
        return self.load > self.capacity

    @property
    def excess(self) -> Decimal:
        return max(self.load - self.capacity, ZERO)

    @property
    def spare(self) -> Decimal:
        return max(self.capacity - self.load, ZERO)

    @property
    def percent(self) -> int | None:
        """Load as a percentage of capacity; None when there is no capacity to compare to."""
        if not self.capacity:
            return None
        return round(100 * self.load / self.capacity)

    @property
    def bar_percent(self) -> int:
        """The width of the load bar: full when at or over capacity."""
        if self.percent is None:
            return 100 if self.load else 0
        return min(self.percent, 100)


@dataclass(frozen=True)
class CapacityRow:
    team: TeamRow
    cells: list[CapacityCell]

    @property
    def over_quarters(self) -> int:
        return sum(1 for cell in self.cells if cell.over)


@dataclass(frozen=True)
class CapacityTable:
    quarters: list[str]
    page: Page
    totals: list[CapacityCell]
    # Per quarter, how many of the selected teams are over capacity.
    over_counts: list[int]
    team_count: int
    over_team_count: int


def capacity_table(
    *,
    user: User,
    quarters: list[str],
    team_id: int | None = None,
    area: str | None = None,
    over_only: bool = False,
    page_number: int = 1,
    per_page: int = TEAMS_PER_PAGE,
) -> CapacityTable | None:
    """Teams × quarters of planned effort against capacity, one page of teams, with totals
    over every team the filters select. A fixed number of queries for any size."""
    if not permissions.can_see_portfolio(user):
        return None
    teams = team_rows(team_id=team_id, area=area)
    narrowed = team_id is not None or area is not None
    loads = team_quarter_load(
        quarters=quarters, team_ids=[team.pk for team in teams] if narrowed else None
    )
    rows = [
        CapacityRow(
            team=team,
            cells=[
                CapacityCell(quarter, loads.get((team.pk, quarter), ZERO), team.capacity)
                for quarter in quarters
            ],
        )
        for team in teams
    ]
    totals = [
        CapacityCell(
            quarter,
            sum((row.cells[index].load for row in rows), ZERO),
            sum((team.capacity for team in teams), ZERO),
        )
        for index, quarter in enumerate(quarters)
    ]
    over_rows = [row for row in rows if row.over_quarters]
    return CapacityTable(
        quarters=quarters,
        page=page_of(over_rows if over_only else rows, per_page, page_number),
        totals=totals,
        over_counts=[
            sum(1 for row in rows if row.cells[index].over) for index in range(len(quarters))
        ],
        team_count=len(teams),
        over_team_count=len(over_rows),
    )


class InitiativeLoad(NamedTuple):
    """One initiative's effort for a team in each quarter of a window (None: not running)."""

    pk: int
    title: str
    category: str
    category_label: str
    status_label: str
    start_quarter: str
    end_quarter: str
    lead_team: str | None
    efforts: list[Decimal | None]
    total: Decimal


@dataclass(frozen=True)
class TeamCapacityDetail:
    team: TeamRow
    quarters: list[str]
    cells: list[CapacityCell]
    initiatives: list[InitiativeLoad]


def team_capacity_detail(
    *, user: User, team_id: int, quarters: list[str]
) -> TeamCapacityDetail | None:
    """The initiatives that make up one team's planned effort in each quarter of a window."""
    if not permissions.can_see_portfolio(user):
        return None
    found = team_rows(team_id=team_id)
    if not found:
        return None
    team = found[0]
    rows = placed_effort(quarters=quarters, team_ids=[team.pk])
    loads = _summed(rows)
    position = {quarter: index for index, quarter in enumerate(quarters)}
    efforts: dict[int, list[Decimal | None]] = {}
    for row in rows:
        cells = efforts.setdefault(row.initiative_id, [None] * len(quarters))
        cells[position[row.quarter]] = (cells[position[row.quarter]] or ZERO) + row.effort
    categories = dict(CATEGORY_CHOICES)
    statuses = dict(Initiative.Status.choices)
    details = Initiative.objects.filter(pk__in=list(efforts)).values_list(
        "pk",
        "title",
        "category",
        "status",
        "start_quarter",
        "duration_quarters",
        "team_id",
        "team__name",
    )
    initiatives = []
    for pk, title, category, status, start, duration, lead_id, lead_name in details:
        cells = [
            None if effort is None else effort.quantize(HUNDREDTH, ROUND_HALF_UP)
            for effort in efforts[pk]
        ]
        initiatives.append(
            InitiativeLoad(
                pk=pk,
                title=title,
                category=category,
                category_label=categories.get(category, category),
                status_label=statuses.get(status, status),
                start_quarter=start,
                end_quarter=quarter_add(start, duration - 1),
                lead_team=lead_name if lead_id != team.pk else None,
                efforts=cells,
                total=sum((effort for effort in cells if effort is not None), ZERO),
            )
        )
    initiatives.sort(key=lambda load: (load.start_quarter, -load.total, load.title, load.pk))
    return TeamCapacityDetail(
        team=team,
        quarters=quarters,
        cells=[
            CapacityCell(quarter, loads.get((team.pk, quarter), ZERO), team.capacity)
            for quarter in quarters
        ],
        initiatives=initiatives,
    )
