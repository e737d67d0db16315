"""What pages of every app share."""

from __future__ import annotations

from django.forms import BaseForm, BaseFormSet
from django.forms.renderers import DjangoTemplates
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
