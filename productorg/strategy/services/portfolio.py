"""Writes to the strategy and portfolio: vision, key results, status updates, dependencies."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from productorg import once
from productorg.limits import check_lengths
from productorg.people.models import Person
from productorg.strategy.models import (
    Dependency,
    Initiative,
    KeyResult,
    Objective,
    StatusUpdate,
    Vision,
)

if TYPE_CHECKING:
    from productorg.accounts.models import User


@transaction.atomic
def vision_update(
    *,
    text: str,
    author: Person | None,
    user: User | None = None,
    form_token: uuid.UUID | str | None = None,
) -> Vision:
    """Write a new version of the vision; earlier versions stay as its history. The same form
    token twice gives back the version the first wrote."""

    def create(stored_token: uuid.UUID | None) -> Vision:
        vision = Vision(text=text.strip(), author=author, form_token=stored_token)
        vision.full_clean()
        vision.save()
        return vision

    return once.create_once(Vision, user_id=user and user.pk, token=form_token, create=create)


@transaction.atomic
def key_result_record(*, key_result: KeyResult, current: Decimal) -> KeyResult:
    """Record where a key result's metric stands now."""
    key_result.current = current
    key_result.save(update_fields=["current", "updated_at"])
    # The objective's edit form carries its key results: an open form must not overwrite this.
    Objective.objects.filter(pk=key_result.objective_id).update(
        version=F("version") + 1, updated_by=None, updated_at=timezone.now()
    )
    return key_result


@transaction.atomic
def status_update_post(
    *,
    initiative: Initiative,
    author: Person | None,
    date: datetime.date,
    health: str,
    progress: int,
    summary: str,
    risks: str = "",
    decisions_needed: str = "",
) -> StatusUpdate:
    """Post a dated status update; the initiative takes on its health."""
    # full_clean does not hold a TextField to its max_length: the limits module does.
    check_lengths(
        StatusUpdate,
        {"summary": summary, "risks": risks, "decisions_needed": decisions_needed},
    )
    update = StatusUpdate(
        initiative=initiative,
        author=author,
        date=date,
        health=health,
        progress=progress,
        summary=summary,
        risks=risks,
        decisions_needed=decisions_needed,
    )
    update.full_clean()
    update.save()
    latest = initiative.status_updates.order_by("-date", "-pk").first()
    if latest is not None and initiative.health != latest.health:
        initiative.health = latest.health
        initiative.save(update_fields=["health", "updated_at"])
    return update


@transaction.atomic
def dependency_add(*, initiative: Initiative, depends_on: Initiative) -> Dependency:
    """Make `initiative` wait for `depends_on`; a cycle is refused with the cycle named.

    Raises django.core.exceptions.ValidationError on the field `depends_on`.
    """
    dependency = Dependency(initiative=initiative, depends_on=depends_on)
    dependency.full_clean()
    dependency.save()
    return dependency
