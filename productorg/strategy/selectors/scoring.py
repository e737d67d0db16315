"""Reads for prioritisation: the scoring models and the portfolio ranked by one of them."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.db.models import Count, DecimalField, F, FloatField, Max
from django.db.models.functions import Cast

from productorg.accounts import permissions
from productorg.paging import page_of
from productorg.strategy import scoring
from productorg.strategy.models import Initiative, ScoringModel
from productorg.strategy.selectors.portfolio import ACTIVE_STATUSES, initiatives_filtered

if TYPE_CHECKING:
    from productorg.accounts.models import User

RANKING_PAGE_SIZE = 50


def scoring_specs(*, user: User) -> list[scoring.ScoringSpec]:
    """The models a user may rank by: the built-in ones, then leaders' own by name."""
    if not permissions.can_see_portfolio(user):
        return []
    custom = [
        scoring.ScoringSpec(
            slug=scoring.custom_slug(pk),
            name=name,
            formula=formula,
            explanation=description,
            custom_id=pk,
        )
        for pk, name, formula, description in ScoringModel.objects.order_by(
            "name", "pk"
        ).values_list("pk", "name", "formula", "description")
    ]
    return [*scoring.BUILTIN_MODELS, *custom]


def scoring_model_editable(*, user: User, scoring_model_id: int) -> ScoringModel | None:
    """A custom scoring model the user may change (leaders only), or None."""
    if not permissions.can_change_strategy(user):
        return None
    return ScoringModel.objects.filter(pk=scoring_model_id).first()


@dataclass(frozen=True)
class RankedInput:
    variable: scoring.Variable
    value: float | int | None

    @property
    def display(self) -> str:
        return scoring.format_number(self.value)


@dataclass(slots=True)
class RankedInitiative:
    """One row of the ranking: its place, its score (or why none) and the inputs behind it."""

    rank: int | None
    pk: int
    title: str
    team_id: int | None
    team_name: str | None
    result: scoring.ScoreResult
    variables: tuple[scoring.Variable, ...]
    values: list[float | int | None]
    workings: str = ""

    @property
    def score_display(self) -> str:
        return scoring.format_number(self.result.value)

    @property
    def inputs(self) -> tuple[RankedInput, ...]:
        """Each variable of the formula with this initiative's value, in formula order."""
        return tuple(map(RankedInput, self.variables, self.values))


@dataclass(frozen=True)
class Ranking:
    spec: scoring.ScoringSpec
    variables: list[scoring.Variable]
    page: Page
    scored: int
    unscored: int
    formula_error: str | None = None


def ranking(
    *,
    user: User,
    spec: scoring.ScoringSpec,
    team_id: int | None = None,
    category: str | None = None,
    status: str | None = None,
    search: str = "",
    page: int | str | None = 1,
) -> Ranking:
    """The visible active initiatives scored by `spec`: scored ones by score (highest first),
    then those without a score and why. One query of plain rows for any size; pages of 50."""
    try:
        formula = scoring.formula_compile(spec.formula)
    except ValidationError as error:
        empty = page_of([], RANKING_PAGE_SIZE, None)
        return Ranking(spec, [], empty, 0, 0, formula_error=" ".join(error.messages))
    if not permissions.can_see_portfolio(user):
        rows: list[RankedInitiative] = []
    else:
        rows = _ranked_cached(
            user=user,
            formula=formula,
            team_id=team_id,
            category=category,
            status=status,
            search=search,
        )
    shown = page_of(rows, RANKING_PAGE_SIZE, page)
    # Titles and team names as they are now (a cached ranking may predate a team's rename);
    # the workings are only worth writing out for the rows on screen.
    _refresh_names(shown.object_list)
    shown.object_list = [_with_workings(row, formula) for row in shown.object_list]
    scored = sum(1 for row in rows if row.rank is not None)
    return Ranking(
        spec=spec,
        variables=[scoring.VARIABLES_BY_NAME[name] for name in formula.variables],
        page=shown,
        scored=scored,
        unscored=len(rows) - scored,
    )


