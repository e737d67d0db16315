"""Pages that belong to no single app: the role-fitted home page and the error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from productorg.accounts import permissions
from productorg.accounts.permissions import Role
from productorg.people import selectors as people_selectors
from productorg.reports import charts
from productorg.strategy import selectors as strategy_selectors


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    role = permissions.role_of(user)
    if role == Role.LEADER:
        teams = people_selectors.teams_of_leader(user=user)
        mix = strategy_selectors.effort_by_category(user=user)
        context = {
            "levels": people_selectors.people_by_level(user=user),
            "spans": people_selectors.spans_of_control(user=user),
            "assessments_to_write": people_selectors.assessments_to_write(user=user),
            "teams": teams,
            "mix": mix,
            "mix_chart": charts.category_share_bars(mix),
        }
        return render(request, "home/leader.html", context)
    if role == Role.PRODUCT_MANAGER:
        teams = people_selectors.teams_of_product_manager(user=user)
        initiatives = strategy_selectors.initiatives_of_teams(user=user, teams=teams)
        return render(
            request, "home/product_manager.html", {"teams": teams, "initiatives": initiatives}
        )
    mix = strategy_selectors.effort_by_category(user=user)
    return render(
        request,
        "home/portfolio.html",
        {
            "summary": strategy_selectors.portfolio_summary(user=user),
            "mix": mix,
            "mix_chart": charts.category_share_bars(mix),
        },
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
