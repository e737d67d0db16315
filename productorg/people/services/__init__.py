"""Writes to people data; one module per area."""

from __future__ import annotations

from productorg.people.services.org import (
    ladder_ensure,
    person_create,
    person_set_manager,
)

__all__ = [
    "ladder_ensure",
    "person_create",
    "person_set_manager",
]
