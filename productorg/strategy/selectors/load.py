"""Planned effort per team and quarter: what capacity, the mix board, the roadmap and the
alignment check all count. One query whatever the portfolio's size."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q

from productorg.strategy.models import Initiative, InitiativeEffort
from productorg.strategy.periods import quarter_add, quarter_index

# The longest an initiative may last (Initiative.duration_quarters' validator).
MAX_DURATION_QUARTERS = 8


class PlacedEffort(NamedTuple):
    """One team's effort on one initiative in one quarter (its effort spread evenly)."""

    initiative_id: int
    team_id: int
    quarter: str
    effort: Decimal
    category: str
    bucket: str
    status: str


def placed_effort(
    *, quarters: list[str], team_ids: Iterable[int] | None = None
) -> list[PlacedEffort]:
    """The effort of every placed, not dropped initiative in the given quarters, per team.

    An initiative's effort for a team is spread evenly over its duration. An initiative
    without per-team efforts counts its whole estimate for its owning team."""
    if not quarters:
        return []
    first, last = min(quarters), max(quarters)
    wanted = set(quarters)
    team_ids = None if team_ids is None else list(team_ids)
    team_filter = Q() if team_ids is None else Q(team_id__in=team_ids)
    placed = Q(initiative__start_quarter__gte=quarter_add(first, 1 - MAX_DURATION_QUARTERS)) & Q(
        initiative__start_quarter__lte=last
    )
    live = ~Q(initiative__status=Initiative.Status.DROPPED)
    fields = (
        "initiative_id",
        "team_id",
        "effort",
        "initiative__start_quarter",
        "initiative__duration_quarters",
        "initiative__category",
        "initiative__bucket",
        "initiative__status",
    )
    rows = list(
        InitiativeEffort.objects.filter(placed & live & team_filter).order_by().values_list(*fields)
    )
    # Initiatives nobody split across teams: the owning team carries the whole estimate.
    rows += (
        Initiative.objects.filter(team__isnull=False, team_efforts__isnull=True)
        .filter(
            Q(start_quarter__gte=quarter_add(first, 1 - MAX_DURATION_QUARTERS))
            & Q(start_quarter__lte=last)
        )
        .exclude(status=Initiative.Status.DROPPED)
        .filter(team_filter)
        .order_by()
        .values_list(
            "pk",
            "team_id",
            "effort_estimate",
            "start_quarter",
            "duration_quarters",
            "category",
            "bucket",
            "status",
        )
    )
    # Quarters as consecutive numbers: a span is then a range, with no date arithmetic per row.
    wanted_by_index = {quarter_index(quarter): quarter for quarter in wanted}
    start_index: dict[str, int] = {}
    result = []
    for initiative_id, team_id, effort, start, duration, category, bucket, status in rows:
        if start not in start_index:
            start_index[start] = quarter_index(start)
        share = effort / duration
        first_index = start_index[start]
        for index in range(first_index, first_index + duration):
            quarter = wanted_by_index.get(index)
            if quarter is not None:
                result.append(
                    PlacedEffort(initiative_id, team_id, quarter, share, category, bucket, status)
                )
    return result
