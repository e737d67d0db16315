"""The process catalog: the list (sortable by health and last review), a process's page,
and the leaders' create, edit and delete."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from productorg.accounts.permissions import can_change_function
from productorg.function import selectors, services
from productorg.function.forms import ProcessForm
from productorg.function.models import Process
from productorg.function.views.common import leaders_only, readers_only
from productorg.pages import htmx_partial

LIST = "function/process_list.html"
FORM = "function/process_form.html"


@readers_only
def process_list(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "health")
    ignored = sort not in selectors.PROCESS_SORTS
    if ignored:
        sort = "health"
    context = {
        "rows": selectors.processes_for(user=request.user, sort=sort),
        "sort": sort,
        "sorts": selectors.PROCESS_SORTS,
        "ignored": ignored,
        "review_days": selectors.REVIEW_DUE_AFTER_DAYS,
        "can_change": can_change_function(request.user),
    }
    return render(request, htmx_partial(request, LIST, "catalog"), context)


@readers_only
def process_detail(request: HttpRequest, process_id: int) -> HttpResponse:
    row = selectors.process_for(user=request.user, process_id=process_id)
    if row is None:
        raise Http404
    context = {
        "row": row,
        "process": row.process,
        "improvements": selectors.process_improvements(user=request.user, process=row.process),
        "review_days": selectors.REVIEW_DUE_AFTER_DAYS,
        "can_change": can_change_function(request.user),
    }
    return render(request, "function/process_detail.html", context)


@leaders_only
def process_new(request: HttpRequest) -> HttpResponse:
    form = ProcessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            process = services.process_create(
                user=request.user,
                form_token=form.cleaned_data["form_token"],
                **form.values(),
            )
        except services.FunctionNotAllowed:
            raise Http404 from None
        except services.FunctionError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Process “{process.name}” added to the catalog.")
            return redirect("function:process-detail", process.pk)
    return _form_page(request, form, None)


@leaders_only
def process_edit(request: HttpRequest, process_id: int) -> HttpResponse:
    process = get_object_or_404(Process, pk=process_id)
    form = ProcessForm(request.POST or None, instance=process)
    if request.method == "POST" and form.is_valid():
        try:
            process = services.process_update(user=request.user, process=process, **form.values())
        except services.FunctionNotAllowed:
            raise Http404 from None
        except services.FunctionError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Process “{process.name}” saved.")
            return redirect("function:process-detail", process.pk)
    return _form_page(request, form, process)


def _form_page(request: HttpRequest, form: ProcessForm, process: Process | None) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, FORM, {"form": form, "process": process}, status=status)


@leaders_only
def process_delete(request: HttpRequest, process_id: int) -> HttpResponse:
    process = get_object_or_404(Process, pk=process_id)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        name = process.name
        services.process_delete(user=request.user, process=process)
        messages.success(request, f"Process “{name}” taken out of the catalog.")
        return redirect("function:process-list")
    return render(request, "function/process_delete.html", {"process": process})


urlpatterns = [
    path("function/processes/", process_list, name="process-list"),
    path("function/processes/new/", process_new, name="process-new"),
    path("function/processes/<int:process_id>/", process_detail, name="process-detail"),
    path("function/processes/<int:process_id>/edit/", process_edit, name="process-edit"),
    path("function/processes/<int:process_id>/delete/", process_delete, name="process-delete"),
]
