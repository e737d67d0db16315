"""The function's improvement backlog (filtered by status and kind), its roadmap by quarter,
and the leaders' create, edit and delete of an improvement."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from productorg.accounts.permissions import can_change_function
from productorg.function import selectors, services
from productorg.function.forms import BacklogFilterForm, ImprovementForm
from productorg.function.models import Improvement
from productorg.function.views.common import leaders_only, readers_only
from productorg.pages import htmx_partial

BACKLOG = "function/improvement_list.html"
FORM = "function/improvement_form.html"


@readers_only
def improvement_list(request: HttpRequest) -> HttpResponse:
    filters = BacklogFilterForm(request.GET)
    chosen = filters.filters()
    context = {
        "improvements": selectors.improvements_for(user=request.user, **chosen),
        "filters": filters,
        "filtered": any(chosen.values()),
        "ignored": filters.ignored(),
        "can_change": can_change_function(request.user),
    }
    return render(request, htmx_partial(request, BACKLOG, "backlog"), context)


@readers_only
def function_roadmap(request: HttpRequest) -> HttpResponse:
    context = {
        "roadmap": selectors.function_roadmap(user=request.user),
        "can_change": can_change_function(request.user),
    }
    return render(request, "function/roadmap.html", context)


@leaders_only
def improvement_new(request: HttpRequest) -> HttpResponse:
    initial = {"quarter": request.GET.get("quarter", "")[:7]}
    form = ImprovementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            improvement = services.improvement_create(
                user=request.user,
                form_token=form.cleaned_data["form_token"],
                **form.values(),
            )
        except services.FunctionNotAllowed:
            raise Http404 from None
        except services.FunctionError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Improvement “{improvement.title}” added to the backlog.")
            return redirect("function:improvement-list")
    return _form_page(request, form, None)


@leaders_only
def improvement_edit(request: HttpRequest, improvement_id: int) -> HttpResponse:
    improvement = get_object_or_404(Improvement, pk=improvement_id)
    form = ImprovementForm(request.POST or None, instance=improvement)
    if request.method == "POST" and form.is_valid():
        try:
            improvement = services.improvement_update(
                user=request.user, improvement=improvement, **form.values()
            )
        except services.FunctionNotAllowed:
            raise Http404 from None
        except services.FunctionError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Improvement “{improvement.title}” saved.")
            return redirect("function:improvement-list")
    return _form_page(request, form, improvement)


def _form_page(
    request: HttpRequest, form: ImprovementForm, improvement: Improvement | None
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, FORM, {"form": form, "improvement": improvement}, status=status)


@leaders_only
def improvement_delete(request: HttpRequest, improvement_id: int) -> HttpResponse:
    improvement = get_object_or_404(Improvement, pk=improvement_id)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        title = improvement.title
        services.improvement_delete(user=request.user, improvement=improvement)
        messages.success(request, f"Improvement “{title}” deleted from the backlog.")
        return redirect("function:improvement-list")
    return render(request, "function/improvement_delete.html", {"improvement": improvement})


urlpatterns = [
    path("function/improvements/", improvement_list, name="improvement-list"),
    path("function/improvements/new/", improvement_new, name="improvement-new"),
    path(
        "function/improvements/<int:improvement_id>/edit/",
        improvement_edit,
        name="improvement-edit",
    ),
    path(
        "function/improvements/<int:improvement_id>/delete/",
        improvement_delete,
        name="improvement-delete",
    ),
    path("function/roadmap/", function_roadmap, name="improvement-roadmap"),
]
