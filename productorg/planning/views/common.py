"""What every Plan page shares: leaders only, the scenario or run asked for, team names."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from productorg.accounts.permissions import can_plan
from productorg.people.models import Team
from productorg.planning.models import PlanRun, Scenario


def planner_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Leaders plan; to everyone else every Plan page, fragment and form is a 404."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_plan(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


def scenario_or_404(scenario_id: int) -> Scenario:
    return get_object_or_404(Scenario, pk=scenario_id)


def run_or_404(scenario: Scenario, run_id: int) -> PlanRun:
    return get_object_or_404(
        PlanRun.objects.select_related("scenario"), pk=run_id, scenario=scenario
    )


def team_names(team_ids: Iterable[str]) -> dict[str, str]:
    """The names behind a problem's team ids (the teams' database ids, as text); one query."""
    ids = [int(team_id) for team_id in team_ids if team_id.isdigit()]
    return {str(pk): name for pk, name in Team.objects.filter(pk__in=ids).values_list("pk", "name")}


def htmx_partial(request: HttpRequest, page: str, partial: str) -> str:
    """The page, or only its swappable region for an htmx request that is not boosted."""
    if request.htmx and not request.htmx.boosted:
        return f"{page}#{partial}"
    return page
