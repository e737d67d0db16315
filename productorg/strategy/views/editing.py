"""TODO(issue 4): being written."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def initiative_new(request: HttpRequest) -> HttpResponse:
    raise Http404


def initiative_edit(request: HttpRequest, initiative_id: int) -> HttpResponse:
    raise Http404


def objective_new(request: HttpRequest) -> HttpResponse:
    raise Http404


def objective_edit(request: HttpRequest, objective_id: int) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("initiatives/new/", initiative_new, name="initiative-new"),
    path("initiatives/<int:initiative_id>/edit/", initiative_edit, name="initiative-edit"),
    path("strategy/objectives/new/", objective_new, name="objective-new"),
    path("strategy/objectives/<int:objective_id>/edit/", objective_edit, name="objective-edit"),
]
