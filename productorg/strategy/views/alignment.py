"""TODO(issue 4): being written."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def alignment_check(request: HttpRequest) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("strategy/alignment/", alignment_check, name="alignment"),
]
