"""Reads of the strategy and portfolio, filtered by what the acting user may see; one module
per area. Pages of an area import its module directly (`from ...selectors import mix`)."""

from __future__ import annotations

from productorg.strategy.selectors.portfolio import (
    ACTIVE_STATUSES,
    STATUS_ORDER,
    CategoryShare,
    ObjectiveNode,
    PortfolioSummary,
    ServingInitiative,
    StrategyTree,
    effort_by_category,
    initiative_detail,
    initiatives_filtered,
    initiatives_of_teams,
    initiatives_visible_to,
    objective_node,
    objectives_visible_to,
    portfolio_summary,
    strategy_tree,
    vision_history,
)

__all__ = [
    "ACTIVE_STATUSES",
    "STATUS_ORDER",
    "CategoryShare",
    "ObjectiveNode",
    "PortfolioSummary",
    "ServingInitiative",
    "StrategyTree",
    "effort_by_category",
    "initiative_detail",
    "initiatives_filtered",
    "initiatives_of_teams",
    "initiatives_visible_to",
    "objective_node",
    "objectives_visible_to",
    "portfolio_summary",
    "strategy_tree",
    "vision_history",
]
