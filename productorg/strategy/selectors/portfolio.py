"""Reads of the portfolio: initiatives, objectives and the effort mix."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from productorg.accounts import permissions
from productorg.strategy.models import (
    NO_CATEGORY_FILTER,
    NO_CATEGORY_LABEL,
    Dependency,
    Initiative,
    InitiativeEffort,
    Objective,
    StatusUpdate,
    Vision,
    WorkCategory,
)

if TYPE_CHECKING:
    from productorg.accounts.models import User
    from productorg.people.models import Team

# Work that is still to come or under way: what a mix of effort is about.
ACTIVE_STATUSES = [
    Initiative.Status.IDEA,
    Initiative.Status.DISCOVERY,
    Initiative.Status.PLANNED,
    Initiative.Status.IN_PROGRESS,
]


# What a team looks at first: work under way, then what comes next, then what is finished.
STATUS_ORDER = Case(
    *(
        When(status=status, then=Value(position))
        for position, status in enumerate(
            [
                Initiative.Status.IN_PROGRESS,
                Initiative.Status.PLANNED,
                Initiative.Status.DISCOVERY,
                Initiative.Status.IDEA,
                Initiative.Status.DONE,
                Initiative.Status.DROPPED,
            ]
        )
    ),
    output_field=IntegerField(),
)


def initiatives_visible_to(*, user: User) -> QuerySet[Initiative]:
    """The portfolio as the user may see it (every signed-in role sees the whole portfolio)."""
    if not permissions.can_see_portfolio(user):
        return Initiative.objects.none()
    return Initiative.objects.select_related("team", "owner")


def category_condition(category: str) -> Q:
    """The initiatives of a category filter's value; NO_CATEGORY_FILTER is those with none."""
    return Q(category="" if category == NO_CATEGORY_FILTER else category)


def initiatives_filtered(
    *,
    user: User,
    team_id: int | None = None,
    category: str | None = None,
    status: str | None = None,
    health: str | None = None,
    owner_id: int | None = None,
    objective_id: int | None = None,
    tag: str = "",
    source: str = "",
    search: str = "",
) -> QuerySet[Initiative]:
    """The initiatives list: each filter given narrows it; the search matches titles."""
    initiatives = initiatives_visible_to(user=user)
    if team_id is not None:
        initiatives = initiatives.filter(team_id=team_id)
    if category:
        initiatives = initiatives.filter(category_condition(category))
    if status:
        initiatives = initiatives.filter(status=status)
    if health:
        initiatives = initiatives.filter(health=health)
    if owner_id is not None:
        initiatives = initiatives.filter(owner_id=owner_id)
    if objective_id is not None:
        initiatives = initiatives.filter(objectives=objective_id)
    if tag:
        initiatives = initiatives.filter(tags__name__iexact=tag)
    if source:
        initiatives = initiatives.filter(source=source)
    if search:
        initiatives = initiatives.filter(title__icontains=search)
    return initiatives.order_by("title", "pk")


def initiatives_of_teams(*, user: User, teams: QuerySet[Team] | list[Team]) -> QuerySet[Initiative]:
    """A team's board: work under way first, then what comes next, finished work last."""
    return (
        initiatives_visible_to(user=user)
        .filter(team__in=teams)
        .order_by(STATUS_ORDER, "-value_estimate", "title")
    )


def initiative_detail(*, user: User, initiative_id: int) -> Initiative | None:
    return (
        initiatives_visible_to(user=user)
        .select_related("team__product_manager", "owner__level")
        .prefetch_related(
            "objectives",
            Prefetch("status_updates", queryset=StatusUpdate.objects.select_related("author")),
            Prefetch("dependencies", queryset=Dependency.objects.select_related("depends_on")),
            Prefetch("dependents", queryset=Dependency.objects.select_related("initiative")),
            Prefetch("team_efforts", queryset=InitiativeEffort.objects.select_related("team")),
            "milestones",
            "risks",
            "tags",
        )
        .filter(pk=initiative_id)
        .first()
    )


