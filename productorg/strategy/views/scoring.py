"""TODO(issue 4): being written."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def ranking(request: HttpRequest) -> HttpResponse:
    raise Http404


def scoring_model_new(request: HttpRequest) -> HttpResponse:
    raise Http404


def scoring_model_edit(request: HttpRequest, scoring_model_id: int) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("strategy/ranking/", ranking, name="ranking"),
    path("strategy/scoring-models/new/", scoring_model_new, name="scoring-model-new"),
    path(
        "strategy/scoring-models/<int:scoring_model_id>/",
        scoring_model_edit,
        name="scoring-model-edit",
    ),
]
