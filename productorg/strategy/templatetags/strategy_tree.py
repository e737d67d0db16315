"""The strategy tree's initiative lists, built in Python: a large tree lists about a thousand
initiatives, and a template loop over them costs more than the rest of the page together."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from productorg.strategy.selectors import ServingInitiative

register = template.Library()


@register.simple_tag
def serving_initiative_items(
    initiatives: Sequence[ServingInitiative], initiatives_url: str, limit: int
) -> SafeString:
    """`<li>` links to the first `limit` initiatives, each with its team and status."""
    return format_html_join(
        "",
        '<li><a href="{}{}/">{}</a> <small class="muted">{} · {}</small></li>',
        (
            (
                initiatives_url,
                initiative.pk,
                initiative.title,
                initiative.team_name or "no team",
                initiative.status_label,
            )
            for initiative in initiatives[:limit]
        ),
    )