@dataclass(frozen=True)
class CategoryShare:
    # None: the effort of initiatives whose category nobody chose yet.
    category: WorkCategory | None
    effort: Decimal
    share: float
    count: int

    @property
    def key(self) -> str:
        return self.category.value if self.category else ""

    @property
    def label(self) -> str:
        return self.category.label if self.category else NO_CATEGORY_LABEL


def effort_by_category(
    *, user: User, teams: QuerySet[Team] | list[Team] | None = None
) -> list[CategoryShare]:
    """Active effort per work category and its share of the total, in category order; then
    the effort with no category chosen, when there is any."""
    initiatives = initiatives_visible_to(user=user).filter(status__in=ACTIVE_STATUSES)
    if teams is not None:
        initiatives = initiatives.filter(team__in=teams)
    totals = {
        row["category"]: row
        for row in initiatives.values("category").annotate(
            effort=Sum("effort_estimate"), count=Count("pk")
        )
    }
    grand_total = sum((row["effort"] or Decimal(0) for row in totals.values()), Decimal(0))
    shares = []
    categories: list[WorkCategory | None] = list(WorkCategory)
    if "" in totals:
        categories.append(None)
    for category in categories:
        row = totals.get(category.value if category else "", {})
        effort = row.get("effort") or Decimal(0)
        shares.append(
            CategoryShare(
                category=category,
                effort=effort,
                share=float(effort / grand_total) if grand_total else 0.0,
                count=row.get("count", 0),
            )
        )
    return shares


@dataclass(frozen=True)
class PortfolioSummary:
    total: int
    by_status: dict[str, int]
    by_health: dict[str, int]
    at_risk: list[Initiative]


def portfolio_summary(*, user: User) -> PortfolioSummary:
    """Counts by status and health, and the red initiatives in progress."""
    initiatives = initiatives_visible_to(user=user)
    by_status = dict(initiatives.values_list("status").annotate(n=Count("pk")).order_by())
    by_health = dict(
        initiatives.filter(status__in=ACTIVE_STATUSES)
        .values_list("health")
        .annotate(n=Count("pk"))
        .order_by()
    )
    at_risk = list(
        initiatives.filter(
            health=Initiative.Health.RED, status=Initiative.Status.IN_PROGRESS
        ).order_by("-value_estimate", "title")[:10]
    )
    return PortfolioSummary(
        total=sum(by_status.values()),
        by_status={status.label: by_status.get(status.value, 0) for status in Initiative.Status},
        by_health={health.label: by_health.get(health.value, 0) for health in Initiative.Health},
        at_risk=at_risk,
    )


def objectives_visible_to(*, user: User) -> QuerySet[Objective]:
    if not permissions.can_see_portfolio(user):
        return Objective.objects.none()
    return Objective.objects.select_related("owner", "parent").annotate(
        initiative_count=Count("initiatives", filter=~Q(initiatives__status="dropped"))
    )


# The strategy tree.


class ServingInitiative(NamedTuple):
    pk: int
    title: str
    status: str
    status_label: str
    effort: Decimal
    team_name: str | None


@dataclass
class ObjectiveNode:
    objective: Objective
    key_results: list
    initiatives: list[ServingInitiative]
    effort: Decimal
    children: list[ObjectiveNode]

    @property
    def progress(self) -> float | None:
        """The mean progress of the key results, or None without any."""
        if not self.key_results:
            return None
        return sum(key_result.progress for key_result in self.key_results) / len(self.key_results)

    @cached_property
    def serving_below(self) -> dict[int, ServingInitiative]:
        """Initiatives serving the objectives that cascade from this one, each once: work
        linked to two objectives below is one initiative, not two."""
        below: dict[int, ServingInitiative] = {}
        for child in self.children:
            below.update(child.serving_below)
            below.update((initiative.pk, initiative) for initiative in child.initiatives)
        return below

    @property
    def initiatives_below(self) -> int:
        """How many initiatives serve the objectives below this one (any depth)."""
        return len(self.serving_below)

    @property
    def effort_in_tree(self) -> Decimal:
        """Open effort of the initiatives serving this objective or any below it, each once."""
        serving = {initiative.pk: initiative for initiative in self.initiatives}
        serving.update(self.serving_below)
        return sum(
            (
                initiative.effort
                for initiative in serving.values()
                if initiative.status in ACTIVE_STATUSES
            ),
            Decimal(0),
        )

    @property
    def progress_percent(self) -> int | None:
        return None if self.progress is None else round(100 * self.progress)


