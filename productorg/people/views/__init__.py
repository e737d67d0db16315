"""Pages of the people app; one module per area."""

from __future__ import annotations

from productorg.people.views.org import (
    org_chart,
    people_list,
    person_detail,
    team_detail,
    team_list,
)

__all__ = [
    "org_chart",
    "people_list",
    "person_detail",
    "team_detail",
    "team_list",
]
