"""Server-rendered SVG charts: the same markup on a page and in a PDF report."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from productorg.planning.engine.model import ProgressPoint
    from productorg.strategy.selectors import CategoryShare
    from productorg.strategy.selectors.mix import Fader

# One colour per work category, readable for the common colour-vision deficiencies
# (Okabe-Ito palette).
CATEGORY_COLOURS = {
    "feature": "#0072B2",
    "growth": "#009E73",
    "scaling": "#E69F00",
    "pmf_expansion": "#CC79A7",
    # No category chosen: a neutral grey, so it reads as "not one of the four".
    "": "#8C8C8C",
}


def _svg(*, width: float, height: float, css_class: str, label: str, body: str) -> SafeString:
    """A chart's SVG element: scalable, an image to assistive technology, named by `label`
    (escaped by the caller) in aria-label and <title>; `body` is the chart's own markup."""
    return mark_safe(  # noqa: S308 - callers escape every text from outside
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" class="chart {css_class}" aria-label="{label}">'
        f"<title>{label}</title>{body}</svg>"
    )


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
                share.label,
                label_width,
                y,
                bar,
                row_height,
                CATEGORY_COLOURS[share.key],
                share.label,
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


# Mix faders: a knob inside its tolerance band is blue; out of it vermillion, and marked with a
# sign and words as well, so the flag does not rest on colour alone (Okabe-Ito palette).
FADER_COLOUR = "#0072B2"
FADER_OUT_COLOUR = "#D55E00"
FADER_BAND_COLOUR = "#009E73"
FADER_WIDTH = 124
FADER_TRACK_HEIGHT = 140
FADER_AXIS_WIDTH = 44
FADER_TOP = 10
# Characters per line of a value's label under its fader, and lines at most.
FADER_LABEL_WIDTH = 14
FADER_LABEL_LINES = 3
FADER_TRACK_BOTTOM = FADER_TOP + FADER_TRACK_HEIGHT
# Under the track: the label's lines, the actual, the target and the verdict.
FADER_HEIGHT = FADER_TRACK_BOTTOM + 18 + 15 * (FADER_LABEL_LINES + 3)


def mix_faders(
    faders: Sequence[Fader],
    *,
    hrefs: Sequence[str] = (),
    hx_target: str = "",
    title: str = "Share of planned effort against the mix target",
) -> SafeString:
    """A row of vertical faders, one per value: a 0–100 % track, the tolerance band around the
    target, the target as a black bar and the actual share as the knob. A fader out of
    tolerance is coloured and says by how much it is over or under. Each fader is a link to
    `hrefs[i]` when given (fetched into `hx_target` by htmx when that is given too)."""
    # Plain strings with every given text escaped: a board draws a hundred faders at a time,
    # and format_html per element costs more than the rest of the page.
    width = FADER_AXIS_WIDTH + FADER_WIDTH * max(1, len(faders))
    parts = []
    for tick in (0, 25, 50, 75, 100):
        y = _fader_level(tick)
        parts.append(
            f'<line x1="{FADER_AXIS_WIDTH - 2}" y1="{y}" x2="{width}" y2="{y}" stroke="#e3e3e3" '
            f'stroke-width="1"/><text x="{FADER_AXIS_WIDTH - 6}" y="{y + 4}" text-anchor="end" '
            f'class="chart-value" font-size="11" fill="#666">{tick} %</text>'
        )
    for index, fader in enumerate(faders):
        centre = FADER_AXIS_WIDTH + FADER_WIDTH * index + FADER_WIDTH // 2
        href = hrefs[index] if index < len(hrefs) else ""
        parts.append(_fader(fader, centre, href, hx_target))
    flagged = sum(fader.out_of_tolerance for fader in faders)
    summary = f"{flagged} of {len(faders)} out of tolerance" if flagged else "all in tolerance"
    label = escape(f"{title}: {summary}")
    return mark_safe(  # noqa: S308 - every text from outside is escaped above
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {FADER_HEIGHT}" '
        f'width="{width}" height="{FADER_HEIGHT}" role="figure" class="chart mix-faders" '
        f'aria-label="{label}"><title>{label}</title>{"".join(parts)}</svg>'
    )


