"""Reads of people data, filtered by what the acting user may see; one module per area."""

from __future__ import annotations

from productorg.people.selectors.org import (
    SPAN_OF_CONTROL_MAX,
    SPAN_OF_CONTROL_MIN,
    LevelCount,
    OrgNode,
    Span,
    org_chart,
    people_by_level,
    people_visible_to,
    person_detail,
    product_areas,
    spans_of_control,
    team_detail,
    teams_all,
    teams_of_leader,
    teams_of_product_manager,
)

__all__ = [
    "LevelCount",
    "OrgNode",
    "SPAN_OF_CONTROL_MAX",
    "SPAN_OF_CONTROL_MIN",
    "Span",
    "org_chart",
    "people_by_level",
    "people_visible_to",
    "person_detail",
    "product_areas",
    "spans_of_control",
    "team_detail",
    "teams_all",
    "teams_of_leader",
    "teams_of_product_manager",
]
