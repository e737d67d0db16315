"""TODO(issue 4): being written."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def mix_board(request: HttpRequest) -> HttpResponse:
    raise Http404


def mix_initiatives(request: HttpRequest) -> HttpResponse:
    raise Http404


def mix_targets_edit(request: HttpRequest) -> HttpResponse:
    raise Http404


def dimension_new(request: HttpRequest) -> HttpResponse:
    raise Http404


def dimension_edit(request: HttpRequest, dimension_id: int) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("strategy/mix/", mix_board, name="mix-board"),
    path("strategy/mix/initiatives/", mix_initiatives, name="mix-initiatives"),
    path("strategy/mix/targets/", mix_targets_edit, name="mix-targets"),
    path("strategy/mix/dimensions/new/", dimension_new, name="dimension-new"),
    path("strategy/mix/dimensions/<int:dimension_id>/", dimension_edit, name="dimension-edit"),
]
