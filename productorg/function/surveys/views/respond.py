"""The response page of a personal link: no login, one answer per link, clear refusals."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from productorg.function.surveys import selectors, services
from productorg.function.surveys.forms import ResponseForm
from productorg.function.surveys.models import COMMENT_MAX_LENGTH

RESPOND = "surveys/respond.html"
REFUSED = "surveys/respond_refused.html"


@login_not_required
def respond(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token=token)
    if invitation is None:
        return _refused(
            request,
            "This link is not valid",
            "It may have been mistyped, or replaced by a newer link. "
            "Ask whoever sent it for a new one.",
            status=404,
        )
    try:
        services.invitation_check(invitation=invitation)
    except services.LinkRefused as refusal:
        return _refused(request, "This link cannot be answered", refusal.message, status=410)
    survey = invitation.survey
    form = ResponseForm(request.POST or None, questions=selectors.survey_questions(survey=survey))
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(invitation=invitation, answers=form.answers())
        except services.LinkRefused as refusal:
            return _refused(request, "This link cannot be answered", refusal.message, status=410)
        except services.SurveyError as error:
            form.add_error(None, error.message)
        else:
            return render(request, "surveys/respond_done.html", {"survey": survey})
    context = {
        "survey": survey,
        "invitation": invitation,
        "form": form,
        "comment_max": COMMENT_MAX_LENGTH,
    }
    return render(request, RESPOND, context, status=400 if form.errors else 200)


def _refused(request: HttpRequest, title: str, message: str, *, status: int) -> HttpResponse:
    return render(request, REFUSED, {"title": title, "message": message}, status=status)


urlpatterns = [path("function/surveys/r/<str:token>/", respond, name="respond")]
