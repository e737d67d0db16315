"""Reads of the mix board: target against actual share of planned effort per value of a
balance dimension, for the whole org and every team, in a period; and the initiatives behind
one share. A fixed number of queries whatever the portfolio's size.

The actual share of a value is the planned effort on it (`placed_effort` over the period's
quarters) divided by the scope's whole planned effort in the period. A team without targets
of its own is held to the org's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from productorg.accounts import permissions
from productorg.people.models import Team
from productorg.strategy.models import (
    NO_CATEGORY_LABEL,
    BalanceDimension,
    Classification,
    DimensionValue,
    Initiative,
    MixTarget,
    Objective,
)
from productorg.strategy.periods import PERIOD_PATTERN, quarters_of_period
from productorg.strategy.selectors.load import PlacedEffort, placed_effort
from productorg.strategy.selectors.portfolio import _current_or_first
from productorg.strategy.services.mix import (
    UNCLASSIFIED_KEY,
    UNCLASSIFIED_LABEL,
    builtin_dimensions_ensure,
)

if TYPE_CHECKING:
    from productorg.accounts.models import User

ONE_PLACE = Decimal("0.1")
HUNDRED = Decimal(100)
ORG_NAME = "Whole org"


class TargetsFrom:
    """Whose targets a scope is held to."""

    OWN = "own"
    ORG = "org"
    NONE = ""


@dataclass(frozen=True)
class Fader:
    """One value's share of a scope's planned effort in a period, against its target."""

    key: str
    label: str
    effort: Decimal
    # Percentages with one decimal, as shown; None when the scope has no effort or no target.
    actual: Decimal | None
    target: Decimal | None
    tolerance: Decimal | None

    @property
    def deviation(self) -> Decimal | None:
        """Actual minus target in percentage points, or None without both."""
        if self.actual is None or self.target is None:
            return None
        return self.actual - self.target

    @property
    def out_of_tolerance(self) -> bool:
        deviation = self.deviation
        return deviation is not None and abs(deviation) > (self.tolerance or 0)


@dataclass(frozen=True)
class ScopeMix:
    """The row of faders of the org (team_id None) or one team."""

    team_id: int | None
    name: str
    effort: Decimal
    faders: list[Fader]
    targets_from: str

    @property
    def out_of_tolerance(self) -> list[Fader]:
        return [fader for fader in self.faders if fader.out_of_tolerance]

    @property
    def flagged(self) -> bool:
        return any(fader.out_of_tolerance for fader in self.faders)

    @property
    def worst_deviation(self) -> Decimal:
        return max((abs(fader.deviation or 0) for fader in self.out_of_tolerance), default=0)


@dataclass(frozen=True)
class MixBoard:
    period: str
    periods: list[str]
    periods_with_targets: set[str]
    dimension: BalanceDimension
    dimensions: list[BalanceDimension]
    org: ScopeMix
    # The teams the filters keep, the out-of-tolerance ones first.
    teams: list[ScopeMix]
    team_count: int
    flagged_count: int
    team_choices: list[tuple[int, str]]
    ignored: list[str] = field(default_factory=list)


def balance_dimensions() -> list[BalanceDimension]:
    """Every balance dimension with its values, built-ins first; the built-ins are made again
    when missing (a flushed database), so the board always has its first two rows."""
    dimensions = list(BalanceDimension.objects.prefetch_related("values"))
    if sum(dimension.is_builtin for dimension in dimensions) < len(BalanceDimension.Field):
        builtin_dimensions_ensure()
        dimensions = list(BalanceDimension.objects.prefetch_related("values"))
    return dimensions


def is_period(period: str | None) -> bool:
    return bool(period) and PERIOD_PATTERN.fullmatch(period) is not None


def mix_periods() -> list[str]:
    """The periods anything is planned for: those of mix targets and of objectives."""
    targets = MixTarget.objects.order_by().values_list("period")
    objectives = Objective.objects.order_by().values_list("period")
    return sorted({period for (period,) in targets.union(objectives)})


def period_default(known: list[str]) -> str:
    """The current period among those known (as the strategy tree picks it), else this half."""
    chosen = _current_or_first(known)
    if chosen:
        return chosen
    today = timezone.localdate()
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def period_choices(*periods: str) -> list[str]:
    """Every year, half and quarter of the years the given periods fall in, in time order."""
    years = sorted({period[:4] for period in periods if is_period(period)})
    return [
        period
        for year in years
        for period in (
            year,
            f"{year}-H1",
            f"{year}-Q1",
            f"{year}-Q2",
            f"{year}-H2",
            f"{year}-Q3",
            f"{year}-Q4",
        )
    ]


def mix_board(
    *,
    user: User,
    period: str | None = None,
    dimension: str | None = None,
    team_id: int | None = None,
    only_flagged: bool = False,
) -> MixBoard | None:
    """The mix board of one dimension (a slug; the first dimension by default) in a period
    (the current one by default): the org's row of faders and every team's, the teams out of
    tolerance first. A period, dimension or team it cannot use is ignored and named in `ignored`."""
    if not permissions.can_see_portfolio(user):
        return None
    ignored = []
    dimensions = balance_dimensions()
    chosen = next((each for each in dimensions if each.slug == dimension), None)
    if chosen is None and dimension:
        ignored.append("dimension")
    chosen = chosen or dimensions[0]
    known = mix_periods()
    if period and not is_period(period):
        ignored.append("period")
    if not is_period(period):
        period = period_default(known)
    teams = list(Team.objects.order_by("name", "pk").values_list("pk", "name"))
    team_ids = {pk for pk, _ in teams}
    if team_id is not None and team_id not in team_ids:
        ignored.append("team")
        team_id = None
    rows = placed_effort(quarters=quarters_of_period(period))
    efforts = _effort_by_scope(rows, chosen)
    targets = _targets_by_scope(chosen, period)
    values = _board_values(chosen, efforts.get(None, {}))
    org = _scope_mix(None, ORG_NAME, values, efforts.get(None, {}), targets.get(None), True)
    rows_of_teams = [
        _scope_mix(
            pk,
            name,
            values,
            efforts.get(pk, {}),
            targets.get(pk) or targets.get(None),
            pk in targets,
        )
        for pk, name in teams
    ]
    flagged_count = sum(scope.flagged for scope in rows_of_teams)
    shown = [
        scope
        for scope in rows_of_teams
        if (team_id is None or scope.team_id == team_id) and (scope.flagged or not only_flagged)
    ]
    # Stable: within the flagged and the rest, teams keep their alphabetical order.
    shown.sort(key=lambda scope: not scope.flagged)
    with_targets = set(
        MixTarget.objects.filter(dimension=chosen).order_by().values_list("period", flat=True)
    )
    return MixBoard(
        period=period,
        periods=period_choices(*known, *with_targets, period, str(timezone.localdate().year)),
        periods_with_targets=with_targets,
        dimension=chosen,
        dimensions=dimensions,
        org=org,
        teams=shown,
        team_count=len(teams),
        flagged_count=flagged_count,
        team_choices=teams,
        ignored=ignored,
    )


def mix_scope(
    *, user: User, dimension: BalanceDimension, period: str, team: Team | None
) -> ScopeMix | None:
    """One scope's row of faders: what the targets form shows beside the shares."""
    if not permissions.can_see_portfolio(user) or not is_period(period):
        return None
    team_ids = None if team is None else [team.pk]
    rows = placed_effort(quarters=quarters_of_period(period), team_ids=team_ids)
    efforts = _effort_by_scope(rows, dimension)
    scope_key = None if team is None else team.pk
    targets = _targets_by_scope(dimension, period, teams=[team] if team else [])
    own = targets.get(scope_key)
    return _scope_mix(
        scope_key,
        ORG_NAME if team is None else team.name,
        _board_values(dimension, efforts.get(scope_key, {})),
        efforts.get(scope_key, {}),
        own or targets.get(None),
        own is not None,
    )


