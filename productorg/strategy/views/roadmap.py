"""TODO(issue 4): being written."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def roadmap(request: HttpRequest) -> HttpResponse:
    raise Http404


def capacity(request: HttpRequest) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("roadmap/", roadmap, name="roadmap"),
    path("capacity/", capacity, name="capacity"),
]