def ranking_preview(*, user: User, formula: str, limit: int = 5) -> list[RankedInitiative]:
    """The top of the ranking under a formula being written; raises ValidationError if bad."""
    compiled = scoring.formula_compile(formula)
    rows = _ranked(user=user, formula=compiled)[:limit]
    return [_with_workings(row, compiled) for row in rows]


# Rankings per formula and filters, kept in each process until an initiative changes:
# scoring thousands of rows is most of a ranking's cost, and rankings are read far more often
# than their inputs change. Every write to an initiative moves `updated_at` (save() and the
# edit service's versioned update both set it); a deletion changes the count.
_RANKINGS: OrderedDict[tuple, list[RankedInitiative]] = OrderedDict()
_RANKINGS_KEPT = 32
_RANKINGS_LOCK = threading.Lock()


def ranking_cache_clear() -> None:
    with _RANKINGS_LOCK:
        _RANKINGS.clear()


def _ranked_cached(*, user: User, formula: scoring.Formula, **filters) -> list[RankedInitiative]:
    portfolio = Initiative.objects.aggregate(
        changed=Max("updated_at"), count=Count("pk"), last=Max("pk")
    )
    key = (formula.text, tuple(sorted(filters.items())), *portfolio.values())
    with _RANKINGS_LOCK:
        rows = _RANKINGS.get(key)
        if rows is not None:
            _RANKINGS.move_to_end(key)
            return rows
    rows = _ranked(user=user, formula=formula, **filters)
    with _RANKINGS_LOCK:
        _RANKINGS[key] = rows
        while len(_RANKINGS) > _RANKINGS_KEPT:
            _RANKINGS.popitem(last=False)
    return rows


def _refresh_names(rows: list[RankedInitiative]) -> None:
    current = {
        pk: (title, team_id, team_name)
        for pk, title, team_id, team_name in Initiative.objects.filter(
            pk__in=[row.pk for row in rows]
        ).values_list("pk", "title", "team_id", "team__name")
    }
    for row in rows:
        if row.pk in current:
            row.title, row.team_id, row.team_name = current[row.pk]


def _ranked(
    *,
    user: User,
    formula: scoring.Formula,
    team_id: int | None = None,
    category: str | None = None,
    status: str | None = None,
    search: str = "",
) -> list[RankedInitiative]:
    variables = tuple(scoring.VARIABLES_BY_NAME[name] for name in formula.variables)
    # Plain rows with only the columns the formula reads: thousands of model instances would
    # cost more than the scoring itself. Decimal columns come as floats, the scoring's numbers,
    # which spares a Decimal per value.
    inputs = {
        f"input_{variable.name}": (
            Cast(variable.field, FloatField())
            if isinstance(Initiative._meta.get_field(variable.field), DecimalField)
            else F(variable.field)
        )
        for variable in variables
    }
    rows = (
        initiatives_filtered(
            user=user, team_id=team_id, category=category, status=status, search=search
        )
        .filter(status__in=ACTIVE_STATUSES)
        .order_by()  # sorted by score below, not by the database
        .annotate(**inputs)
        .values_list("pk", "title", "team_id", "team__name", *inputs)
    )
    score_values = formula.values_scorer()
    scored: list[tuple[tuple[float, str, int], RankedInitiative]] = []
    unscored: list[tuple[tuple[str, int], RankedInitiative]] = []
    for pk, title, team_id_, team_name, *values in rows:
        result = score_values(values)
        row = RankedInitiative(None, pk, title, team_id_, team_name, result, variables, values)
        if result.value is None:
            unscored.append(((title.casefold(), pk), row))
        else:
            scored.append(((-result.value, title.casefold(), pk), row))
    scored.sort(key=itemgetter(0))
    unscored.sort(key=itemgetter(0))
    rank, previous = 0, None
    for position, (_, row) in enumerate(scored, start=1):
        # Equal scores share a place (1, 2, 2, 4), so a tie is visible as one.
        if row.result.value != previous:
            rank, previous = position, row.result.value
        row.rank = rank
    return [row for _, row in scored] + [row for _, row in unscored]


def _with_workings(row: RankedInitiative, formula: scoring.Formula) -> RankedInitiative:
    if row.result.value is None:
        return row
    row.workings = formula.workings(dict(zip(formula.variables, row.values, strict=True)))
    return row
