"""Pages that create and change initiatives and objectives, and the small writes on an
initiative's pages: dependencies, milestones and risks.

Who may not change the object (or create one) gets a 404, as for a denied read. Bad input
re-renders the page with the message on the field (400). A save based on an old version
re-renders the user's input with the other person's changes listed (409); the form then
carries the current version, so saving again overwrites deliberately. An htmx request for a
section (dependencies, milestones, risks) gets that section back, always 200 so htmx swaps it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from productorg.accounts import permissions
from productorg.strategy import selectors
from productorg.strategy.editing_forms import (
    Conflict,
    DependencyForm,
    InitiativeEditor,
    MilestoneDoneForm,
    MilestoneForm,
    ObjectiveEditor,
    RiskForm,
)
from productorg.strategy.forms import StatusUpdateForm
from productorg.strategy.models import Dependency, Initiative
from productorg.strategy.selectors import editing as editing_selectors
from productorg.strategy.services import editing as services

INITIATIVE_FORM = "strategy/initiative_form.html"
OBJECTIVE_FORM = "strategy/objective_form.html"
INITIATIVE_DETAIL = "strategy/initiative_detail.html"


def _initiative_or_404(request: HttpRequest, initiative_id: int) -> Initiative:
    initiative = editing_selectors.initiative_for_change(
        user=request.user, initiative_id=initiative_id
    )
    if initiative is None:
        raise Http404
    return initiative


def _status(
    request: HttpRequest, editor: InitiativeEditor | ObjectiveEditor, conflict: Conflict | None
) -> int:
    # htmx swaps only 2xx answers in: a refusal of the htmx-posted form comes back as 200.
    if request.htmx or not editor.form.is_bound:
        return 200
    return 409 if conflict is not None else 400


def _saved(request: HttpRequest, url: str) -> HttpResponse:
    """After a save, to the saved object's page: a full page load even from an htmx post."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


# Initiatives.


def initiative_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_initiative(request.user):
        raise Http404
    editor = InitiativeEditor(request.POST or None, user=request.user)
    if request.method == "POST" and editor.is_valid():
        try:
            initiative = services.initiative_create(
                user=request.user, data=editor.data(), form_token=editor.form_token
            )
        except services.EditingNotAllowed:
            raise Http404 from None
        except services.EditingError as error:
            editor.add_error(error)
        else:
            messages.success(request, f"Initiative “{initiative.title}” saved.")
            return _saved(request, reverse("strategy:initiative-detail", args=[initiative.pk]))
    return render(
        request, INITIATIVE_FORM, {"editor": editor}, status=_status(request, editor, None)
    )


