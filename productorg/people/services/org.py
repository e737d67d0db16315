"""Writes to people and teams."""

from __future__ import annotations

import datetime

from django.db import transaction

from productorg.people.levels import LADDER
from productorg.people.models import Level, Person


@transaction.atomic
def person_create(
    *,
    name: str,
    email: str,
    level: Level,
    manager: Person | None = None,
    start_date: datetime.date | None = None,
) -> Person:
    """Create a person; the manager chain is validated like any other edit."""
    person = Person(name=name, email=email, level=level, manager=manager, start_date=start_date)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_set_manager(*, person: Person, manager: Person | None) -> Person:
    """Change whom a person reports to; a change that would make a cycle is refused.

    Raises django.core.exceptions.ValidationError naming the cycle.
    """
    person.manager = manager
    person.full_clean(validate_unique=False, validate_constraints=False)
    person.save(update_fields=["manager"])
    return person


def ladder_ensure() -> None:
    """Create any rung of the career ladder that is missing (a migration creates them first)."""
    for code, name, rank, track in LADDER:
        Level.objects.get_or_create(
            code=code, defaults={"name": name, "rank": rank, "track": track}
        )
