"""The PM function's landing page: its documents, processes, improvement roadmap and the
stakeholder surveys, each with the few numbers worth seeing first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse

from productorg.accounts.permissions import can_change_function
from productorg.function import selectors
from productorg.function.models import HEALTH_COLOURS, ImprovementStatus, ProcessHealth
from productorg.function.views.common import readers_only


def _surveys_url() -> str | None:
    # The surveys live in their own app; the hub links them only once they have a page.
    try:
        return reverse("surveys:survey-list")
    except NoReverseMatch:
        return None


@readers_only
def function_hub(request: HttpRequest) -> HttpResponse:
    summary = selectors.function_summary(user=request.user)
    context = {
        "summary": summary,
        "process_health": [
            (HEALTH_COLOURS[health], health.label, summary.process_health[health.value])
            for health in ProcessHealth
        ],
        "improvement_statuses": [
            (status.label, summary.improvements[status.value]) for status in ImprovementStatus
        ],
        "surveys_url": _surveys_url(),
        "review_days": selectors.REVIEW_DUE_AFTER_DAYS,
        "can_change": can_change_function(request.user),
    }
    return render(request, "function/hub.html", context)


urlpatterns = [path("function/", function_hub, name="hub")]
