"""Reads of people and teams, filtered by what the acting user may see."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from productorg.accounts import permissions
from productorg.people.models import Level, Person, Team

if TYPE_CHECKING:
    from productorg.accounts.models import User

# A manager with more direct reports than this cannot coach them all; fewer is not a team.
SPAN_OF_CONTROL_MAX = 8
SPAN_OF_CONTROL_MIN = 2


def people_visible_to(*, user: User) -> QuerySet[Person]:
    """People whose person page the user may open (a 404 for everyone else)."""
    return (
        Person.objects.filter(pk__in=permissions.visible_person_ids(user))
        .select_related("level", "manager")
        .order_by("name")
    )


def person_detail(*, user: User, person_id: int) -> Person | None:
    """One person with their reports and teams, or None when the user may not see them."""
    if person_id not in permissions.visible_person_ids(user):
        return None
    return (
        Person.objects.select_related("level", "manager", "manager__level", "user")
        .prefetch_related(
            Prefetch("reports", queryset=Person.objects.select_related("level")),
            Prefetch("teams", queryset=Team.objects.order_by("name")),
            Prefetch("led_teams", queryset=Team.objects.order_by("name")),
        )
        .filter(pk=person_id)
        .first()
    )


@dataclass
class OrgNode:
    person: Person
    viewable: bool
    reports: list[OrgNode] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Everyone in this node's part of the tree, the node included."""
        return 1 + sum(report.size for report in self.reports)


def org_chart(*, user: User) -> list[OrgNode] | None:
    """The whole reporting tree, top people first; None when the user may not see it."""
    if not permissions.can_see_directory(user):
        return None
    people = list(
        Person.objects.filter(active=True).select_related("level").order_by("-level__rank", "name")
    )
    visible = permissions.visible_person_ids(user)
    nodes = {person.pk: OrgNode(person=person, viewable=person.pk in visible) for person in people}
    roots: list[OrgNode] = []
    for person in people:
        parent = nodes.get(person.manager_id) if person.manager_id else None
        (parent.reports if parent else roots).append(nodes[person.pk])
    return roots


@dataclass(frozen=True)
class LevelCount:
    level: Level
    count: int
    percent: int


def people_by_level(*, user: User) -> list[LevelCount]:
    """How many of the user's visible people (themselves excluded) stand on each level."""
    me = permissions.person_of(user)
    ids = permissions.visible_person_ids(user) - ({me.pk} if me else set())
    counts = Counter(
        Person.objects.filter(pk__in=ids, active=True).values_list("level_id", flat=True)
    )
    total = sum(counts.values())
    return [
        LevelCount(
            level=level, count=counts[level.pk], percent=round(100 * counts[level.pk] / total)
        )
        for level in Level.objects.all()
        if counts[level.pk]
    ]


@dataclass(frozen=True)
class Span:
    manager: Person
    direct_reports: int

    @property
    def too_wide(self) -> bool:
        return self.direct_reports > SPAN_OF_CONTROL_MAX

    @property
    def too_narrow(self) -> bool:
        return self.direct_reports < SPAN_OF_CONTROL_MIN


def spans_of_control(*, user: User) -> list[Span]:
    """Each manager in the user's part of the tree (the user included) and their span."""
    ids = permissions.visible_person_ids(user)
    managers = (
        Person.objects.filter(pk__in=ids)
        .select_related("level")
        .annotate(direct_reports=Count("reports", filter=Q(reports__active=True)))
        .filter(direct_reports__gt=0)
        .order_by("-level__rank", "name")
    )
    return [Span(manager=manager, direct_reports=manager.direct_reports) for manager in managers]


def teams_all(*, user: User) -> QuerySet[Team]:
    """Every team (teams are portfolio, visible to every signed-in role) with counts."""
    if not permissions.can_see_portfolio(user):
        return Team.objects.none()
    return (
        Team.objects.select_related("product_manager", "leader")
        .annotate(
            initiative_count=Count("initiatives", distinct=True),
        )
        .order_by("name")
    )


def teams_of_leader(*, user: User) -> QuerySet[Team]:
    """Teams whose product manager or leader is in the user's part of the reporting tree."""
    ids = permissions.visible_person_ids(user)
    return teams_all(user=user).filter(Q(product_manager_id__in=ids) | Q(leader_id__in=ids))


def teams_of_product_manager(*, user: User) -> QuerySet[Team]:
    me = permissions.person_of(user)
    if me is None:
        return Team.objects.none()
    return teams_all(user=user).filter(product_manager=me)


def team_detail(*, user: User, team_id: int) -> Team | None:
    return teams_all(user=user).filter(pk=team_id).first()


def product_areas(*, user: User) -> dict[str, list[Team]]:
    """Teams grouped by product area, areas in name order."""
    grouped: dict[str, list[Team]] = defaultdict(list)
    for team in teams_all(user=user):
        grouped[team.product_area or "Unassigned"].append(team)
    return dict(sorted(grouped.items()))
