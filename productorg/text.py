"""User text made inert: Markdown rendered to safe HTML (the one way user text becomes HTML),
and spreadsheet cells that would run as formulas.

Registered as a template builtin, so every template can say `{{ note.text|markdown }}`.
"""

from __future__ import annotations

from typing import Any

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"align"}, "th": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


@register.filter(name="markdown")
def render_markdown(text: str | None) -> SafeString:
    """Markdown to HTML with scripts, event handlers, styles and javascript: links removed."""
    html = markdown_lib.markdown(text or "", extensions=["extra", "sane_lists", "nl2br"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 (ammonia) just above


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, with a leading `'`; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
