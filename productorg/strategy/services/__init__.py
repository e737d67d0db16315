"""Writes to the strategy and portfolio; one module per area."""

from __future__ import annotations

from productorg.strategy.services.portfolio import (
    dependency_add,
    key_result_record,
    status_update_post,
    vision_update,
)

__all__ = ["dependency_add", "key_result_record", "status_update_post", "vision_update"]
