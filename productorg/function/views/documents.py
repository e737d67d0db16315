"""The function's charter and vision: the current version, its history, any version, the
diff of two, and the editor that saves a new version.

A save based on a version someone else has replaced is refused (409) with the user's text
kept and the difference from the saved version shown; the form then carries the current
version, so saving again replaces theirs deliberately.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, register_converter

from productorg.accounts.permissions import can_change_function
from productorg.function import selectors, services
from productorg.function.forms import DiffForm, DocumentForm
from productorg.function.models import DocumentKind
from productorg.function.views.common import DocumentKindConverter, leaders_only, readers_only

register_converter(DocumentKindConverter, "function_document")


def _label(kind: str) -> str:
    return DocumentKind(kind).label


@readers_only
def document_detail(request: HttpRequest, kind: str) -> HttpResponse:
    current = selectors.document_current(user=request.user, kind=kind)
    history = selectors.document_history(user=request.user, kind=kind)
    context = {
        "kind": kind,
        "label": _label(kind),
        "version": current,
        "history": history,
        "is_current": True,
        "can_change": can_change_function(request.user),
    }
    return render(request, "function/document.html", context)


@readers_only
def document_version(request: HttpRequest, kind: str, number: int) -> HttpResponse:
    version = selectors.document_version(user=request.user, kind=kind, number=number)
    if version is None:
        raise Http404
    history = selectors.document_history(user=request.user, kind=kind)
    context = {
        "kind": kind,
        "label": _label(kind),
        "version": version,
        "history": history,
        "is_current": bool(history) and history[0].number == version.number,
        "can_change": can_change_function(request.user),
    }
    return render(request, "function/document.html", context)


@readers_only
def document_diff(request: HttpRequest, kind: str) -> HttpResponse:
    history = selectors.document_history(user=request.user, kind=kind)
    # Without a choice, the newest version against the one before it.
    defaults = {"older": history[1].number, "newer": history[0].number} if len(history) > 1 else {}
    form = DiffForm(request.GET or defaults)
    diff = None
    status = 200
    if form.is_bound and form.is_valid():
        older, newer = sorted([form.cleaned_data["older"], form.cleaned_data["newer"]])
        diff = selectors.document_diff(
            user=request.user, kind=kind, older_number=older, newer_number=newer
        )
        if diff is None:
            form.add_error(None, f"The {_label(kind).lower()} has no such version.")
    if form.errors:
        status = 400
    context = {"kind": kind, "label": _label(kind), "form": form, "diff": diff, "history": history}
    return render(request, "function/document_diff.html", context, status=status)


@leaders_only
def document_edit(request: HttpRequest, kind: str) -> HttpResponse:
    current = selectors.document_current(user=request.user, kind=kind)
    initial = {
        "body": current.body if current else "",
        "based_on": current.number if current else 0,
    }
    form = DocumentForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            version, created = services.document_save(
                user=request.user, kind=kind, **form.cleaned_data
            )
        except services.StaleDocument as stale:
            conflict = _conflict(stale, form.cleaned_data["body"])
            form = DocumentForm(
                {
                    "body": form.cleaned_data["body"],
                    "based_on": stale.current.number,
                    "form_token": form.cleaned_data["form_token"],
                }
            )
        except services.FunctionNotAllowed:
            raise Http404 from None
        except services.FunctionError as error:
            form.add_service_error(error)
        else:
            if created:
                messages.success(request, f"{_label(kind)} saved as version {version.number}.")
            else:
                messages.info(request, "Nothing changed, so no new version was made.")
            return redirect("function:document", kind)
    status = 409 if conflict else (400 if form.is_bound and form.errors else 200)
    context = {
        "kind": kind,
        "label": _label(kind),
        "form": form,
        "current": current,
        "conflict": conflict,
    }
    return render(request, "function/document_edit.html", context, status=status)


def _conflict(stale: services.StaleDocument, yours: str) -> dict:
    """What the conflict notice shows: the message, and how your text differs from theirs."""
    return {
        "message": stale.message,
        "current": stale.current,
        "lines": selectors.text_diff(older=stale.current.body, newer=yours),
    }


urlpatterns = [
    path("function/<function_document:kind>/", document_detail, name="document"),
    path("function/<function_document:kind>/edit/", document_edit, name="document-edit"),
    path("function/<function_document:kind>/diff/", document_diff, name="document-diff"),
    path(
        "function/<function_document:kind>/versions/<int:number>/",
        document_version,
        name="document-version",
    ),
]
