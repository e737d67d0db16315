"""Survey rounds: the list with its New form (leaders), and a round's page where a leader edits
the questions of a draft, invites stakeholders, re-issues links and closes the round."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from productorg.accounts.permissions import can_run_surveys
from productorg.function.surveys import selectors, services
from productorg.function.surveys.forms import (
    InviteForm,
    QuestionAddForm,
    QuestionEditForm,
    SurveyForm,
)
from productorg.function.surveys.models import Invitation, Question, Survey
from productorg.function.surveys.views.common import (
    results_readers_only,
    survey_or_404,
    surveyor_only,
)
from productorg.pages import form_status

MANAGE = "surveys/survey_manage.html"


@results_readers_only
def survey_list(request: HttpRequest) -> HttpResponse:
    can_run = can_run_surveys(request.user)
    form = SurveyForm(request.POST or None) if can_run else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            survey = services.survey_create(**form.cleaned_data, created_by=request.user)
        except services.SurveyError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                f"Survey {survey.title} made with the standard questions: "
                "change them if you like, then invite stakeholders.",
            )
            return redirect("surveys:survey", survey.pk)
    today = timezone.localdate()
    rows = [(survey, survey.status_on(today)) for survey in selectors.surveys_with_counts()]
    context = {"rows": rows, "form": form, "can_run": can_run}
    return render(request, "surveys/survey_list.html", context, status=form_status(request, form))


def _manage(
    request: HttpRequest,
    survey: Survey,
    *,
    invite_form: InviteForm | None = None,
    add_form: QuestionAddForm | None = None,
    issued: Sequence[services.IssuedLink] = (),
    status: int = 200,
) -> HttpResponse:
    """The round's page; `issued` links are shown this once and never again."""
    questions = selectors.survey_questions(survey=survey)
    draft = survey.opens_on is None
    links = [(link.invitation, _link_url(request, link.token)) for link in issued]
    context = {
        "survey": survey,
        "status": survey.status_on(timezone.localdate()),
        "draft": draft,
        "questions": [
            (
                question,
                QuestionEditForm(
                    initial={"text": question.text, "position": question.position},
                    prefix=f"q{question.pk}",
                )
                if draft
                else None,
            )
            for question in questions
        ],
        "add_form": add_form or (QuestionAddForm() if draft else None),
        "invite_form": invite_form or InviteForm(),
        "invitations": selectors.survey_invitations(survey=survey),
        "issued": links,
        "now": timezone.now(),
    }
    return render(request, MANAGE, context, status=status)


def _link_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("surveys:respond", args=[token]))


@surveyor_only
def survey_manage(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _manage(request, survey_or_404(survey_id))


@surveyor_only
@require_POST
def survey_invite(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_or_404(survey_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _manage(request, survey, invite_form=form, status=400)
    try:
        issued = services.invitations_issue(
            survey=survey, invitees=form.invitees(), team=form.cleaned_data["team"]
        )
    except services.SurveyError as error:
        form.add_error(None, error.message)
        return _manage(request, survey, invite_form=form, status=400)
    _report_issued(request, issued, send=form.cleaned_data["send_email"], asked=form.invitees())
    return _manage(request, survey, issued=issued)


def _report_issued(
    request: HttpRequest, issued: Sequence[services.IssuedLink], *, send: bool, asked: list
) -> None:
    skipped = len(asked) - len(issued)
    if skipped:
        messages.info(request, f"{skipped} had a link already: use Re-issue to send a new one.")
    if not issued:
        return
    if send:
        urls = {link.invitation.pk: _link_url(request, link.token) for link in issued}
        failed = services.links_send(links=issued, url_for=urls)
        if failed:
            messages.warning(
                request,
                f"The email to {', '.join(failed)} could not be sent: copy their links below.",
            )
        if len(failed) < len(issued):
            messages.success(request, f"{len(issued) - len(failed)} link(s) sent by email.")
    messages.info(request, "Copy the links below now: they are shown this once only.")


@surveyor_only
@require_POST
def invitation_reissue(request: HttpRequest, survey_id: int, invitation_id: int) -> HttpResponse:
    survey = survey_or_404(survey_id)
    invitation = get_object_or_404(Invitation, pk=invitation_id, survey=survey)
    try:
        link = services.invitation_reissue(invitation=invitation)
    except services.SurveyError as error:
        messages.error(request, error.message)
        return redirect("surveys:survey", survey.pk)
    send = request.POST.get("send_email") == "yes"
    _report_issued(request, [link], send=send, asked=[invitation])
    messages.success(request, f"New link for {invitation.name}: the old one no longer works.")
    return _manage(request, survey, issued=[link])


@surveyor_only
@require_POST
def survey_close(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_or_404(survey_id)
    if request.POST.get("confirm") == "yes":
        services.survey_close(survey=survey)
        messages.success(request, f"{survey.title} is closed: its open links no longer work.")
    return redirect("surveys:survey", survey.pk)


@surveyor_only
@require_POST
def question_add(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_or_404(survey_id)
    form = QuestionAddForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(survey=survey, user=request.user, **form.cleaned_data)
        except services.SurveyError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Question added.")
            return redirect(reverse("surveys:survey", args=[survey.pk]) + "#questions")
    return _manage(request, survey, add_form=form, status=400)


@surveyor_only
@require_POST
def question_edit(request: HttpRequest, survey_id: int, question_id: int) -> HttpResponse:
    survey = survey_or_404(survey_id)
    question = get_object_or_404(
        Question.objects.select_related("survey"), pk=question_id, survey=survey
    )
    try:
        if request.POST.get("delete") == "yes":
            services.question_delete(question=question)
            messages.success(request, "Question removed.")
        else:
            form = QuestionEditForm(request.POST, prefix=f"q{question.pk}")
            if not form.is_valid():
                errors = "; ".join(
                    f"{form.fields[name].label}: {' '.join(errs)}"
                    for name, errs in form.errors.items()
                )
                messages.error(request, f"Question not saved. {errors}")
                return redirect(reverse("surveys:survey", args=[survey.pk]) + "#questions")
            services.question_update(question=question, **form.cleaned_data)
            messages.success(request, "Question saved.")
    except services.SurveyError as error:
        messages.error(request, error.message)
    return redirect(reverse("surveys:survey", args=[survey.pk]) + "#questions")


urlpatterns = [
    path("function/surveys/", survey_list, name="survey-list"),
    path("function/surveys/<int:survey_id>/", survey_manage, name="survey"),
    path("function/surveys/<int:survey_id>/invite/", survey_invite, name="survey-invite"),
    path("function/surveys/<int:survey_id>/close/", survey_close, name="survey-close"),
    path("function/surveys/<int:survey_id>/questions/", question_add, name="question-add"),
    path(
        "function/surveys/<int:survey_id>/questions/<int:question_id>/",
        question_edit,
        name="question-edit",
    ),
    path(
        "function/surveys/<int:survey_id>/invitations/<int:invitation_id>/reissue/",
        invitation_reissue,
        name="invitation-reissue",
    ),
]
