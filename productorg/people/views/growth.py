"""Pages of growth: my growth, a person's growth, assessments, growth plans and feedback.

What the user may not read answers 404; what they may read but not change answers 403 with
the service's reason; a growth-plan save based on an old version answers 409 with the current
plan and the user's input kept. An htmx request gets the plan fragment (always 200, so htmx
swaps it in and the message shows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from productorg.people.growth_forms import (
    AssessmentForm,
    AssessmentStartForm,
    FeedbackForm,
    GrowthActionDoneForm,
    GrowthActionForm,
    GrowthGoalDeleteForm,
    GrowthGoalForm,
    GrowthGoalStatusForm,
    GrowthPlanCreateForm,
    GrowthPlanForm,
    add_growth_error,
)
from productorg.people.models import Assessment, GrowthPlan, Rating
from productorg.people.selectors import growth as selectors
from productorg.people.services import growth as services
from productorg.reports import charts


def _status_for(error: services.GrowthError) -> int:
    if isinstance(error, services.GrowthNotAllowed):
        return 403
    if isinstance(error, services.AssessmentLocked | services.StaleGrowthPlan):
        return 409
    return 400


# My growth and a person's growth.


def my_growth(request: HttpRequest) -> HttpResponse:
    person_id = selectors.my_person_id(user=request.user)
    if person_id is None:
        raise Http404
    return _growth_page(request, person_id)


def growth(request: HttpRequest, person_id: int) -> HttpResponse:
    return _growth_page(request, person_id)


def _growth_page(
    request: HttpRequest,
    person_id: int,
    *,
    start_form: forms.Form | None = None,
    plan_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    overview = selectors.growth_overview(user=request.user, person_id=person_id)
    if overview is None:
        raise Http404
    level_name = overview.person.level.name
    series = [
        charts.RadarSeries(
            f"Expected at {level_name} (meets)",
            # Nothing to meet where the level expects nothing: no point on that axis.
            [Rating.Score.MEETS if row.expected else None for row in overview.rows],
            colour=charts.RADAR_REFERENCE_COLOUR,
            reference=True,
        )
    ]
    for label, assessment, colour, attribute in (
        ("Self-assessment", overview.self_assessment, charts.RADAR_COLOURS[0], "self_score"),
        ("Manager", overview.manager_assessment, charts.RADAR_COLOURS[1], "manager_score"),
    ):
        if assessment is not None:
            scores = [getattr(row, attribute) for row in overview.rows]
            series.append(charts.RadarSeries(label, scores, colour=colour))
    chart = charts.radar_chart(
        overview.competency_names,
        series,
        scale_labels=selectors.SCORE_WORDS,
        title=f"{overview.person.name}: latest ratings against the {level_name} expectation",
    )
    context = {
        "overview": overview,
        "chart": chart,
        "start_form": start_form,
        "plan_form": plan_form
        or GrowthPlanCreateForm(initial={"target_level": overview.next_level}),
    }
    return render(request, "people/growth/growth.html", context, status=status)


# Assessments.


@require_POST
def assessment_start(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.growth_person(user=request.user, person_id=person_id)
    if person is None:
        raise Http404
    form = AssessmentStartForm(request.POST)
    if not form.is_valid():
        return _growth_page(request, person_id, start_form=form, status=400)
    try:
        assessment = services.assessment_start(
            user=request.user,
            person=person,
            kind=form.cleaned_data["kind"],
            peer=form.cleaned_data["peer"],
        )
    except services.GrowthError as error:
        add_growth_error(form, error)
        return _growth_page(request, person_id, start_form=form, status=_status_for(error))
    if assessment.kind == Assessment.Kind.PEER:
        messages.success(
            request,
            f"Asked {assessment.author.name} for a peer assessment of {person.name}; "
            "it waits on their My growth page.",
        )
        return redirect("people:growth", person_id=person.pk)
    return redirect("people:assessment", assessment_id=assessment.pk)


def assessment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    detail = selectors.assessment_detail(user=request.user, assessment_id=assessment_id)
    if detail is None:
        raise Http404
    form = AssessmentForm(request.POST or None, rows=detail.rows, summary=detail.assessment.summary)
    status = 200
    if request.method == "POST":
        # A user who may not edit gets the service's reason, whatever they sent.
        if form.is_valid() or not detail.can_edit:
            try:
                services.assessment_rate(
                    user=request.user,
                    assessment=detail.assessment,
                    ratings=form.ratings(),
                    summary=form.cleaned_data.get("summary", ""),
                )
                if "submit" in request.POST:
                    services.assessment_submit(user=request.user, assessment=detail.assessment)
            except services.GrowthError as error:
                add_growth_error(form, error)
                status = _status_for(error)
            else:
                submitted = detail.assessment.status == Assessment.Status.SUBMITTED
                messages.success(request, "Submitted." if submitted else "Draft saved.")
                return redirect("people:assessment", assessment_id=assessment_id)
        else:
            status = 400
    return render(
        request, "people/growth/assessment.html", {"detail": detail, "form": form}, status=status
    )


# Growth plans.


@require_POST
def growth_plan_create(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.growth_person(user=request.user, person_id=person_id)
    if person is None:
        raise Http404
    form = GrowthPlanCreateForm(
        request.POST, target_levels=selectors.target_levels_for(person=person)
    )
    if not form.is_valid():
        return _growth_page(request, person_id, plan_form=form, status=400)
    try:
        plan = services.growth_plan_create(user=request.user, person=person, **form.cleaned_data)
    except services.GrowthError as error:
        add_growth_error(form, error)
        return _growth_page(request, person_id, plan_form=form, status=_status_for(error))
    return redirect("people:growth-plan", plan_id=plan.pk)


@dataclass
class GoalForms:
    goal: selectors.GoalView
    status_form: forms.Form
    action_form: forms.Form
    seen: str = ""  # what the remove form says the page showed


@dataclass
class PlanForms:
    """The forms of a plan page; the one that failed keeps the user's input."""

    plan_form: forms.Form
    goal_form: forms.Form
    goals: list[GoalForms] = field(default_factory=list)


