"""The plan page of a scenario: plan it, watch the search, stop it, read the plan and apply it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from productorg.pages import htmx_partial
from productorg.planning import selectors, services
from productorg.planning.engine.model import result_from_dict
from productorg.planning.forms import CopyForm, PlanStartForm
from productorg.planning.models import PlanRun, Scenario
from productorg.planning.views import display
from productorg.planning.views.common import (
    planner_only,
    run_or_404,
    scenario_or_404,
)
from productorg.strategy.periods import quarter_add

PLAN = "planning/plan.html"
ACTIVE = (PlanRun.Status.QUEUED, PlanRun.Status.RUNNING)


@planner_only
def plan_page(request: HttpRequest, scenario_id: int, run_id: int | None = None) -> HttpResponse:
    scenario = scenario_or_404(scenario_id)
    run = run_or_404(scenario, run_id) if run_id else selectors.plan_run_latest(scenario=scenario)
    context = {
        "scenario": scenario,
        "settings": _settings(scenario),
        "copy_form": CopyForm(initial={"name": f"{scenario.name} (copy)"}),
        "start_form": PlanStartForm(),
        **run_context(run),
    }
    return render(request, htmx_partial(request, PLAN, "run"), context)


def _settings(scenario: Scenario) -> dict:
    """The scenario's capacity overrides, mix bounds and must/never lists for the summary."""
    choices = list(scenario.choices.select_related("initiative"))
    return {
        "quarters": scenario.quarters,
        "last_quarter": quarter_add(scenario.first_quarter, scenario.quarters - 1),
        "discount_percent": scenario.discount_rate * 100,
        "capacities": list(scenario.capacities.select_related("team")),
        "mix_bounds": [
            (row.get_category_display(), display.bounds_words((row.min_share, row.max_share)))
            for row in scenario.mix_bounds.all()
        ],
        "must": [choice.initiative for choice in choices if choice.choice == "must"],
        "never": [choice.initiative for choice in choices if choice.choice == "never"],
    }


def run_context(run: PlanRun | None) -> dict:
    """The run panel: progress while the search goes on, the plan when it has ended."""
    context: dict = {"run": run, "active": run is not None and run.status in ACTIVE}
    if run is None:
        return context
    if context["active"]:
        context["progress"] = display.progress(run.progress)
    elif run.result:
        stored = selectors.problem_from_stored(run.problem)
        result = result_from_dict(run.result)
        names = display.team_names(stored.problem)
        context["plan"] = display.plan_view(stored.problem, result, names)
        context["progress"] = display.progress(result.history)
    return context


@planner_only
@require_POST
def plan_start(request: HttpRequest, scenario_id: int) -> HttpResponse:
    scenario = scenario_or_404(scenario_id)
    form = PlanStartForm(request.POST)
    form.is_valid()
    try:
        services.plan_run_start(
            scenario=scenario,
            requested_by=request.user,
            form_token=form.cleaned_data.get("form_token"),
        )
    except services.PlanningError as error:
        # One run at a time, or a portfolio the planner cannot take (a dependency cycle).
        messages.warning(request, error.message)
    return redirect("planning:scenario", scenario.pk)


@planner_only
@require_POST
def plan_stop(request: HttpRequest, scenario_id: int, run_id: int) -> HttpResponse:
    run = run_or_404(scenario_or_404(scenario_id), run_id)
    if run.status in ACTIVE:
        services.plan_run_stop(plan_run=run)
        messages.info(request, "Stopping: the best plan found so far is kept.")
    return redirect("planning:scenario-run", scenario_id, run.pk)


@planner_only
def plan_apply(request: HttpRequest, scenario_id: int, run_id: int) -> HttpResponse:
    scenario = scenario_or_404(scenario_id)
    run = run_or_404(scenario, run_id)
    if request.method == "POST":
        try:
            count = services.plan_apply(plan_run=run, applied_by=request.user)
        except services.PlanNotApplicable as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"Plan applied: {count} initiative{'s' if count != 1 else ''} now start"
                f"{'s' if count == 1 else ''} in the quarter the plan chose.",
            )
        return redirect("planning:scenario-run", scenario.pk, run.pk)
    context = {
        "scenario": scenario,
        "run": run,
        "changes": selectors.plan_changes(plan_run=run),
        "not_applicable": _not_applicable(run),
    }
    return render(request, "planning/plan_apply.html", context)


def _not_applicable(run: PlanRun) -> str:
    """Why the run has no plan to apply, in words; "" when it has one."""
    if run.status in ACTIVE:
        return "This run is still planning: apply its plan when it has finished."
    if not run.result:
        return "This run ended without a plan: there is nothing to apply."
    if run.result.get("status") == "infeasible":
        return "This run found no feasible plan: there is nothing to apply."
    return ""


urlpatterns = [
    path("plan/scenarios/<int:scenario_id>/", plan_page, name="scenario"),
    path("plan/scenarios/<int:scenario_id>/plan/", plan_start, name="plan-start"),
    path("plan/scenarios/<int:scenario_id>/runs/<int:run_id>/", plan_page, name="scenario-run"),
    path("plan/scenarios/<int:scenario_id>/runs/<int:run_id>/stop/", plan_stop, name="plan-stop"),
    path(
        "plan/scenarios/<int:scenario_id>/runs/<int:run_id>/apply/", plan_apply, name="plan-apply"
    ),
]
