"""The career framework pages: the matrix for everyone in the product org, YAML for admins."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from productorg.middleware import takes_upload
from productorg.pages import as_download, form_status
from productorg.people import selectors, services
from productorg.people.framework_forms import (
    FRAMEWORK_FILE_MAX_BYTES,
    FrameworkApplyForm,
    FrameworkUploadForm,
    LevelFilterForm,
)

EXPORT_FILENAME = "productorg-framework.yaml"


def framework(request: HttpRequest) -> HttpResponse:
    form = LevelFilterForm(request.GET)
    matrix = selectors.framework_for(user=request.user, level_code=form.level_code())
    if matrix is None:
        raise Http404
    template = "people/framework/framework.html"
    if request.htmx and not request.htmx.boosted:
        template += "#matrix"
    return render(
        request,
        template,
        {
            "framework": matrix,
            "form": form,
            "can_change": selectors.can_change_framework(user=request.user),
        },
    )


def framework_export(request: HttpRequest) -> HttpResponse:
    if not selectors.can_change_framework(user=request.user):
        raise Http404
    response = HttpResponse(services.framework_export(), content_type="application/yaml")
    return as_download(response, filename=EXPORT_FILENAME)


@takes_upload(lambda: FRAMEWORK_FILE_MAX_BYTES)
def framework_import(request: HttpRequest) -> HttpResponse:
    """Step one: upload a file and see what importing it would change, or what is wrong."""
    if not selectors.can_change_framework(user=request.user):
        raise Http404
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"]
        try:
            context["preview"] = services.framework_import(text=text, dry_run=True)
            context["apply_form"] = FrameworkApplyForm(initial={"text": text})
        except services.FrameworkError as error:
            context["errors"] = error.errors
    status = 400 if context.get("errors") else form_status(request, form)
    return render(request, "people/framework/import.html", context, status=status)


@require_POST
def framework_import_apply(request: HttpRequest) -> HttpResponse:
    """Step two: import the previewed text; any error leaves the framework unchanged."""
    if not selectors.can_change_framework(user=request.user):
        raise Http404
    form = FrameworkApplyForm(request.POST)
    context: dict = {"form": FrameworkUploadForm()}
    if not form.is_valid():
        context["errors"] = [services.FrameworkProblem(None, "The file to apply was lost.")]
        return render(request, "people/framework/import.html", context, status=400)
    try:
        summary = services.framework_import(text=form.cleaned_data["text"])
    except services.FrameworkError as error:
        context["errors"] = error.errors
        return render(request, "people/framework/import.html", context, status=400)
    messages.success(request, f"Framework imported: {summary}.")
    return redirect("people:framework")
