from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from productorg.strategy import selectors
from productorg.strategy.forms import InitiativeFilterForm

INITIATIVES_PER_PAGE = 50


def initiative_list(request: HttpRequest) -> HttpResponse:
    form = InitiativeFilterForm(request.GET)
    initiatives = selectors.initiatives_filtered(user=request.user, **form.filters())
    page = Paginator(initiatives, INITIATIVES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "strategy/initiative_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {"form": form, "page": page, "ignored": form.ignored(), "query": query.urlencode()},
    )


def initiative_detail(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = selectors.initiative_detail(user=request.user, initiative_id=initiative_id)
    if initiative is None:
        raise Http404
    return render(request, "strategy/initiative_detail.html", {"initiative": initiative})