def _fader_level(percent: float) -> float:
    """The y of a percentage on the track."""
    share = min(max(percent, 0.0), 100.0) / 100
    return round(FADER_TRACK_BOTTOM - FADER_TRACK_HEIGHT * share, 1)


def _fader(fader: Fader, centre: int, href: str, hx_target: str) -> str:
    actual = None if fader.actual is None else float(fader.actual)
    target = None if fader.target is None else float(fader.target)
    tolerance = float(fader.tolerance or 0)
    out = fader.out_of_tolerance
    # The whole column answers a click, not only the thin track.
    parts = [
        f'<rect x="{centre - FADER_WIDTH // 2 + 4}" y="0" width="{FADER_WIDTH - 8}" '
        f'height="{FADER_HEIGHT}" fill="#fff" fill-opacity="0"/>'
    ]
    if target is not None:
        top, bottom = _fader_level(target + tolerance), _fader_level(target - tolerance)
        band = max(round(bottom - top, 1), 1)
        parts.append(
            f'<rect x="{centre - 18}" y="{top}" width="36" height="{band}" '
            f'fill="{FADER_BAND_COLOUR}" fill-opacity="0.2" class="fader-band"/>'
        )
    parts.append(
        f'<rect x="{centre - 3}" y="{FADER_TOP}" width="6" height="{FADER_TRACK_HEIGHT}" rx="3" '
        'fill="#bbb" class="fader-track"/>'
    )
    if target is not None:
        y = _fader_level(target)
        parts.append(
            f'<line x1="{centre - 24}" y1="{y}" x2="{centre + 24}" y2="{y}" stroke="#000" '
            'stroke-width="2.5" class="fader-target"/>'
        )
    if actual is None:
        parts.append(
            f'<text x="{centre}" y="{_fader_level(50) + 4}" text-anchor="middle" '
            'class="chart-value" font-size="11" fill="#666">no effort</text>'
        )
    else:
        y = _fader_level(actual)
        parts.append(
            f'<rect x="{centre - 16}" y="{round(y - 7, 1)}" width="32" height="14" rx="3" '
            f'fill="{FADER_OUT_COLOUR if out else FADER_COLOUR}" stroke="#222" '
            f'class="fader-knob"/><line x1="{centre - 10}" y1="{y}" x2="{centre + 10}" '
            f'y2="{y}" stroke="#fff" stroke-width="2"/>'
        )
    lines = textwrap.wrap(fader.label, FADER_LABEL_WIDTH) or [""]
    if len(lines) > FADER_LABEL_LINES:
        last = lines[FADER_LABEL_LINES - 1][: FADER_LABEL_WIDTH - 1]
        lines = [*lines[: FADER_LABEL_LINES - 1], f"{last}…"]
    y = FADER_TRACK_BOTTOM + 18
    for line in lines:
        parts.append(
            f'<text x="{centre}" y="{y}" text-anchor="middle" class="chart-label" font-size="12" '
            f'font-weight="600">{escape(line)}</text>'
        )
        y += 15
    y = FADER_TRACK_BOTTOM + 18 + 15 * FADER_LABEL_LINES
    numbers = [
        "no effort" if actual is None else f"{_number(actual)} %",
        "no target" if target is None else f"target {_number(target)} ± {_number(tolerance)}",
    ]
    for line in numbers:
        parts.append(
            f'<text x="{centre}" y="{y}" text-anchor="middle" class="chart-value" '
            f'font-size="12">{line}</text>'
        )
        y += 15
    verdict = _fader_verdict(fader)
    if verdict:
        parts.append(
            f'<text x="{centre}" y="{y}" text-anchor="middle" font-size="12" '
            f'font-weight="{700 if out else 400}" fill="{FADER_OUT_COLOUR if out else "#1a7f37"}" '
            f'class="fader-verdict">{verdict}</text>'
        )
    described = (
        f"{fader.label}: {numbers[0]} of planned effort"
        f" ({_number(float(fader.effort))} person-weeks), {numbers[1]}"
        + (f" — {verdict}" if verdict else "")
    )
    group = f'<g class="fader{" fader-out" if out else ""}">{"".join(parts)}</g>'
    if not href:
        return f"<g><title>{escape(described)}</title>{group}</g>"
    link = escape(f"{described}. Show the initiatives.")
    htmx = (
        f' hx-get="{escape(href)}" hx-target="{escape(hx_target)}" hx-push-url="false"'
        if hx_target
        else ""
    )
    return f'<a href="{escape(href)}"{htmx}><title>{link}</title>{group}</a>'


