"""The planner's progress chart for templates; the SVG itself comes from the one chart module."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.safestring import SafeString

from productorg.planning.engine.model import ProgressPoint
from productorg.reports.charts import plan_progress_chart

register = template.Library()


@register.simple_tag
def progress_chart(points: Sequence[ProgressPoint]) -> SafeString:
    """Two lines over elapsed seconds: the best plan's value and the best bound."""
    return plan_progress_chart(points)
