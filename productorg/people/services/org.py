"""Writes to people and teams."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from productorg import once
from productorg.limits import check_instance
from productorg.people.levels import LADDER
from productorg.people.models import Level, Person, Team

if TYPE_CHECKING:
    from productorg.accounts.models import User


@transaction.atomic
def person_create(
    *,
    name: str,
    email: str,
    level: Level,
    manager: Person | None = None,
    start_date: datetime.date | None = None,
    user: User | None = None,
    form_token: uuid.UUID | str | None = None,
) -> Person:
    """Create a person; the manager chain is validated like any other edit. The same form
    token twice gives back the person the first created."""

    def create(stored_token: uuid.UUID | None) -> Person:
        person = Person(
            name=name,
            email=email,
            level=level,
            manager=manager,
            start_date=start_date,
            form_token=stored_token,
        )
        person.full_clean()
        person.save()
        return person

    return once.create_once(Person, user_id=user and user.pk, token=form_token, create=create)


@transaction.atomic
def person_set_manager(*, person: Person, manager: Person | None) -> Person:
    """Change whom a person reports to; a change that would make a cycle is refused.

    Raises django.core.exceptions.ValidationError naming the cycle.
    """
    person.manager = manager
    person.full_clean(validate_unique=False, validate_constraints=False)
    person.save(update_fields=["manager"])
    return person


@transaction.atomic
def team_create(
    *,
    name: str,
    mission: str = "",
    product_area: str = "",
    product_manager: Person | None = None,
    leader: Person | None = None,
    capacity_per_quarter: Decimal = Decimal(0),
    user: User | None = None,
    form_token: uuid.UUID | str | None = None,
) -> Team:
    """Create a team; a taken name or a negative capacity raises ValidationError. The same
    form token twice gives back the team the first created."""

    def create(stored_token: uuid.UUID | None) -> Team:
        team = Team(
            name=name,
            mission=mission,
            product_area=product_area,
            product_manager=product_manager,
            leader=leader,
            capacity_per_quarter=capacity_per_quarter,
            form_token=stored_token,
        )
        check_instance(team)
        team.full_clean()
        team.save()
        return team

    return once.create_once(Team, user_id=user and user.pk, token=form_token, create=create)


TEAM_FIELDS = (
    "name",
    "mission",
    "product_area",
    "product_manager",
    "leader",
    "capacity_per_quarter",
)


@transaction.atomic
def team_update(*, team: Team, **changes: object) -> Team:
    """Change the team's fields given (any of TEAM_FIELDS), validated like team_create."""
    unknown = set(changes) - set(TEAM_FIELDS)
    if unknown:
        raise TypeError(f"team_update() got unexpected fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(team, name, value)
    check_instance(team)
    team.full_clean()
    team.save()
    return team


def ladder_ensure() -> None:
    """Create any rung of the career ladder that is missing (a migration creates them first)."""
    for code, name, rank, track in LADDER:
        Level.objects.get_or_create(
            code=code, defaults={"name": name, "rank": rank, "track": track}
        )
