"""Writes to the strategy: the vision and key results."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from productorg.people.models import Person
from productorg.strategy.models import KeyResult, Vision


@transaction.atomic
def vision_update(*, text: str, author: Person | None) -> Vision:
    """Write a new version of the vision; earlier versions stay as its history."""
    vision = Vision(text=text.strip(), author=author)
    vision.full_clean()
    vision.save()
    return vision


@transaction.atomic
def key_result_record(*, key_result: KeyResult, current: Decimal) -> KeyResult:
    """Record where a key result's metric stands now."""
    key_result.current = current
    key_result.save(update_fields=["current", "updated_at"])
    return key_result