@dataclass(frozen=True)
class ScopeTargets:
    """The targets a form starts from: the scope's own, and the org's to compare with."""

    own: dict[int, MixTarget]
    org: dict[int, MixTarget]

    @property
    def tolerance(self) -> Decimal | None:
        chosen = next(iter(self.own.values()), None) or next(iter(self.org.values()), None)
        return None if chosen is None else chosen.tolerance


def mix_targets_of(*, dimension: BalanceDimension, team: Team | None, period: str) -> ScopeTargets:
    """A scope's own targets in a period by value id, and (for a team) the org's."""
    if not is_period(period):
        return ScopeTargets({}, {})
    targets = MixTarget.objects.filter(dimension=dimension, period=period)
    scopes = targets.filter(team__isnull=True)
    if team is not None:
        scopes |= targets.filter(team=team)
    own: dict[int, MixTarget] = {}
    org: dict[int, MixTarget] = {}
    for target in scopes:
        if target.team_id is None:
            org[target.value_id] = target
        if target.team_id == (None if team is None else team.pk):
            own[target.value_id] = target
    return ScopeTargets(own, org if team is not None else {})


# The initiatives behind one share.


@dataclass(frozen=True)
class ShareInitiative:
    initiative: Initiative
    effort: Decimal
    # Percent of the scope's planned effort in the period.
    share: Decimal
    can_classify: bool
    value_key: str


