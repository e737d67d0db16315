"""Server-rendered SVG charts: the same markup on a page and in a PDF report."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
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


# Okabe-Ito colours for the series of a radar chart: self, manager, peer; the level
# expectation is drawn in black, dashed, so it reads as a reference line and not a rating.
RADAR_COLOURS = ("#0072B2", "#D55E00", "#CC79A7", "#009E73")
RADAR_REFERENCE_COLOUR = "#000000"
# Characters per line of an axis label before it wraps.
RADAR_LABEL_WIDTH = 22


@dataclass(frozen=True)
class RadarSeries:
    """One polygon of a radar chart: a value per axis (None where there is none)."""

    label: str
    values: Sequence[float | None]
    colour: str = RADAR_COLOURS[0]
    reference: bool = False


def radar_chart(
    axes: Sequence[str],
    series: Sequence[RadarSeries],
    *,
    scale_max: int = 4,
    scale_labels: Sequence[str] = (),
    title: str = "Ratings by competency",
    size: int = 560,
) -> SafeString:
    """A radar (spider) chart: one axis per label, rings 1..scale_max, a polygon per series.

    A missing value sits at the centre and gets no point, so a partial assessment still draws.
    """
    label_room = 160
    centre_x, centre_y = size / 2 + label_room, size / 2
    radius = size / 2 - 40
    width = size + 2 * label_room
    legend_y = size + 10
    height = legend_y + 24 * max(1, len(series)) + 10

    def point(axis: int, value: float) -> tuple[float, float]:
        # Axis 0 points straight up; the rest follow clockwise.
        angle = -math.pi / 2 + 2 * math.pi * axis / max(1, len(axes))
        distance = radius * max(0.0, min(value, scale_max)) / scale_max
        return (
            round(centre_x + distance * math.cos(angle), 1),
            round(centre_y + distance * math.sin(angle), 1),
        )

    def polygon_points(values: Sequence[float]) -> str:
        return " ".join(f"{x},{y}" for x, y in (point(i, v) for i, v in enumerate(values)))

    rings = format_html_join(
        "",
        '<polygon points="{}" fill="none" stroke="#ccc" stroke-width="1" class="radar-ring"/>'
        '<text x="{}" y="{}" class="chart-value" font-size="11" fill="#666">{}</text>',
        (
            (
                polygon_points([ring] * len(axes)),
                centre_x + 4,
                round(centre_y - radius * ring / scale_max + 12, 1),
                ring,
            )
            for ring in range(1, scale_max + 1)
        ),
    )
    axis_lines = []
    for index, name in enumerate(axes):
        end_x, end_y = point(index, scale_max)
        label_x, label_y = point(index, scale_max * 1.08)
        anchor = "middle" if abs(label_x - centre_x) < 5 else "start"
        if label_x < centre_x - 5:
            anchor = "end"
        # Long names wrap onto a second line; labels above the centre grow upward.
        lines = textwrap.wrap(name, RADAR_LABEL_WIDTH) or [""]
        first_line = label_y + (12 if label_y > centre_y + 5 else 4)
        if label_y < centre_y - 5:
            first_line = label_y - 2 - 14 * (len(lines) - 1)
        tspans = format_html_join(
            "",
            '<tspan x="{}" y="{}">{}</tspan>',
            (
                (label_x, round(first_line + 14 * number, 1), line)
                for number, line in enumerate(lines)
            ),
        )
        axis_lines.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#bbb" stroke-width="1" '
                'class="radar-axis"/><text text-anchor="{}" class="chart-label" font-size="12">'
                "<title>{}</title>{}</text>",
                centre_x,
                centre_y,
                end_x,
                end_y,
                anchor,
                name,
                tspans,
            )
        )
    shapes = []
    for entry in series:
        values = [value or 0 for value in entry.values]
        described = "; ".join(
            f"{name} {'—' if value is None else _number(value)}"
            for name, value in zip(axes, entry.values, strict=False)
        )
        dots = format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="3.5" fill="{}"><title>{}: {} {}</title></circle>',
            (
                (
                    *point(i, value),
                    entry.colour,
                    entry.label,
                    axes[i],
                    _scale_word(value, scale_labels),
                )
                for i, value in enumerate(entry.values)
                if value is not None and not entry.reference
            ),
        )
        shapes.append(
            format_html(
                '<g class="radar-series"><polygon points="{}" fill="{}" fill-opacity="{}" '
                'stroke="{}" stroke-width="2"{}><title>{}: {}</title></polygon>{}</g>',
                polygon_points(values),
                entry.colour,
                "0" if entry.reference else "0.12",
                entry.colour,
                format_html(' stroke-dasharray="{}"', "6 4") if entry.reference else "",
                entry.label,
                described,
                dots,
            )
        )
    legend = format_html_join(
        "",
        '<g class="radar-legend"><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
        'stroke-width="3"{}/><text x="{}" y="{}" class="chart-label" font-size="13">{}</text></g>',
        (
            (
                label_room,
                legend_y + 24 * index + 8,
                label_room + 28,
                legend_y + 24 * index + 8,
                entry.colour,
                format_html(' stroke-dasharray="{}"', "6 4") if entry.reference else "",
                label_room + 36,
                legend_y + 24 * index + 13,
                entry.label,
            )
            for index, entry in enumerate(series)
        ),
    )
    summary = ", ".join(entry.label for entry in series) or "no ratings yet"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'class="chart radar-chart" aria-label="{}: {} across {} competencies">'
        "<title>{}</title>{}{}{}{}</svg>",
        width,
        height,
        title,
        summary,
        len(axes),
        title,
        rings,
        format_html_join("", "{}", ((line,) for line in axis_lines)),
        format_html_join("", "{}", ((shape,) for shape in shapes)),
        legend,
    )


def _number(value: float) -> str:
    return f"{value:g}"


def _scale_word(value: float, scale_labels: Sequence[str]) -> str:
    """'3 (exceeds)' when the scale has words, else just the number."""
    index = round(value) - 1
    if float(value).is_integer() and 0 <= index < len(scale_labels):
        return f"{_number(value)} ({scale_labels[index]})"
    return _number(value)
