"""What every Plan page shares: leaders only, and the scenario or run asked for."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from productorg.accounts.permissions import can_plan
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