@dataclass(frozen=True)
class MixDrilldown:
    dimension: BalanceDimension
    period: str
    team: Team | None
    value_key: str
    value_label: str
    initiatives: list[ShareInitiative]
    count: int
    effort: Decimal
    scope_effort: Decimal
    # The values an initiative can be put on (a leader's own dimensions only).
    classify_values: list[DimensionValue]

    @property
    def scope_name(self) -> str:
        return ORG_NAME if self.team is None else self.team.name

    @property
    def share(self) -> Decimal | None:
        if not self.scope_effort:
            return None
        return (self.effort * HUNDRED / self.scope_effort).quantize(ONE_PLACE)

    @property
    def more(self) -> int:
        return self.count - len(self.initiatives)


def mix_initiatives(
    *,
    user: User,
    period: str,
    dimension: str,
    value: str,
    team_id: int | None = None,
    limit: int = 100,
) -> MixDrilldown | None:
    """The initiatives behind one fader, biggest effort in the period first (`limit` of
    them), each with its effort for the scope; None when any part of the address is unknown."""
    if not permissions.can_see_portfolio(user) or not is_period(period):
        return None
    chosen = next((each for each in balance_dimensions() if each.slug == dimension), None)
    if chosen is None:
        return None
    labels = {each.key: each.label for each in chosen.values.all()}
    labels[UNCLASSIFIED_KEY] = unclassified_label(chosen)
    if value not in labels:
        return None
    team = None
    if team_id is not None:
        team = Team.objects.filter(pk=team_id).first()
        if team is None:
            return None
    rows = placed_effort(
        quarters=quarters_of_period(period), team_ids=None if team is None else [team.pk]
    )
    keys_of = _value_keys(chosen, rows)
    per_initiative: dict[int, Decimal] = defaultdict(Decimal)
    scope_effort = Decimal(0)
    for row in rows:
        scope_effort += row.effort
        if keys_of(row) == value:
            per_initiative[row.initiative_id] += row.effort
    ranked = sorted(per_initiative.items(), key=lambda item: (-item[1], item[0]))
    top = dict(ranked[:limit])
    initiatives = {
        initiative.pk: initiative
        for initiative in Initiative.objects.filter(pk__in=top).select_related("team", "owner")
    }
    return MixDrilldown(
        dimension=chosen,
        period=period,
        team=team,
        value_key=value,
        value_label=labels[value],
        initiatives=[
            ShareInitiative(
                initiative=initiatives[pk],
                effort=effort,
                share=(effort * HUNDRED / scope_effort).quantize(ONE_PLACE),
                can_classify=not chosen.is_builtin
                and permissions.can_change_initiative(user, initiatives[pk]),
                value_key=value,
            )
            for pk, effort in top.items()
            if pk in initiatives
        ],
        count=len(per_initiative),
        effort=sum(per_initiative.values(), Decimal(0)),
        scope_effort=scope_effort,
        classify_values=[] if chosen.is_builtin else list(chosen.values.all()),
    )


