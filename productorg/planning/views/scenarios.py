"""Scenarios: the list with its New form, the edit page (settings, capacity, mix bounds,
must/never), copy and delete."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse

from productorg.pages import form_status
from productorg.people.models import Team
from productorg.planning import selectors, services
from productorg.planning.forms import (
    CapacityForm,
    ChoicesForm,
    CopyForm,
    MixBoundsForm,
    ScenarioForm,
)
from productorg.planning.models import ScenarioChoice
from productorg.planning.views.common import planner_only, scenario_or_404
from productorg.strategy.models import Initiative
from productorg.strategy.periods import quarter_span

EDIT = "planning/scenario_edit.html"
SECTIONS = ("settings", "capacity", "mix", "choices")


@planner_only
def scenario_list(request: HttpRequest) -> HttpResponse:
    form = ScenarioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.scenario_create(
                **form.settings(),
                created_by=request.user,
                form_token=form.cleaned_data["form_token"],
            )
        except services.PlanningError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Scenario {scenario.name} made: plan it, or edit it first.")
            return redirect("planning:scenario", scenario.pk)
    rows = [_list_row(summary) for summary in selectors.scenarios_with_latest_run()]
    context = {"rows": rows, "form": form}
    return render(
        request, "planning/scenario_list.html", context, status=form_status(request, form)
    )


def _list_row(summary: selectors.ScenarioSummary) -> dict:
    run, result = summary.latest_run, (summary.latest_run.result if summary.latest_run else None)
    row = {"scenario": summary.scenario, "run": run, "objective": None, "gap_percent": None}
    if run is not None:
        row["status"] = run.get_status_display()
    if result:
        row["status"] = result["status"].capitalize() + (
            " (stopped)" if result.get("stopped") else ""
        )
        row["objective"] = result["objective"]
        gap = result.get("gap")
        row["gap_percent"] = None if gap is None else gap * 100
    # A run still going shows its status only: the list does not load progress trails.
    return row


@planner_only
def scenario_edit(request: HttpRequest, scenario_id: int) -> HttpResponse:
    scenario = scenario_or_404(scenario_id)
    section = request.POST.get("section") if request.method == "POST" else None
    if section not in SECTIONS:
        section = None
    forms = _edit_forms(scenario, request.POST if section else None, section)
    if section and forms[section].is_valid():
        try:
            _save(section, scenario, forms[section])
        except services.PlanningError as error:
            forms[section].add_service_error(error)
        else:
            messages.success(request, f"{scenario.name}: {_SAVED[section]} saved.")
            return redirect(reverse("planning:scenario-edit", args=[scenario.pk]) + f"#{section}")
    context = {"scenario": scenario, **forms, "section": section}
    status = form_status(request, forms[section]) if section else 200
    return render(request, EDIT, context, status=status)


_SAVED = {
    "settings": "settings",
    "capacity": "capacity",
    "mix": "mix bounds",
    "choices": "must-do and never lists",
}


def _edit_forms(scenario, data, section: str | None) -> dict:
    """The four forms of the edit page; only the posted one is bound to the data."""

    def bound(name: str):
        return data if section == name else None

    quarters = quarter_span(scenario.first_quarter, scenario.quarters)
    overrides = {(row.team_id, row.quarter): row.capacity for row in scenario.capacities.all()}
    bounds = {row.category: (row.min_share, row.max_share) for row in scenario.mix_bounds.all()}
    choices = list(scenario.choices.values_list("initiative_id", "choice"))
    initiatives = (
        Initiative.objects.exclude(status__in=selectors.CLOSED_STATUSES)
        .order_by("title", "pk")
        .values_list("pk", "title")
    )
    return {
        "settings": ScenarioForm(bound("settings"), instance=scenario),
        "capacity": CapacityForm(
            bound("capacity"),
            teams=list(Team.objects.order_by("name", "pk")),
            quarters=quarters,
            overrides=overrides,
        ),
        "mix": MixBoundsForm(bound("mix"), bounds=bounds),
        "choices": ChoicesForm(
            bound("choices"),
            initiatives=list(initiatives),
            must=[pk for pk, choice in choices if choice == ScenarioChoice.Choice.MUST],
            never=[pk for pk, choice in choices if choice == ScenarioChoice.Choice.NEVER],
        ),
    }


def _save(section: str, scenario, form) -> None:
    """The posted section through the scenario services, all of it or none."""
    with transaction.atomic():
        if section == "settings":
            services.scenario_update(scenario=scenario, **form.settings())
        elif section == "capacity":
            for team, quarter, capacity in form.changes():
                services.scenario_capacity_set(
                    scenario=scenario, team=team, quarter=quarter, capacity=capacity
                )
        elif section == "mix":
            for category, low, high in form.changes():
                services.scenario_mix_bound_set(
                    scenario=scenario, category=category, min_share=low, max_share=high
                )
        else:
            must, never = form.initial["must"], form.initial["never"]
            initiatives = Initiative.objects.in_bulk(form.changes(must=must, never=never))
            for pk, choice in form.changes(must=must, never=never).items():
                services.scenario_choice_set(
                    scenario=scenario, initiative=initiatives[pk], choice=choice
                )


@planner_only
def scenario_copy(request: HttpRequest, scenario_id: int) -> HttpResponse:
    scenario = scenario_or_404(scenario_id)
    form = CopyForm(request.POST or None, initial={"name": f"{scenario.name} (copy)"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.scenario_copy(
                scenario=scenario,
                name=form.cleaned_data["name"],
                created_by=request.user,
                form_token=form.cleaned_data["form_token"],
            )
        except services.PlanningError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"{scenario.name} copied as {copy.name}.")
            return redirect("planning:scenario", copy.pk)
    context = {"scenario": scenario, "form": form}
    return render(
        request, "planning/scenario_copy.html", context, status=form_status(request, form)
    )


@planner_only
def scenario_delete(request: HttpRequest, scenario_id: int) -> HttpResponse:
    scenario = scenario_or_404(scenario_id)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        name = scenario.name
        services.scenario_delete(scenario=scenario)
        messages.success(request, f"Scenario {name} deleted, with its plans.")
        return redirect("planning:scenario-list")
    return render(request, "planning/scenario_delete.html", {"scenario": scenario})


urlpatterns = [
    path("plan/", scenario_list, name="scenario-list"),
    path("plan/scenarios/<int:scenario_id>/edit/", scenario_edit, name="scenario-edit"),
    path("plan/scenarios/<int:scenario_id>/copy/", scenario_copy, name="scenario-copy"),
    path("plan/scenarios/<int:scenario_id>/delete/", scenario_delete, name="scenario-delete"),
]
