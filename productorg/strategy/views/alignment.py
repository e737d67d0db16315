"""The alignment check: findings per kind, each linking to the thing to fix."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from productorg.strategy.alignment_forms import AlignmentCheckForm
from productorg.strategy.selectors import alignment as alignment_selectors


def alignment_check(request: HttpRequest) -> HttpResponse:
    form = AlignmentCheckForm(request.GET)
    check = alignment_selectors.alignment_check(
        user=request.user,
        stale_after_days=form.stale_after_days(),
        today=timezone.localdate(),
        kind=form.chosen_kind(),
        page=request.GET.get("page"),
    )
    if check is None:
        raise Http404
    template = "strategy/alignment.html"
    if request.htmx and not request.htmx.boosted:
        template += "#findings"
    kept = form.kept_query()
    return render(
        request,
        template,
        {
            "check": check,
            "form": form,
            "ignored": form.ignored(),
            "kept": kept,
            # Links within the page keep the stale days; the amp joins the page number on.
            "kept_amp": f"{kept}&" if kept else "",
        },
    )


urlpatterns = [
    path("strategy/alignment/", alignment_check, name="alignment"),
]
