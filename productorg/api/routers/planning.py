"""Scenarios and plan runs: leaders plan; to everyone else every planning id is a 404, as on
the Plan pages. A run is planned by the worker in the background: starting one answers 202
with its id, and the run is read back until its status is done, stopped or failed.
"""

# No `from __future__ import annotations` here: ninja reads the endpoints' annotations
# (Query[...], path ids, bodies) at runtime, and string annotations break its signature parsing.

from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from productorg.accounts import permissions
from productorg.api.auth import acting_user
from productorg.api.errors import ApiInputError
from productorg.api.pagination import Pagination
from productorg.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    Error,
    Id,
    IdempotencyKey,
    PlanAppliedOut,
    PlanRunDetailOut,
    PlanRunOut,
    PlanRunStarted,
    ScenarioCapacitiesIn,
    ScenarioCapacitiesOut,
    ScenarioChoicesIn,
    ScenarioChoicesOut,
    ScenarioIn,
    ScenarioMixBoundsIn,
    ScenarioMixBoundsOut,
    ScenarioOut,
    ScenarioPatch,
)
from productorg.people.models import Team
from productorg.planning import selectors, services
from productorg.planning.models import PlanRun, Scenario, ScenarioChoice
from productorg.strategy.models import Initiative

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
def scenario_create(
    request: HttpRequest, payload: ScenarioIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """A new scenario; its mix bounds start from the org's work-category targets."""
    _planner(request)
    scenario = services.scenario_create(
        created_by=acting_user(request), form_token=idempotency_key, **payload.dict()
    )
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
def plan_run_start(
    request: HttpRequest, scenario_id: Id, idempotency_key: IdempotencyKey = None
) -> Any:
    """Plan the scenario in the background; one run at a time per scenario (else 409)."""
    scenario = _scenario_or_404(request, scenario_id)
    run = services.plan_run_start(
        scenario=scenario, requested_by=acting_user(request), form_token=idempotency_key
    )
    return Status(202, run)


def _run_or_404(request: HttpRequest, scenario_id: int, run_id: int) -> PlanRun:
    scenario = _scenario_or_404(request, scenario_id)
    run = PlanRun.objects.select_related("scenario").filter(scenario=scenario, pk=run_id).first()
    if run is None:
        raise Http404
    return run


@router.post(
    "/scenarios/{scenario_id}/runs/{run_id}/stop", response={200: PlanRunOut, **WRITE_ERRORS}
)
def plan_run_stop(request: HttpRequest, scenario_id: Id, run_id: Id) -> Any:
    """Stop a run: a queued one at once, a running one at its next check, keeping the best plan
    found so far; a finished run stays as it is."""
    run = _run_or_404(request, scenario_id, run_id)
    return services.plan_run_stop(plan_run=run)


@router.post(
    "/scenarios/{scenario_id}/runs/{run_id}/apply",
    response={200: PlanAppliedOut, 409: Error, **WRITE_ERRORS},
)
def plan_apply(request: HttpRequest, scenario_id: Id, run_id: Id) -> Any:
    """Start each planned initiative in the quarter the plan chose (its version moves on); a
    run without a plan to apply is a 409 saying why."""
    run = _run_or_404(request, scenario_id, run_id)
    moved = services.plan_apply(plan_run=run, applied_by=acting_user(request))
    return {**PlanRunOut.from_orm(run).dict(), "initiatives_moved": moved}


# A scenario's inputs. Each PUT names the whole new set (what is left out goes back to the
# default), saved all or nothing through the scenario services, as the edit page saves them.


def _capacities_out(scenario: Scenario) -> dict[str, Any]:
    return {"capacities": list(scenario.capacities.order_by("team_id", "quarter"))}


@router.put(
    "/scenarios/{scenario_id}/capacity", response={200: ScenarioCapacitiesOut, **WRITE_ERRORS}
)
def scenario_capacity_put(
    request: HttpRequest, scenario_id: Id, payload: ScenarioCapacitiesIn
) -> Any:
    """Set the scenario's capacity overrides per team and quarter; any other team and quarter
    plans with the team's own capacity."""
    scenario = _scenario_or_404(request, scenario_id)
    teams = Team.objects.in_bulk({row.team_id for row in payload.capacities})
    wanted: dict[tuple[int, str], Any] = {}
    for row in payload.capacities:
        if row.team_id not in teams:
            raise ApiInputError(f"There is no team {row.team_id}.", field="capacities")
        if (row.team_id, row.quarter) in wanted:
            raise ApiInputError(
                f"Team {row.team_id} in {row.quarter} is listed twice.", field="capacities"
            )
        wanted[(row.team_id, row.quarter)] = row.capacity
    with transaction.atomic():
        for override in scenario.capacities.select_related("team"):
            if (override.team_id, override.quarter) not in wanted:
                services.scenario_capacity_set(
                    scenario=scenario, team=override.team, quarter=override.quarter, capacity=None
                )
        for (team_id, quarter), capacity in wanted.items():
            services.scenario_capacity_set(
                scenario=scenario, team=teams[team_id], quarter=quarter, capacity=capacity
            )
    return _capacities_out(scenario)


def _mix_bounds_out(scenario: Scenario) -> dict[str, Any]:
    return {"bounds": list(scenario.mix_bounds.order_by("category"))}


@router.put(
    "/scenarios/{scenario_id}/mix-bounds", response={200: ScenarioMixBoundsOut, **WRITE_ERRORS}
)
def scenario_mix_bounds_put(
    request: HttpRequest, scenario_id: Id, payload: ScenarioMixBoundsIn
) -> Any:
    """Bound each work category's share of planned effort (0-1); a category not listed is
    unbounded."""
    scenario = _scenario_or_404(request, scenario_id)
    categories = [bound.category for bound in payload.bounds]
    if len(set(categories)) != len(categories):
        raise ApiInputError("Each work category may be bounded once.", field="bounds")
    with transaction.atomic():
        for category in set(scenario.mix_bounds.values_list("category", flat=True)):
            if category not in categories:
                services.scenario_mix_bound_set(
                    scenario=scenario, category=category, min_share=None, max_share=None
                )
        for bound in payload.bounds:
            services.scenario_mix_bound_set(
                scenario=scenario,
                category=bound.category,
                min_share=bound.min_share,
                max_share=bound.max_share,
            )
    return _mix_bounds_out(scenario)


def _choices_ids(scenario: Scenario) -> list[int]:
    return list(scenario.choices.values_list("initiative_id", flat=True))


def _choices_out(scenario: Scenario) -> dict[str, Any]:
    rows = scenario.choices.order_by("initiative_id").values_list("initiative_id", "choice")
    return {
        "must": [pk for pk, choice in rows if choice == ScenarioChoice.Choice.MUST],
        "never": [pk for pk, choice in rows if choice == ScenarioChoice.Choice.NEVER],
    }


@router.put("/scenarios/{scenario_id}/choices", response={200: ScenarioChoicesOut, **WRITE_ERRORS})
def scenario_choices_put(request: HttpRequest, scenario_id: Id, payload: ScenarioChoicesIn) -> Any:
    """The initiatives the plan must include and must leave out; any other is the planner's
    choice."""
    scenario = _scenario_or_404(request, scenario_id)
    both = sorted(set(payload.must) & set(payload.never))
    if both:
        raise ApiInputError(f"Initiative {both[0]} cannot be both must and never.", field="never")
    wanted = {
        **dict.fromkeys(payload.must, ScenarioChoice.Choice.MUST),
        **dict.fromkeys(payload.never, ScenarioChoice.Choice.NEVER),
    }
    initiatives = Initiative.objects.in_bulk(set(wanted) | set(_choices_ids(scenario)))
    missing = sorted(set(wanted) - set(initiatives))
    if missing:
        field = "must" if missing[0] in payload.must else "never"
        raise ApiInputError(f"There is no initiative {missing[0]}.", field=field)
    with transaction.atomic():
        for pk in _choices_ids(scenario):
            if pk not in wanted:
                services.scenario_choice_set(
                    scenario=scenario, initiative=initiatives[pk], choice=None
                )
        for pk, choice in wanted.items():
            services.scenario_choice_set(
                scenario=scenario, initiative=initiatives[pk], choice=choice
            )
    return _choices_out(scenario)
