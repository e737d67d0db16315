from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from productorg.accounts import permissions
from productorg.pages import as_download, file_stem
from productorg.people import selectors
from productorg.people.team_forms import TeamFilterForm
from productorg.strategy.selectors import (
    effort_by_category,
    initiatives_filtered,
    initiatives_of_teams,
)


def people_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_directory(request.user):
        raise Http404
    form = TeamFilterForm(request.GET)
    team = selectors.team_view(user=request.user, **form.filters())
    if team is not None:
        template = "people/team_view.html"
        if request.htmx and not request.htmx.boosted:
            template += "#rows"
        return render(request, template, {"team": team, "form": form})
    people = selectors.people_visible_to(user=request.user)
    return render(request, "people/people_list.html", {"people": people})


def readiness(request: HttpRequest, person_id: int) -> HttpResponse:
    view = selectors.readiness_detail(user=request.user, person_id=person_id)
    if view is None:
        raise Http404
    return render(request, "people/readiness.html", {"view": view})


def promotion_case(request: HttpRequest, person_id: int) -> HttpResponse:
    view = selectors.readiness_detail(user=request.user, person_id=person_id)
    if view is None:
        raise Http404
    response = HttpResponse(
        selectors.promotion_case_markdown(view=view), content_type="text/markdown; charset=utf-8"
    )
    return as_download(response, filename=f"{file_stem('promotion-case', view.person.name)}.md")


def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_detail(user=request.user, person_id=person_id)
    if person is None:
        raise Http404
    initiatives = initiatives_filtered(user=request.user, owner_id=person.pk)[:50]
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "initiatives": initiatives,
            "can_read_growth": permissions.can_read_growth(request.user, person),
        },
    )


def org_chart(request: HttpRequest) -> HttpResponse:
    roots = selectors.org_chart(user=request.user)
    if roots is None:
        raise Http404
    return render(request, "people/org_chart.html", {"roots": roots})


def team_list(request: HttpRequest) -> HttpResponse:
    areas = selectors.product_areas(user=request.user)
    return render(request, "people/team_list.html", {"areas": areas})


def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.team_detail(user=request.user, team_id=team_id)
    if team is None:
        raise Http404
    initiatives = initiatives_of_teams(user=request.user, teams=[team])
    mix = effort_by_category(user=request.user, teams=[team])
    return render(
        request,
        "people/team_detail.html",
        {"team": team, "initiatives": initiatives, "mix": mix},
    )
