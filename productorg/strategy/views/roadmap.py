"""The roadmap (initiatives by quarter and team) and the capacity table (planned effort
against each team's capacity per quarter)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse

from productorg.reports.charts import CATEGORY_COLOURS
from productorg.strategy.models import NO_CATEGORY_LABEL, WorkCategory
from productorg.strategy.roadmap_forms import (
    CapacityFilterForm,
    CapacityTeamForm,
    RoadmapFilterForm,
)
from productorg.strategy.selectors import capacity as capacity_selectors
from productorg.strategy.selectors import roadmap as roadmap_selectors

# The work categories' colours, as the charts and the leadership report draw them.
# No category (grey) comes last.
LEGEND = [
    (value, label, CATEGORY_COLOURS[value])
    for value, label in (*WorkCategory.choices, ("", NO_CATEGORY_LABEL))
]


def _url_prefix(name: str) -> str:
    """The URL of `name` before its id: reversing once per bar or cell costs more than the rest
    of a large page's rendering, and these URLs differ only in the id at their end."""
    return reverse(name, args=[0]).removesuffix("0/")


def _template(request: HttpRequest, page: str, partial: str) -> str:
    """The page, or only its swappable region for an htmx request that is not boosted."""
    if request.htmx and not request.htmx.boosted:
        return f"{page}#{partial}"
    return page


def roadmap(request: HttpRequest) -> HttpResponse:
    form = RoadmapFilterForm(request.GET)
    window = form.window()
    plan = roadmap_selectors.roadmap(
        user=request.user,
        quarters=window.quarters,
        page_number=form.page_number(),
        **form.filters(),
    )
    if plan is None:
        raise Http404
    context = {
        "form": form,
        "window": window,
        "roadmap": plan,
        "links": form.links(plan.page),
        "ignored": form.ignored(),
        "legend": LEGEND,
        "filtered": form.filtered,
        "initiative_query": form.initiative_query(),
        "window_query": form.window_query(),
        # The downloads carry the filters and the window the reader chose.
        "export_query": form.query(),
        "capacity_query": form.query(category=None, objective=None, status=None),
        "initiative_url": _url_prefix("strategy:initiative-detail"),
    }
    return render(request, _template(request, "strategy/roadmap.html", "grid"), context)


def capacity(request: HttpRequest) -> HttpResponse:
    form = CapacityFilterForm(request.GET)
    window = form.window()
    table = capacity_selectors.capacity_table(
        user=request.user,
        quarters=window.quarters,
        page_number=form.page_number(),
        **form.filters(),
    )
    if table is None:
        raise Http404
    context = {
        "form": form,
        "window": window,
        "table": table,
        "links": form.links(table.page),
        "ignored": form.ignored(),
        "window_query": form.window_query(),
        "roadmap_query": form.query(over=None),
        "capacity_team_url": _url_prefix("strategy:capacity-team"),
        # A cell's drill-down link ends with its quarter.
        "cell_query": "&".join(filter(None, [form.window_query(), "quarter="])),
    }
    return render(request, _template(request, "strategy/capacity.html", "table"), context)


def capacity_team(request: HttpRequest, team_id: int) -> HttpResponse:
    form = CapacityTeamForm(request.GET)
    window = form.window()
    detail = capacity_selectors.team_capacity_detail(
        user=request.user, team_id=team_id, quarters=window.quarters
    )
    if detail is None:
        raise Http404
    context = {
        "form": form,
        "window": window,
        "detail": detail,
        "ignored": form.ignored(),
        "links": form.links(),
        "selected": form.valid_data().get("quarter", ""),
        "window_query": form.window_query(),
    }
    return render(request, _template(request, "strategy/capacity_team.html", "detail"), context)


urlpatterns = [
    path("roadmap/", roadmap, name="roadmap"),
    path("capacity/", capacity, name="capacity"),
    path("capacity/teams/<int:team_id>/", capacity_team, name="capacity-team"),
]
