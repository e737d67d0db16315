"""Scenarios and plan runs: leaders plan; to everyone else every planning id is a 404, as on
the Plan pages. A run is planned by the worker in the background: starting one answers 202
with its id, and the run is read back until its status is done, stopped or failed.
"""

# No `from __future__ import annotations` here: ninja reads the endpoints' annotations
# (Query[...], path ids, bodies) at runtime, and string annotations break its signature parsing.

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from productorg.accounts import permissions
from productorg.api.auth import acting_user
from productorg.api.pagination import Pagination
from productorg.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    Error,
    Id,
    PlanRunDetailOut,
    PlanRunOut,
    PlanRunStarted,
    ScenarioIn,
    ScenarioOut,
    ScenarioPatch,
)
from productorg.planning import selectors, services
from productorg.planning.models import PlanRun, Scenario

router = Router(tags=["planning"])


def _planner(request: HttpRequest) -> None:
    if not permissions.can_plan(acting_user(request)):
        raise Http404


def _scenario_or_404(request: HttpRequest, scenario_id: int) -> Scenario:
    _planner(request)
    scenario = Scenario.objects.filter(pk=scenario_id).first()
    if scenario is None:
        raise Http404
    return scenario


def _scenario_out(scenario: Scenario, latest_run: PlanRun | None) -> dict[str, Any]:
    return {**ScenarioOut.from_orm(scenario).dict(), "latest_run": latest_run}


@router.get("/scenarios", response={200: list[ScenarioOut], **READ_ERRORS})
@paginate(Pagination)
def scenario_list(request: HttpRequest) -> Any:
    """Every scenario by name, with its latest run."""
    _planner(request)
    return [
        _scenario_out(summary.scenario, summary.latest_run)
        for summary in selectors.scenarios_with_latest_run()
    ]


@router.get("/scenarios/{scenario_id}", response={200: ScenarioOut, **READ_ERRORS})
def scenario_get(request: HttpRequest, scenario_id: Id) -> Any:
    scenario = _scenario_or_404(request, scenario_id)
    return _scenario_out(scenario, selectors.plan_run_latest(scenario=scenario))


@router.post("/scenarios", response={201: ScenarioOut, **WRITE_ERRORS})
def scenario_create(request: HttpRequest, payload: ScenarioIn) -> Any:
    """A new scenario; its mix bounds start from the org's work-category targets."""
    _planner(request)
    scenario = services.scenario_create(created_by=acting_user(request), **payload.dict())
    return Status(201, _scenario_out(scenario, None))


@router.patch("/scenarios/{scenario_id}", response={200: ScenarioOut, **WRITE_ERRORS})
def scenario_update(request: HttpRequest, scenario_id: Id, payload: ScenarioPatch) -> Any:
    """Change the settings given; the others keep their values."""
    scenario = _scenario_or_404(request, scenario_id)
    scenario = services.scenario_update(scenario=scenario, **payload.dict(exclude_unset=True))
    return _scenario_out(scenario, selectors.plan_run_latest(scenario=scenario))


@router.get("/scenarios/{scenario_id}/runs", response={200: list[PlanRunOut], **READ_ERRORS})
@paginate(Pagination)
def plan_run_list(request: HttpRequest, scenario_id: Id) -> Any:
    """The scenario's plan runs, newest first."""
    scenario = _scenario_or_404(request, scenario_id)
    return (
        PlanRun.objects.filter(scenario=scenario)
        .defer(*selectors.RUN_SUMMARY_DEFERRED, "result")
        .order_by("-created_at", "-pk")
    )


@router.get(
    "/scenarios/{scenario_id}/runs/{run_id}", response={200: PlanRunDetailOut, **READ_ERRORS}
)
def plan_run_get(request: HttpRequest, scenario_id: Id, run_id: Id) -> Any:
    """A run with the plan it found (once done or stopped)."""
    scenario = _scenario_or_404(request, scenario_id)
    run = PlanRun.objects.filter(scenario=scenario, pk=run_id).defer("problem", "progress").first()
    if run is None:
        raise Http404
    return run


@router.post(
    "/scenarios/{scenario_id}/runs",
    response={202: PlanRunStarted, 409: Error, **WRITE_ERRORS},
)
def plan_run_start(request: HttpRequest, scenario_id: Id) -> Any:
    """Plan the scenario in the background; one run at a time per scenario (else 409)."""
    scenario = _scenario_or_404(request, scenario_id)
    run = services.plan_run_start(scenario=scenario, requested_by=acting_user(request))
    return Status(202, run)
