"""Reads of the initiative and objective edit pages: what a user may pick and change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from productorg.accounts import permissions
from productorg.accounts.permissions import Role
from productorg.people.models import Team
from productorg.strategy.models import Dependency, Initiative, InitiativeEffort, Objective

if TYPE_CHECKING:
    from productorg.accounts.models import User


def initiative_teams_for(*, user: User, initiative: Initiative | None = None) -> QuerySet[Team]:
    """The teams the user may put an initiative in: any for a leader; for a PM their own,
    and the team the initiative is in already."""
    role = permissions.role_of(user)
    if role == Role.LEADER:
        return Team.objects.order_by("name")
    me = permissions.person_of(user)
    if role != Role.PRODUCT_MANAGER or me is None:
        return Team.objects.none()
    current = Q(pk=initiative.team_id) if initiative and initiative.team_id else Q(pk__in=[])
    return Team.objects.filter(Q(product_manager=me) | current).order_by("name")


def initiative_team_required(*, user: User) -> bool:
    """Only a leader may leave an initiative without an owning team."""
    return permissions.role_of(user) != Role.LEADER


def initiative_for_change(*, user: User, initiative_id: int) -> Initiative | None:
    """The initiative with what its edit page shows, or None when the user may not change it."""
    initiative = (
        Initiative.objects.select_related("team", "owner")
        .prefetch_related(
            "objectives",
            Prefetch("team_efforts", queryset=InitiativeEffort.objects.select_related("team")),
            Prefetch("dependencies", queryset=Dependency.objects.select_related("depends_on")),
        )
        .filter(pk=initiative_id)
        .first()
    )
    if initiative is None or not permissions.can_change_initiative(user, initiative):
        return None
    return initiative


def objective_for_change(*, user: User, objective_id: int) -> Objective | None:
    """The objective with its key results, or None when the user may not change it."""
    if not permissions.can_change_strategy(user):
        return None
    return (
        Objective.objects.select_related("owner", "parent")
        .prefetch_related("key_results")
        .filter(pk=objective_id)
        .first()
    )


def dependency_candidates(*, initiative: Initiative) -> QuerySet[Initiative]:
    """What an initiative may be made to wait for: the others still open, by title."""
    return (
        Initiative.objects.exclude(pk=initiative.pk)
        .exclude(status__in=[Initiative.Status.DROPPED, Initiative.Status.DONE])
        .exclude(dependents__initiative=initiative)
        .only("pk", "title")
        .order_by("title", "pk")
    )