@dataclass
class StrategyTree:
    vision: Vision | None
    periods: list[str]
    period: str | None
    roots: list[ObjectiveNode]
    unaligned_count: int


def strategy_tree(*, user: User, period: str | None = None) -> StrategyTree | None:
    """The vision and a period's objectives as a cascade, each with its key results, the
    initiatives serving it and their open effort. A fixed number of queries for any size."""
    if not permissions.can_see_portfolio(user):
        return None
    periods = sorted(set(Objective.objects.values_list("period", flat=True)))
    if period not in periods:
        period = _current_or_first(periods)
    objectives = list(
        Objective.objects.filter(period=period)
        .select_related("owner")
        .prefetch_related("key_results")
        .order_by("title", "pk")
    )
    # Plain rows, not model instances: a large portfolio links thousands of initiatives here.
    served: dict[int, list[ServingInitiative]] = defaultdict(list)
    links = (
        Initiative.objectives.through.objects.filter(objective__period=period)
        .exclude(initiative__status=Initiative.Status.DROPPED)
        .order_by("initiative__title", "initiative_id")
        .values_list(
            "objective_id",
            "initiative_id",
            "initiative__title",
            "initiative__status",
            "initiative__effort_estimate",
            "initiative__team__name",
        )
    )
    status_labels = dict(Initiative.Status.choices)
    for objective_id, pk, title, status, effort, team_name in links:
        served[objective_id].append(
            ServingInitiative(pk, title, status, status_labels[status], effort, team_name)
        )
    nodes = {
        objective.pk: ObjectiveNode(
            objective=objective,
            key_results=list(objective.key_results.all()),
            initiatives=served[objective.pk],
            effort=sum(
                (
                    initiative.effort
                    for initiative in served[objective.pk]
                    if initiative.status in ACTIVE_STATUSES
                ),
                Decimal(0),
            ),
            children=[],
        )
        for objective in objectives
    }
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.objective.parent_id)
        (parent.children if parent else roots).append(node)
    unaligned = Initiative.objects.filter(
        status__in=ACTIVE_STATUSES, objectives__isnull=True
    ).count()
    return StrategyTree(
        vision=Vision.objects.select_related("author").first(),
        periods=periods,
        period=period,
        roots=roots,
        unaligned_count=unaligned,
    )


def objective_node(*, user: User, objective_id: int) -> ObjectiveNode | None:
    """One objective of the strategy tree with everything below it, or None if not visible."""
    period = Objective.objects.filter(pk=objective_id).values_list("period", flat=True).first()
    tree = None if period is None else strategy_tree(user=user, period=period)
    if tree is None:
        return None
    pending = list(tree.roots)
    while pending:
        node = pending.pop()
        if node.objective.pk == objective_id:
            return node
        pending.extend(node.children)
    return None


def _current_or_first(periods: list[str]) -> str | None:
    today = timezone.localdate()
    half = f"{today.year}-H{1 if today.month <= 6 else 2}"
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    for candidate in (half, quarter, str(today.year)):
        if candidate in periods:
            return candidate
    later = [period for period in periods if period >= str(today.year)]
    return (later or periods or [None])[0]


def vision_history(*, user: User) -> list[Vision]:
    if not permissions.can_see_portfolio(user):
        return []
    return list(Vision.objects.select_related("author")[:20])
