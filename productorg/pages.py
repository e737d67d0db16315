"""What pages of every app share."""

from __future__ import annotations

from typing import TypeVar

from django.forms import BaseForm, BaseFormSet
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest, HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.text import slugify

ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


def htmx_partial(request: HttpRequest, page: str, partial: str) -> str:
    """The page, or only its swappable region for an htmx request that is not boosted."""
    if request.htmx and not request.htmx.boosted:
        return f"{page}#{partial}"
    return page


def as_download(response: ResponseT, *, filename: str, inline: bool = False) -> ResponseT:
    """The response named `filename`, saved as a file (or shown in the browser with `inline`).

    Django's header builder quotes the name and encodes a non-ASCII one (RFC 6266), so a
    person's or survey's name in the file name never breaks the header."""
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def file_stem(*parts: object) -> str:
    """A file name's stem from its parts: lower case, words joined by dashes, letters of any
    alphabet kept (no slash, quote or dot can reach the name)."""
    return "-".join(filter(None, (slugify(str(part), allow_unicode=True) for part in parts)))


def form_status(request: HttpRequest, *forms: BaseForm | BaseFormSet | None) -> int:
    """The status of an answer showing forms: 400 when one of them was posted and refused, but
    200 to htmx, which swaps only 2xx answers into the page (the refused form is the fragment
    it asked for); 200 for forms drawn fresh."""
    refused = any(form is not None and form.is_bound and not form.is_valid() for form in forms)
    if refused and not request.htmx:
        return 400
    return 200


class FormRenderer(DjangoTemplates):
    """Django's form renderer without the `maxlength` a field's max_length puts on its input.
    A browser cuts pasted text to it silently, so a 10,000-character title arrived as 200 and
    was saved cut; without it the text arrives whole and the form answers with an error that
    names the field and its limit, the text kept for the user to shorten."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if isinstance(widget, dict) and "maxlength" in widget.get("attrs", {}):
            widget["attrs"] = {k: v for k, v in widget["attrs"].items() if k != "maxlength"}
        return super().render(template_name, context, request)
