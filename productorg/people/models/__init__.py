"""The people app's models, one module per area: the org, the career framework, growth, 1:1s."""

from __future__ import annotations

from productorg.people.models.framework import Competency, CompetencyCategory, Expectation
from productorg.people.models.growth import (
    Assessment,
    Feedback,
    GrowthAction,
    GrowthGoal,
    GrowthPlan,
    Rating,
)
from productorg.people.models.one_on_ones import (
    ActionItem,
    AgendaItem,
    Meeting,
    OneOnOne,
    PrivateNote,
    SharedNote,
)
from productorg.people.models.org import (
    Level,
    Person,
    Team,
    manager_chain_ids,
    reporting_lines,
)

__all__ = [
    "ActionItem",
    "AgendaItem",
    "Assessment",
    "Competency",
    "CompetencyCategory",
    "Expectation",
    "Feedback",
    "GrowthAction",
    "GrowthGoal",
    "GrowthPlan",
    "Level",
    "Meeting",
    "OneOnOne",
    "Person",
    "PrivateNote",
    "Rating",
    "SharedNote",
    "Team",
    "manager_chain_ids",
    "reporting_lines",
]
