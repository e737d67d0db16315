from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from productorg.accounts import permissions
from productorg.pages import form_status
from productorg.paging import page_of
from productorg.strategy import selectors, services
from productorg.strategy.editing_forms import MilestoneForm, RiskForm
from productorg.strategy.forms import (
    InitiativeFilterForm,
    KeyResultRecordForm,
    StatusUpdateForm,
    VisionForm,
)
from productorg.strategy.models import KeyResult
from productorg.strategy.services import editing

INITIATIVES_PER_PAGE = 50


def key_results_url() -> str:
    """Where key results are recorded, without the id: a tree renders hundreds of rows."""
    return reverse("strategy:key-result-record", args=[0]).removesuffix("0/")


def initiative_list(request: HttpRequest) -> HttpResponse:
    form = InitiativeFilterForm(request.GET)
    initiatives = selectors.initiatives_filtered(user=request.user, **form.filters())
    page = page_of(initiatives, INITIATIVES_PER_PAGE, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "strategy/initiative_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "ignored": form.ignored(),
            "query": query.urlencode(),
            "can_create": permissions.can_create_initiative(request.user),
        },
    )


def initiative_detail(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = selectors.initiative_detail(user=request.user, initiative_id=initiative_id)
    if initiative is None:
        raise Http404
    can_change = permissions.can_change_initiative(request.user, initiative)
    form = StatusUpdateForm(
        request.POST or None,
        initial={"date": timezone.localdate(), "health": initiative.health},
    )
    if request.method == "POST":
        if not can_change:
            raise Http404
        if form.is_valid():
            editing.status_update_post_once(
                user=request.user,
                initiative=initiative,
                author=permissions.person_of(request.user),
                **form.cleaned_data,
            )
            messages.success(request, "Status update posted.")
            return redirect("strategy:initiative-detail", initiative.pk)
    return render(
        request,
        "strategy/initiative_detail.html",
        {
            "initiative": initiative,
            "can_change": can_change,
            "form": form,
            "milestone_form": MilestoneForm(),
            "risk_form": RiskForm(),
        },
        status=form_status(request, form),
    )


def strategy(request: HttpRequest) -> HttpResponse:
    tree = selectors.strategy_tree(user=request.user, period=request.GET.get("period"))
    if tree is None:
        raise Http404
    return render(
        request,
        "strategy/strategy.html",
        {
            "tree": tree,
            "can_change": permissions.can_change_strategy(request.user),
            # A large tree links a thousand initiatives: one reverse() instead of one each.
            "initiatives_url": reverse("strategy:initiative-list"),
            "key_results_url": key_results_url(),
        },
    )


def objective_detail(request: HttpRequest, objective_id: int) -> HttpResponse:
    node = selectors.objective_node(user=request.user, objective_id=objective_id)
    if node is None:
        raise Http404
    context = {
        "node": node,
        "can_change": permissions.can_change_strategy(request.user),
        "initiatives_url": reverse("strategy:initiative-list"),
        "key_results_url": key_results_url(),
    }
    if request.htmx:
        # The tree asks for a closed objective's body when it is opened.
        return render(request, "strategy/objective_body.html", {**context, "depth": 1})
    return render(request, "strategy/objective_detail.html", context)


def vision_edit(request: HttpRequest) -> HttpResponse:
    if not permissions.can_change_strategy(request.user):
        raise Http404
    current = selectors.strategy_tree(user=request.user).vision
    form = VisionForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        services.vision_update(
            text=form.cleaned_data["text"],
            author=permissions.person_of(request.user),
            user=request.user,
            form_token=form.cleaned_data["form_token"],
        )
        messages.success(request, "The vision is saved; the earlier version is in its history.")
        return redirect("strategy:strategy")
    history = selectors.vision_history(user=request.user)
    context = {"form": form, "history": history}
    return render(request, "strategy/vision_edit.html", context, status=form_status(request, form))


@require_POST
def key_result_record(request: HttpRequest, key_result_id: int) -> HttpResponse:
    if not permissions.can_change_strategy(request.user):
        raise Http404
    key_result = get_object_or_404(KeyResult, pk=key_result_id)
    form = KeyResultRecordForm(request.POST)
    if form.is_valid():
        services.key_result_record(key_result=key_result, current=form.cleaned_data["current"])
    if not request.htmx:
        if not form.is_valid():
            messages.error(request, f"{key_result.metric}: enter the current value as a number.")
        return redirect("strategy:strategy")
    # htmx swaps only 2xx answers: the row comes back with the error shown in it.
    return render(
        request,
        "strategy/key_result_row.html",
        {
            "key_result": key_result,
            "can_change": True,
            "form": form,
            "key_results_url": key_results_url(),
        },
    )
