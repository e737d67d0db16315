"""What pages of every app share."""

from __future__ import annotations

from django.forms import BaseForm, BaseFormSet
from django.http import HttpRequest


def htmx_partial(request: HttpRequest, page: str, partial: str) -> str:
    """The page, or only its swappable region for an htmx request that is not boosted."""
    if request.htmx and not request.htmx.boosted:
        return f"{page}#{partial}"
    return page


def form_status(request: HttpRequest, *forms: BaseForm | BaseFormSet | None) -> int:
    """The status of an answer showing forms: 400 when one of them was posted and refused, but
    200 to htmx, which swaps only 2xx answers into the page (the refused form is the fragment
    it asked for); 200 for forms drawn fresh."""
    refused = any(form is not None and form.is_bound and not form.is_valid() for form in forms)
    if refused and not request.htmx:
        return 400
    return 200