def _fader_verdict(fader: Fader) -> str:
    """'⚠ 7 pp over' out of tolerance, '✓ in tolerance' within, '' without a target."""
    deviation = fader.deviation
    if deviation is None:
        return ""
    if not fader.out_of_tolerance:
        return "✓ in tolerance"
    return f"⚠ {_number(abs(float(deviation)))} pp {'over' if deviation > 0 else 'under'}"


# Okabe-Ito: the plan's value in blue, the bound in vermillion and dashed, so the two lines
# differ by more than colour.
PROGRESS_VALUE_COLOUR = "#0072B2"
PROGRESS_BOUND_COLOUR = "#D55E00"


def _progress_figure(value: float) -> str:
    """A value on the axis: 12,345 or 12.3 — what a reader compares at a glance."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def plan_progress_chart(points: Sequence[ProgressPoint]) -> SafeString:
    """The planner's progress: the best plan's value and the best bound over elapsed seconds
    (the value in blue, the bound dashed in vermillion: they differ by more than colour)."""
    WIDTH, HEIGHT = 520, 200
    LEFT, RIGHT, TOP, BOTTOM = 64, 12, 12, 40
    if not points:
        return mark_safe("")  # noqa: S308 - a constant
    last_time = max(point.elapsed_s for point in points) or 1.0
    values = [point.objective for point in points] + [point.bound for point in points]
    # The axis spans the values, not zero upwards: the search moves within a few per cent of
    # the bound, which a zero-based axis would flatten into one line.
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or max(1.0, abs(high) * 0.01)
    low, high = max(0.0, low - pad) if low >= 0 else low - pad, high + pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(seconds: float) -> float:
        return round(LEFT + plot_w * seconds / last_time, 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - (value - low) / (high - low)), 1)

    def line(attribute: str) -> str:
        coordinates = [(x(point.elapsed_s), y(getattr(point, attribute))) for point in points]
        if len(coordinates) == 1:
            # A single point still draws: a flat line across the time so far.
            coordinates.append((x(last_time), coordinates[0][1]))
        return " ".join(f"{cx},{cy}" for cx, cy in coordinates)

    parts = []
    for tick in (low, (low + high) / 2, high):
        ty = y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty}" x2="{WIDTH - RIGHT}" y2="{ty}" stroke="#e3e3e3"/>'
            f'<text x="{LEFT - 6}" y="{ty + 4}" text-anchor="end" class="chart-value">'
            f"{escape(_progress_figure(tick))}</text>"
        )
    base = HEIGHT - BOTTOM
    parts.append(
        f'<text x="{LEFT}" y="{base + 16}" class="chart-value">0 s</text>'
        f'<text x="{WIDTH - RIGHT}" y="{base + 16}" text-anchor="end" class="chart-value">'
        f"{last_time:.1f} s</text>"
        f'<polyline points="{line("bound")}" fill="none" stroke="{PROGRESS_BOUND_COLOUR}" '
        'stroke-width="2" stroke-dasharray="6 4" class="progress-bound"/>'
        f'<polyline points="{line("objective")}" fill="none" stroke="{PROGRESS_VALUE_COLOUR}" '
        'stroke-width="2.5" class="progress-value"/>'
        f'<line x1="{LEFT}" y1="{base + 30}" x2="{LEFT + 24}" y2="{base + 30}" '
        f'stroke="{PROGRESS_VALUE_COLOUR}" stroke-width="2.5"/>'
        f'<text x="{LEFT + 30}" y="{base + 34}" class="chart-label">value of the best plan</text>'
        f'<line x1="{LEFT + 220}" y1="{base + 30}" x2="{LEFT + 244}" y2="{base + 30}" '
        f'stroke="{PROGRESS_BOUND_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{LEFT + 250}" y="{base + 34}" class="chart-label">best bound</text>'
    )
    final = points[-1]
    label = escape(
        f"Value of the best plan and the best bound over {last_time:.1f} seconds: "
        f"now {_progress_figure(final.objective)} and {_progress_figure(final.bound)}"
    )
    return _svg(
        width=WIDTH,
        height=HEIGHT,
        css_class="plan-progress-chart",
        label=label,
        body="".join(parts),
    )


# Leadership reports. Health keeps the app's traffic-light colours, and every row also says its
# counts in words, so a grey-scale print or a colour-blind reader loses nothing.
HEALTH_COLOURS = {"green": "#1a7f37", "amber": "#E69F00", "red": "#c62828", "none": "#bbbbbb"}
HEALTH_WORDS = {"green": "green", "amber": "amber", "red": "red", "none": "no update"}
# Characters of a label before it is cut with an ellipsis.
REPORT_LABEL_CHARS = 34


def _cut(text: str, limit: int = REPORT_LABEL_CHARS) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def health_by_team_chart(rows: Sequence[dict], *, width: int = 640) -> SafeString:
    """A stacked bar per team of its initiatives by health (green, amber, red, no update);
    `rows` are {"team": name, "green": n, "amber": n, "red": n, "none": n}."""
    if not rows:
        return mark_safe("")  # noqa: S308 - a constant
    row_height, gap, label_width, words_width = 20, 8, 190, 190
    bar_space = width - label_width - words_width
    most = max(sum(row[key] for key in HEALTH_COLOURS) for row in rows) or 1
    parts = []
    for index, row in enumerate(rows):
        y = gap + index * (row_height + gap)
        x = float(label_width)
        parts.append(
            f'<text x="0" y="{y + 15}" class="chart-label" font-size="12">'
            f"{escape(_cut(row['team'], 28))}<title>{escape(row['team'])}</title></text>"
        )
        for key, colour in HEALTH_COLOURS.items():
            if not row[key]:
                continue
            length = round(bar_space * row[key] / most, 1)
            parts.append(
                f'<rect x="{round(x, 1)}" y="{y}" width="{length}" height="{row_height}" '
                f'fill="{colour}" class="health-bar health-bar-{key}"><title>'
                f"{escape(row['team'])}: {row[key]} {HEALTH_WORDS[key]}</title></rect>"
            )
            x += length
        words = ", ".join(f"{row[key]} {HEALTH_WORDS[key]}" for key in HEALTH_COLOURS if row[key])
        parts.append(
            f'<text x="{label_width + bar_space + 8}" y="{y + 15}" class="chart-value" '
            f'font-size="12">{escape(words)}</text>'
        )
    height = gap + len(rows) * (row_height + gap)
    label = escape(f"Initiatives by health in each of {len(rows)} teams")
    return _svg(
        width=width, height=height, css_class="health-by-team", label=label, body="".join(parts)
    )


KEY_RESULT_COLOUR = "#0072B2"


def key_results_chart(rows: Sequence[dict], *, width: int = 640) -> SafeString:
    """A bar per key result: how far it has come from baseline to target (0–100 %), with its
    current value and target in words; `rows` are the report snapshot's key results."""
    if not rows:
        return mark_safe("")  # noqa: S308 - a constant
    row_height, gap, label_width, words_width = 30, 8, 250, 170
    bar_space = width - label_width - words_width
    parts = []
    for index, row in enumerate(rows):
        y = gap + index * (row_height + gap)
        percent = round(100 * float(row["progress"]))
        current = row["current"] or "—"
        parts.append(
            f'<text x="0" y="{y + 12}" class="chart-label" font-size="12">'
            f"{escape(_cut(row['metric'], 40))}</text>"
            f'<text x="0" y="{y + 26}" class="chart-value" font-size="10" fill="#666">'
            f"{escape(_cut(row['objective'], 46))}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{bar_space}" height="16" rx="3" '
            'fill="#e3e3e3"/>'
            f'<rect x="{label_width}" y="{y + 4}" width="{round(bar_space * percent / 100, 1)}" '
            f'height="16" rx="3" fill="{KEY_RESULT_COLOUR}" class="key-result-bar"><title>'
            f"{escape(row['metric'])}: {percent} % of the way to the target</title></rect>"
            f'<text x="{label_width + bar_space + 8}" y="{y + 17}" class="chart-value" '
            f'font-size="12">{percent} % · {escape(current)} of {escape(row["target"])}'
            f"{escape(row['unit'])}</text>"
        )
    height = gap + len(rows) * (row_height + gap)
    label = escape(f"Progress of {len(rows)} key results from baseline to target")
    return _svg(
        width=width, height=height, css_class="key-results-chart", label=label, body="".join(parts)
    )


