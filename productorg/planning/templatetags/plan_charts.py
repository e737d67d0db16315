"""The planner's progress chart: the best plan's value and the best bound over the search's
time, as server-rendered SVG in the manner of `reports/charts.py`."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from productorg.planning.engine.model import ProgressPoint

register = template.Library()

# Okabe-Ito: the plan's value in blue, the bound in vermillion and dashed, so the two lines
# differ by more than colour.
VALUE_COLOUR = "#0072B2"
BOUND_COLOUR = "#D55E00"
WIDTH, HEIGHT = 520, 200
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 12, 40


def _figure(value: float) -> str:
    """A value on the axis: 12,345 or 12.3 — what a reader compares at a glance."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


@register.simple_tag
def progress_chart(points: Sequence[ProgressPoint]) -> SafeString:
    """Two lines over elapsed seconds: the best plan's value and the best bound."""
    if not points:
        return mark_safe("")  # noqa: S308 - a constant
    last_time = max(point.elapsed_s for point in points) or 1.0
    values = [point.objective for point in points] + [point.bound for point in points]
    low, high = min(0.0, *values), max(values)
    if high <= low:
        high = low + 1.0
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
            f"{escape(_figure(tick))}</text>"
        )
    base = HEIGHT - BOTTOM
    parts.append(
        f'<text x="{LEFT}" y="{base + 16}" class="chart-value">0 s</text>'
        f'<text x="{WIDTH - RIGHT}" y="{base + 16}" text-anchor="end" class="chart-value">'
        f"{last_time:.1f} s</text>"
        f'<polyline points="{line("bound")}" fill="none" stroke="{BOUND_COLOUR}" '
        'stroke-width="2" stroke-dasharray="6 4" class="progress-bound"/>'
        f'<polyline points="{line("objective")}" fill="none" stroke="{VALUE_COLOUR}" '
        'stroke-width="2.5" class="progress-value"/>'
        f'<line x1="{LEFT}" y1="{base + 30}" x2="{LEFT + 24}" y2="{base + 30}" '
        f'stroke="{VALUE_COLOUR}" stroke-width="2.5"/>'
        f'<text x="{LEFT + 30}" y="{base + 34}" class="chart-label">value of the best plan</text>'
        f'<line x1="{LEFT + 220}" y1="{base + 30}" x2="{LEFT + 244}" y2="{base + 30}" '
        f'stroke="{BOUND_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{LEFT + 250}" y="{base + 34}" class="chart-label">best bound</text>'
    )
    final = points[-1]
    label = escape(
        f"Value of the best plan and the best bound over {last_time:.1f} seconds: "
        f"now {_figure(final.objective)} and {_figure(final.bound)}"
    )
    return mark_safe(  # noqa: S308 - every text from outside is escaped above
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" class="chart plan-progress-chart" aria-label="{label}">'
        f"<title>{label}</title>{''.join(parts)}</svg>"
    )
