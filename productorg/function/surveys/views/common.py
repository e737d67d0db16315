"""What the survey pages share: who may run surveys or read results, and the round asked for."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from productorg.accounts.permissions import can_read_survey_results, can_run_surveys
from productorg.function.surveys.models import Survey


def surveyor_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Leaders run surveys; to everyone else each such page and form is a 404."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_run_surveys(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


def results_readers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Leaders and PMs read results; stakeholders and admins get a 404."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_read_survey_results(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


def survey_or_404(survey_id: int) -> Survey:
    return get_object_or_404(Survey, pk=survey_id)