# Stakeholder survey charts. Ratings 1 (poor) to 5 (great) run from vermillion to blue
# (Okabe-Ito), and every bar and point carries its number too, so nothing rests on colour.
RATING_COLOURS = ("#D55E00", "#E69F00", "#999999", "#56B4E9", "#0072B2")
TREND_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
TREND_MARKERS = ("circle", "square", "diamond", "triangle", "circle", "square", "diamond")


def rating_distribution_bar(counts: Sequence[int], *, label: str, width: int = 320) -> SafeString:
    """One stacked bar of how many gave each rating 1..5, with the counts written in."""
    height, legend = 28, 18
    total = sum(counts) or 1
    parts, x = [], 0.0
    for rating, count in enumerate(counts, start=1):
        if not count:
            continue
        part = width * count / total
        colour = RATING_COLOURS[rating - 1]
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{part:.1f}" height="{height}" fill="{colour}">'
            f"<title>{rating}: {count}</title></rect>"
        )
        if part >= 18:
            # A class, not a style attribute (the page's CSP refuses those), beats the page's
            # .chart-value colour; the fill attribute serves the PDF, which has no such rule.
            shade = "light" if rating in (2, 3, 4) else "dark"
            text_colour = "#000" if shade == "light" else "#fff"
            parts.append(
                f'<text x="{x + part / 2:.1f}" y="{height / 2 + 5}" text-anchor="middle" '
                f'class="chart-value chart-on-{shade}" fill="{text_colour}">{count}</text>'
            )
        x += part
    for rating in range(1, 6):
        lx = (rating - 1) * width / 5
        parts.append(
            f'<rect x="{lx:.1f}" y="{height + 6}" width="10" height="10" '
            f'fill="{RATING_COLOURS[rating - 1]}"/>'
            f'<text x="{lx + 14:.1f}" y="{height + 15}" class="chart-value">{rating}</text>'
        )
    spread = ", ".join(f"{count} gave {rating}" for rating, count in enumerate(counts, start=1))
    title = escape(f"{label}: {spread}")
    return _svg(
        width=width,
        height=height + legend,
        css_class="rating-distribution",
        label=title,
        body="".join(parts),
    )


