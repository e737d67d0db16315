"""Two scenarios' latest plans side by side, and a scenario's plan drawn as a roadmap."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse

from productorg.planning import selectors
from productorg.planning.engine.model import result_from_dict
from productorg.planning.forms import CompareForm
from productorg.planning.models import PlanRun, Scenario
from productorg.planning.views import display
from productorg.planning.views.common import planner_only, scenario_or_404
from productorg.reports.charts import CATEGORY_COLOURS
from productorg.strategy.models import NO_CATEGORY_LABEL, WorkCategory

# The work categories' colours, as the roadmap and the charts draw them.
# No category (grey) comes last.
LEGEND = [
    (value, label, CATEGORY_COLOURS[value])
    for value, label in (*WorkCategory.choices, ("", NO_CATEGORY_LABEL))
]


@planner_only
def compare(request: HttpRequest) -> HttpResponse:
    picked = request.GET.getlist("pick")
    if picked:
        # The list page's ticks: exactly two make a comparison.
        if len(picked) != 2:
            messages.warning(request, "Tick exactly two scenarios to compare them.")
            return redirect("planning:scenario-list")
        return redirect(
            f"{reverse('planning:compare')}?{urlencode({'a': picked[0], 'b': picked[1]})}"
        )
    scenarios = dict(Scenario.objects.values_list("pk", "name"))
    form = CompareForm(request.GET if request.GET else None, scenarios=list(scenarios.items()))
    context: dict = {"form": form, "comparison": None, "unplanned": []}
    if form.is_valid():
        pair = Scenario.objects.in_bulk([form.cleaned_data["a"], form.cleaned_data["b"]])
        a, b = pair[form.cleaned_data["a"]], pair[form.cleaned_data["b"]]
        run_a, run_b = _planned_run(a), _planned_run(b)
        context["unplanned"] = [s for s, run in ((a, run_a), (b, run_b)) if run is None]
        if run_a is not None and run_b is not None:
            context.update(_comparison_context(selectors.plan_comparison(run_a=run_a, run_b=run_b)))
        context["a"], context["b"] = a, b
    return render(request, "planning/compare.html", context)


def _comparison_context(comparison: selectors.PlanComparison) -> dict:
    return {
        "comparison": comparison,
        "sides": [display.compare_side(comparison.a), display.compare_side(comparison.b)],
        "mix_rows": display.compare_mix(comparison),
        "moved": [(moved, display.CHANGE_WORDS[moved.change]) for moved in comparison.moved],
    }


def _planned_run(scenario: Scenario) -> PlanRun | None:
    """The scenario's latest run that has a plan to compare or draw."""
    return (
        PlanRun.objects.select_related("scenario")
        .filter(scenario=scenario, result__isnull=False)
        .order_by("-created_at", "-pk")
        .first()
    )


@planner_only
def plan_roadmap(request: HttpRequest, scenario_id: int) -> HttpResponse:
    scenario = scenario_or_404(scenario_id)
    run = _planned_run(scenario)
    context: dict = {"scenario": scenario, "run": run, "legend": LEGEND, "bands": []}
    if run is not None:
        stored = selectors.problem_from_stored(run.problem)
        result = result_from_dict(run.result)
        names = display.team_names(stored.problem)
        context["quarters"] = list(stored.problem.quarters)
        context["bands"] = display.roadmap_bands(stored.problem, result, names)
        context["left_out"] = len(result.left_out)
    return render(request, "planning/plan_roadmap.html", context)


urlpatterns = [
    path("plan/compare/", compare, name="compare"),
    path("plan/scenarios/<int:scenario_id>/roadmap/", plan_roadmap, name="scenario-roadmap"),
]