# Counting.


def _value_keys(dimension: BalanceDimension, rows: list[PlacedEffort]):
    """A function from a placed-effort row to its value's key on the dimension."""
    known = {value.key for value in dimension.values.all()}
    if dimension.initiative_field == BalanceDimension.Field.CATEGORY:
        return lambda row: row.category if row.category in known else UNCLASSIFIED_KEY
    if dimension.initiative_field == BalanceDimension.Field.BUCKET:
        return lambda row: row.bucket if row.bucket in known else UNCLASSIFIED_KEY
    key_of_value = {value.pk: value.key for value in dimension.values.all()}
    classified = (
        {
            initiative_id: key_of_value.get(value_id, UNCLASSIFIED_KEY)
            for initiative_id, value_id in Classification.objects.filter(
                dimension=dimension
            ).values_list("initiative_id", "value_id")
        }
        if rows
        else {}
    )
    return lambda row: classified.get(row.initiative_id, UNCLASSIFIED_KEY)


def _effort_by_scope(
    rows: list[PlacedEffort], dimension: BalanceDimension
) -> dict[int | None, dict[str, Decimal]]:
    """Planned effort per value key for each team and (key None) for the whole org."""
    key_of = _value_keys(dimension, rows)
    efforts: dict[int | None, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    org = efforts[None]
    for row in rows:
        key = key_of(row)
        efforts[row.team_id][key] += row.effort
        org[key] += row.effort
    return efforts


def _targets_by_scope(
    dimension: BalanceDimension, period: str, teams: Iterable[Team] | None = None
) -> dict[int | None, dict[str, tuple[Decimal, Decimal]]]:
    """(share, tolerance) per value key for each scope with targets; None is the org."""
    key_of_value = {value.pk: value.key for value in dimension.values.all()}
    rows = MixTarget.objects.filter(dimension=dimension, period=period)
    if teams is not None:
        team_ids = [team.pk for team in teams]
        rows = rows.filter(team__isnull=True) | rows.filter(team__in=team_ids)
    targets: dict[int | None, dict[str, tuple[Decimal, Decimal]]] = {}
    for team_id, value_id, share, tolerance in rows.order_by().values_list(
        "team_id", "value_id", "share", "tolerance"
    ):
        if value_id in key_of_value:
            targets.setdefault(team_id, {})[key_of_value[value_id]] = (share, tolerance)
    return targets


def _board_values(dimension: BalanceDimension, org_efforts: dict[str, Decimal]):
    """(key, label) of the faders: the dimension's values, and Unclassified when some effort
    has no value."""
    values = [(value.key, value.label) for value in dimension.values.all()]
    if org_efforts.get(UNCLASSIFIED_KEY):
        values.append((UNCLASSIFIED_KEY, unclassified_label(dimension)))
    return values


def unclassified_label(dimension: BalanceDimension) -> str:
    """What the fader of effort without a value is called: on the work-category dimension,
    the initiatives whose category nobody chose (imports leave it so)."""
    if dimension.initiative_field == BalanceDimension.Field.CATEGORY:
        return NO_CATEGORY_LABEL
    return UNCLASSIFIED_LABEL


def _scope_mix(
    team_id: int | None,
    name: str,
    values: list[tuple[str, str]],
    efforts: dict[str, Decimal],
    targets: dict[str, tuple[Decimal, Decimal]] | None,
    own_targets: bool,
) -> ScopeMix:
    total = sum(efforts.values(), Decimal(0))
    faders = []
    for key, label in values:
        effort = efforts.get(key, Decimal(0))
        share, tolerance = (targets or {}).get(key, (None, None))
        faders.append(
            Fader(
                key=key,
                label=label,
                effort=effort,
                actual=(effort * HUNDRED / total).quantize(ONE_PLACE) if total else None,
                target=share,
                tolerance=tolerance,
            )
        )
    if not targets:
        source = TargetsFrom.NONE
    else:
        source = TargetsFrom.OWN if own_targets else TargetsFrom.ORG
    return ScopeMix(team_id=team_id, name=name, effort=total, faders=faders, targets_from=source)