def _trend_marker(shape: str, cx: float, cy: float, colour: str, title: str) -> str:
    tip = f"<title>{title}</title>"
    if shape == "square":
        return f'<rect x="{cx - 4}" y="{cy - 4}" width="8" height="8" fill="{colour}">{tip}</rect>'
    if shape == "diamond":
        points = f"{cx},{cy - 5.5} {cx + 5.5},{cy} {cx},{cy + 5.5} {cx - 5.5},{cy}"
        return f'<polygon points="{points}" fill="{colour}">{tip}</polygon>'
    if shape == "triangle":
        points = f"{cx},{cy - 5.5} {cx + 5.5},{cy + 4.5} {cx - 5.5},{cy + 4.5}"
        return f'<polygon points="{points}" fill="{colour}">{tip}</polygon>'
    return f'<circle cx="{cx}" cy="{cy}" r="4.5" fill="{colour}">{tip}</circle>'


def survey_trend_chart(
    *, rounds: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]
) -> SafeString:
    """Mean rating (1-5) per dimension over survey rounds, oldest left; a round with too few
    answers leaves a gap in its line rather than a made-up point."""
    WIDTH, LEFT, RIGHT, TOP, PLOT_H = 640, 40, 16, 12, 200
    ROUND_LABEL_H, LEGEND_ROW = 34, 20
    legend_top = TOP + PLOT_H + ROUND_LABEL_H
    height = legend_top + LEGEND_ROW * max(1, len(series)) + 6
    plot_w = WIDTH - LEFT - RIGHT
    if not rounds:
        return mark_safe("")  # noqa: S308 - a constant

    def x(position: int) -> float:
        if len(rounds) == 1:
            return round(LEFT + plot_w / 2, 1)
        return round(LEFT + 20 + (plot_w - 40) * position / (len(rounds) - 1), 1)

    def y(value: float) -> float:
        return round(TOP + PLOT_H * (5 - value) / 4, 1)

    parts = []
    for tick in range(1, 6):
        ty = y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty}" x2="{WIDTH - RIGHT}" y2="{ty}" stroke="#e3e3e3"/>'
            f'<text x="{LEFT - 8}" y="{ty + 4}" text-anchor="end" class="chart-value">{tick}</text>'
        )
    for position, name in enumerate(rounds):
        short = textwrap.shorten(name, width=28, placeholder="…")
        # The outer labels lean inwards so that they stay inside the chart.
        anchor, lx = "middle", x(position)
        if len(rounds) > 1 and position == 0:
            anchor, lx = "start", LEFT
        elif len(rounds) > 1 and position == len(rounds) - 1:
            anchor, lx = "end", WIDTH - RIGHT
        parts.append(
            f'<text x="{lx}" y="{TOP + PLOT_H + 20}" text-anchor="{anchor}" '
            f'class="chart-value">{escape(short)}</text>'
        )
    described = []
    for index, (label, values) in enumerate(series):
        colour = TREND_COLOURS[index % len(TREND_COLOURS)]
        shape = TREND_MARKERS[index % len(TREND_MARKERS)]
        # A gap (None) ends a segment: lines join only neighbouring rounds with a figure.
        segment: list[str] = []
        segments: list[list[str]] = []
        for position, value in enumerate(values):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(position)},{y(value)}")
            tip = escape(f"{label}, {rounds[position]}: {value:.1f}")
            parts.append(_trend_marker(shape, x(position), y(value), colour, tip))
        if segment:
            segments.append(segment)
        for points in segments:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                    'stroke-width="2"/>'
                )
        ly = legend_top + LEGEND_ROW * index + 10
        parts.append(
            _trend_marker(shape, LEFT + 6, ly - 4, colour, escape(label))
            + f'<text x="{LEFT + 18}" y="{ly}" class="chart-label">{escape(label)}</text>'
        )
        latest = next((value for value in reversed(values) if value is not None), None)
        described.append(f"{label} {latest:.1f}" if latest is not None else f"{label} —")
    title = escape(
        f"Mean rating from 1 to 5 over {len(rounds)} survey rounds; latest: " + ", ".join(described)
    )
    return _svg(
        width=WIDTH, height=height, css_class="survey-trend-chart", label=title, body="".join(parts)
    )