def _plan_forms(view: selectors.GrowthPlanView, failed: forms.Form | None, failed_on: object):
    plan, version = view.plan, view.plan.version
    target_levels = selectors.target_levels_for(person=plan.person)

    def keep(form_class: type[forms.Form], anchor: object, initial: dict, **kwargs) -> forms.Form:
        if type(failed) is form_class and anchor == failed_on:
            # The user's input stays; only the version moves on, so saving again is possible.
            data = failed.data.copy()
            data["version"] = str(version)
            if form_class is GrowthPlanForm:  # and what it saw moves on with it
                data["seen"] = GrowthPlanForm.seen_of(plan)
            kept = form_class(data, **kwargs)
            kept.is_valid()
            for name, errors in failed.errors.items():
                for error in errors:
                    if error not in kept.errors.get(name, []):
                        kept.add_error(name if name != "__all__" else None, error)
            return kept
        return form_class(initial={"version": version, **initial}, **kwargs)

    return PlanForms(
        plan_form=keep(
            GrowthPlanForm,
            plan.pk,
            {
                "target_level": plan.target_level,
                "status": plan.status,
                "summary": plan.summary,
                "seen": GrowthPlanForm.seen_of(plan),
            },
            target_levels=target_levels,
        ),
        goal_form=keep(GrowthGoalForm, "new-goal", {}),
        goals=[
            GoalForms(
                goal=goal,
                status_form=keep(GrowthGoalStatusForm, goal.goal.pk, {"status": goal.goal.status}),
                action_form=keep(GrowthActionForm, goal.goal.pk, {}),
                seen=services.growth_goal_fingerprint(goal=goal.goal, actions=goal.actions),
            )
            for goal in view.goals
        ],
    )


