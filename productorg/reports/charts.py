"""Server-rendered SVG charts: the same markup on a page and in a PDF report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from productorg.strategy.selectors import CategoryShare

# One colour per work category, readable for the common colour-vision deficiencies
# (Okabe-Ito palette).
CATEGORY_COLOURS = {
    "feature": "#0072B2",
    "growth": "#009E73",
    "scaling": "#E69F00",
    "pmf_expansion": "#CC79A7",
}


def category_share_bars(shares: Sequence[CategoryShare], *, width: int = 520) -> SafeString:
    """Horizontal bars of each work category's share of effort, labelled with % and weeks."""
    row_height, label_width, gap = 28, 220, 8
    bar_space = width - label_width - 120
    height = len(shares) * (row_height + gap) + gap
    rows = []
    for index, share in enumerate(shares):
        y = gap + index * (row_height + gap)
        bar = round(bar_space * share.share, 1)
        rows.append(
            (
                y + row_height / 2 + 5,
                share.category.label,
                label_width,
                y,
                bar,
                row_height,
                CATEGORY_COLOURS[share.category.value],
                share.category.label,
                round(share.share * 100),
                share.effort,
                label_width + bar + 8,
                y + row_height / 2 + 5,
                round(share.share * 100),
                f"{share.effort:,.0f}",
            )
        )
    body = format_html_join(
        "",
        '<text x="0" y="{}" class="chart-label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="3">'
        "<title>{}: {}% ({} person-weeks)</title></rect>"
        '<text x="{}" y="{}" class="chart-value">{}% · {} pw</text>',
        rows,
    )
    total = sum(share.effort for share in shares)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'class="chart" aria-label="Share of active effort by work category, {} person-weeks in '
        'all">{}</svg>',
        width,
        height,
        f"{total:,.0f}",
        body,
    )