def initiative_edit(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = _initiative_or_404(request, initiative_id)
    editor = InitiativeEditor(request.POST or None, user=request.user, initiative=initiative)
    conflict = None
    if request.method == "POST" and editor.is_valid():
        try:
            saved = services.initiative_update(
                user=request.user,
                initiative=initiative,
                version=editor.version,
                data=editor.data(),
                merge=editor.merged_with,
            )
        except services.StaleEdit as stale:
            conflict = Conflict(stale.message, editor.conflict_with(stale.current))
        except services.EditingNotAllowed:
            raise Http404 from None
        except services.EditingError as error:
            editor.add_error(error)
        else:
            messages.success(request, f"Initiative “{saved.title}” saved.")
            return _saved(request, reverse("strategy:initiative-detail", args=[saved.pk]))
    return _edit_page(request, initiative, editor=editor, conflict=conflict)


def _edit_page(
    request: HttpRequest,
    initiative: Initiative,
    *,
    editor: InitiativeEditor | None = None,
    dependency_form: DependencyForm | None = None,
    conflict: Conflict | None = None,
    status: int | None = None,
) -> HttpResponse:
    editor = editor or InitiativeEditor(None, user=request.user, initiative=initiative)
    context = {
        "editor": editor,
        "initiative": initiative,
        "conflict": conflict,
        "dependency_form": dependency_form
        or DependencyForm(
            candidates=editing_selectors.dependency_candidates(initiative=initiative)
        ),
    }
    return render(
        request, INITIATIVE_FORM, context, status=status or _status(request, editor, conflict)
    )


# Dependencies (on the edit page).


@require_POST
def dependency_add(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = _initiative_or_404(request, initiative_id)
    candidates = editing_selectors.dependency_candidates(initiative=initiative)
    form = DependencyForm(request.POST, candidates=candidates)
    # A repeat first: the first submit took its initiative off the form's list.
    if form.repeat_of(Dependency, user_id=request.user.pk) is not None:
        form = DependencyForm(candidates=candidates)
    elif form.is_valid():
        try:
            services.initiative_dependency_add(
                user=request.user, initiative=initiative, **form.cleaned_data
            )
        except services.EditingError as error:
            form.add_error("depends_on", error.message)
        else:
            form = DependencyForm(candidates=candidates)
            initiative = _initiative_or_404(request, initiative_id)
    return _dependencies_answer(request, initiative, form)


@require_POST
def dependency_remove(request: HttpRequest, initiative_id: int, dependency_id: int) -> HttpResponse:
    initiative = _initiative_or_404(request, initiative_id)
    dependency = get_object_or_404(initiative.dependencies.all(), pk=dependency_id)
    services.initiative_dependency_remove(user=request.user, dependency=dependency)
    initiative = _initiative_or_404(request, initiative_id)
    form = DependencyForm(candidates=editing_selectors.dependency_candidates(initiative=initiative))
    return _dependencies_answer(request, initiative, form)


def _dependencies_answer(
    request: HttpRequest, initiative: Initiative, form: DependencyForm
) -> HttpResponse:
    if request.htmx:
        context = {"initiative": initiative, "dependency_form": form}
        return render(request, f"{INITIATIVE_FORM}#dependencies", context)
    if form.is_bound and form.errors:
        return _edit_page(request, initiative, dependency_form=form, status=400)
    return redirect("strategy:initiative-edit", initiative.pk)


# Milestones and risks (on the detail page).


@require_POST
def milestone_add(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = _initiative_or_404(request, initiative_id)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(user=request.user, initiative=initiative, **form.cleaned_data)
        except services.EditingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            form = MilestoneForm()
    return _section_answer(request, initiative, "milestones", milestone_form=form)


@require_POST
def milestone_done(request: HttpRequest, initiative_id: int, milestone_id: int) -> HttpResponse:
    initiative = _initiative_or_404(request, initiative_id)
    milestone = get_object_or_404(initiative.milestones.all(), pk=milestone_id)
    form = MilestoneDoneForm(request.POST)
    form.is_valid()
    services.milestone_toggle(
        user=request.user, milestone=milestone, done=form.cleaned_data.get("done", False)
    )
    return _section_answer(request, initiative, "milestones")


@require_POST
def risk_add(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = _initiative_or_404(request, initiative_id)
    form = RiskForm(request.POST)
    if form.is_valid():
        try:
            services.risk_add(user=request.user, initiative=initiative, **form.cleaned_data)
        except services.EditingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            form = RiskForm()
    return _section_answer(request, initiative, "risks", risk_form=form)


@require_POST
def risk_close(request: HttpRequest, initiative_id: int, risk_id: int) -> HttpResponse:
    initiative = _initiative_or_404(request, initiative_id)
    risk = get_object_or_404(initiative.risks.all(), pk=risk_id)
    services.risk_close(user=request.user, risk=risk)
    return _section_answer(request, initiative, "risks")


def _section_answer(
    request: HttpRequest, initiative: Initiative, section: str, **section_forms: forms.Form
) -> HttpResponse:
    """The section for htmx; else back to the page, or the page with the form's errors."""
    failed = any(form.is_bound and form.errors for form in section_forms.values())
    # Fresh forms (and one-time tokens) for the sections whose form was not posted.
    section_forms = {"milestone_form": MilestoneForm(), "risk_form": RiskForm(), **section_forms}
    if request.htmx:
        context = {"initiative": initiative, "can_change": True, **section_forms}
        return render(request, f"{INITIATIVE_DETAIL}#{section}", context)
    if not failed:
        return redirect(f"{reverse('strategy:initiative-detail', args=[initiative.pk])}#{section}")
    detail = selectors.initiative_detail(user=request.user, initiative_id=initiative.pk)
    status_form = StatusUpdateForm(
        initial={"date": timezone.localdate(), "health": initiative.health}
    )
    context = {"initiative": detail, "can_change": True, "form": status_form, **section_forms}
    return render(request, INITIATIVE_DETAIL, context, status=400)


# Objectives.


def objective_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_change_strategy(request.user):
        raise Http404
    editor = ObjectiveEditor(request.POST or None)
    if request.method == "POST" and editor.is_valid():
        try:
            objective = services.objective_create(
                user=request.user, data=editor.data(), form_token=editor.form_token
            )
        except services.EditingNotAllowed:
            raise Http404 from None
        except services.EditingError as error:
            editor.add_error(error)
        else:
            messages.success(request, f"Objective “{objective.title}” saved.")
            return _saved(request, _strategy_url(objective.period))
    return render(
        request, OBJECTIVE_FORM, {"editor": editor}, status=_status(request, editor, None)
    )


def objective_edit(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = editing_selectors.objective_for_change(user=request.user, objective_id=objective_id)
    if objective is None:
        raise Http404
    editor = ObjectiveEditor(request.POST or None, objective=objective)
    conflict = None
    if request.method == "POST" and editor.is_valid():
        try:
            saved = services.objective_update(
                user=request.user,
                objective=objective,
                version=editor.version,
                data=editor.data(),
                merge=editor.merged_with,
            )
        except services.StaleEdit as stale:
            conflict = Conflict(stale.message, editor.conflict_with(stale.current))
        except services.EditingNotAllowed:
            raise Http404 from None
        except services.EditingError as error:
            editor.add_error(error)
        else:
            messages.success(request, f"Objective “{saved.title}” saved.")
            return _saved(request, _strategy_url(saved.period))
    context = {"editor": editor, "objective": objective, "conflict": conflict}
    return render(request, OBJECTIVE_FORM, context, status=_status(request, editor, conflict))


def _strategy_url(period: str) -> str:
    return f"{reverse('strategy:strategy')}?{urlencode({'period': period})}"


urlpatterns = [
    path("initiatives/new/", initiative_new, name="initiative-new"),
    path("initiatives/<int:initiative_id>/edit/", initiative_edit, name="initiative-edit"),
    path(
        "initiatives/<int:initiative_id>/dependencies/",
        dependency_add,
        name="initiative-dependency-add",
    ),
    path(
        "initiatives/<int:initiative_id>/dependencies/<int:dependency_id>/remove/",
        dependency_remove,
        name="initiative-dependency-remove",
    ),
    path(
        "initiatives/<int:initiative_id>/milestones/",
        milestone_add,
        name="initiative-milestone-add",
    ),
    path(
        "initiatives/<int:initiative_id>/milestones/<int:milestone_id>/done/",
        milestone_done,
        name="initiative-milestone-done",
    ),
    path("initiatives/<int:initiative_id>/risks/", risk_add, name="initiative-risk-add"),
    path(
        "initiatives/<int:initiative_id>/risks/<int:risk_id>/close/",
        risk_close,
        name="initiative-risk-close",
    ),
    path("strategy/objectives/new/", objective_new, name="objective-new"),
    path("strategy/objectives/<int:objective_id>/edit/", objective_edit, name="objective-edit"),
]