def _plan_page(
    request: HttpRequest,
    plan_id: int,
    *,
    failed: forms.Form | None = None,
    failed_on: object = None,
    error: services.GrowthError | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    view = selectors.growth_plan_detail(user=request.user, plan_id=plan_id)
    if view is None:
        raise Http404
    context = {
        "view": view,
        "forms": _plan_forms(view, failed, failed_on),
        "error": error,
        "notice": notice,
    }
    template = "people/growth/growth_plan.html"
    if request.htmx:
        return render(request, f"{template}#plan", context)
    return render(request, template, context, status=status)


def growth_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    view = selectors.growth_plan_detail(user=request.user, plan_id=plan_id)
    if view is None:
        raise Http404
    if request.method != "POST":
        return _plan_page(request, plan_id)
    form = GrowthPlanForm(
        request.POST, target_levels=selectors.target_levels_for(person=view.plan.person)
    )
    return _plan_edit(
        request,
        view.plan,
        form,
        anchor=view.plan.pk,
        save=lambda data: services.growth_plan_update(user=request.user, plan=view.plan, **data),
    )


def _plan_edit(
    request: HttpRequest,
    plan: GrowthPlan,
    form: forms.Form,
    *,
    anchor: object,
    save: Callable[[dict], object],
) -> HttpResponse:
    """Validate, save through the service, and answer with the plan as it is now."""
    error: services.GrowthError | None = None
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except services.GrowthError as refusal:
            error = refusal
            if refusal.field:
                add_growth_error(form, refusal)
        else:
            if request.htmx:
                return _plan_page(request, plan.pk, notice="Saved.")
            messages.success(request, "Saved.")
            return redirect("people:growth-plan", plan_id=plan.pk)
    status = _status_for(error) if error else 400
    return _plan_page(request, plan.pk, failed=form, failed_on=anchor, error=error, status=status)


@require_POST
def growth_goal_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    view = selectors.growth_plan_detail(user=request.user, plan_id=plan_id)
    if view is None:
        raise Http404
    return _plan_edit(
        request,
        view.plan,
        GrowthGoalForm(request.POST),
        anchor="new-goal",
        save=lambda data: services.growth_goal_add(user=request.user, plan=view.plan, **data),
    )


@require_POST
def growth_goal_status(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = selectors.growth_goal_readable(user=request.user, goal_id=goal_id)
    if goal is None:
        raise Http404
    return _plan_edit(
        request,
        goal.plan,
        GrowthGoalStatusForm(request.POST),
        anchor=goal.pk,
        save=lambda data: services.growth_goal_set_status(user=request.user, goal=goal, **data),
    )


@require_POST
def growth_goal_delete(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = selectors.growth_goal_readable(user=request.user, goal_id=goal_id)
    if goal is None:
        raise Http404
    return _plan_edit(
        request,
        goal.plan,
        GrowthGoalDeleteForm(request.POST),
        anchor=goal.pk,
        save=lambda data: services.growth_goal_delete(user=request.user, goal=goal, **data),
    )


@require_POST
def growth_action_add(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = selectors.growth_goal_readable(user=request.user, goal_id=goal_id)
    if goal is None:
        raise Http404
    return _plan_edit(
        request,
        goal.plan,
        GrowthActionForm(request.POST),
        anchor=goal.pk,
        save=lambda data: services.growth_action_add(user=request.user, goal=goal, **data),
    )


@require_POST
def growth_action_done(request: HttpRequest, action_id: int) -> HttpResponse:
    action = selectors.growth_action_readable(user=request.user, action_id=action_id)
    if action is None:
        raise Http404
    return _plan_edit(
        request,
        action.goal.plan,
        GrowthActionDoneForm(request.POST),
        anchor=action.pk,
        save=lambda data: services.growth_action_set_done(user=request.user, action=action, **data),
    )


@require_POST
def growth_goal_agenda(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = selectors.growth_goal_readable(user=request.user, goal_id=goal_id)
    if goal is None:
        raise Http404
    try:
        item = services.growth_goal_to_agenda(user=request.user, goal=goal)
    except services.GrowthError as error:
        return _plan_page(request, goal.plan_id, error=error, status=_status_for(error))
    notice = f"“{goal.title}” is on the agenda of the 1:1 on {date_format(item.meeting.date)}."
    if request.htmx:
        return _plan_page(request, goal.plan_id, notice=notice)
    messages.success(request, notice)
    return redirect("people:growth-plan", plan_id=goal.plan_id)


# Feedback.


def feedback(request: HttpRequest) -> HttpResponse:
    page = selectors.feedback_page(user=request.user)
    if page is None:
        raise Http404
    recipients = selectors.feedback_recipients(user=request.user)
    form = FeedbackForm(
        request.POST or None, recipients=recipients, initial={"recipient": request.GET.get("to")}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                given = services.feedback_give(user=request.user, **form.cleaned_data)
            except services.GrowthError as error:
                add_growth_error(form, error)
            else:
                messages.success(request, f"Your feedback for {given.recipient.name} is saved.")
                return redirect("people:feedback")
    context = {"page": page, "form": form}
    return render(request, "people/growth/feedback.html", context, status=status)
