"""Teams (portfolio: every role) and people (only those the user may see, per
`people_visible_to`: themselves and everyone below them; admins all, stakeholders none).
Admins keep the org's records, as on the admin site: only they add and change teams and people.
"""

# No `from __future__ import annotations` here: ninja reads the endpoints' annotations
# (Query[...], path ids, bodies) at runtime, and string annotations break its signature parsing.

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from productorg.accounts import permissions
from productorg.api.auth import acting_user
from productorg.api.errors import ApiInputError, ApiNotAllowed
from productorg.api.pagination import Pagination
from productorg.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    IdempotencyKey,
    PeopleFilters,
    PersonIn,
    PersonOut,
    PersonPatch,
    TeamFilters,
    TeamIn,
    TeamOut,
    TeamPatch,
)
from productorg.people.models import Level, Person, Team
from productorg.people.selectors import org as selectors
from productorg.people.services import org as services

router = Router(tags=["teams and people"])


@router.get("/teams", response={200: list[TeamOut], **READ_ERRORS})
@paginate(Pagination)
def team_list(request: HttpRequest, filters: Query[TeamFilters]) -> Any:
    """Every team by name, with how many initiatives it owns."""
    teams = selectors.teams_all(user=acting_user(request))
    if filters.q:
        teams = teams.filter(name__icontains=filters.q)
    if filters.product_area:
        teams = teams.filter(product_area=filters.product_area)
    return teams.order_by("name", "pk")


@router.get("/teams/{team_id}", response={200: TeamOut, **READ_ERRORS})
def team_get(request: HttpRequest, team_id: Id) -> Any:
    team = selectors.team_detail(user=acting_user(request), team_id=team_id)
    if team is None:
        raise Http404
    return team


def _org_admin(request: HttpRequest, what: str) -> None:
    if not permissions.can_change_org(acting_user(request)):
        raise ApiNotAllowed(f"Only admins change {what}; you may read them.")


def _person(person_id: int | None, field: str) -> Person | None:
    if person_id is None:
        return None
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise ApiInputError(f"There is no person {person_id}.", field=field)
    return person


def _team_or_404(request: HttpRequest, team_id: int) -> Team:
    team = selectors.team_detail(user=acting_user(request), team_id=team_id)
    if team is None:
        raise Http404
    return team


def _team_values(values: dict[str, Any]) -> dict[str, Any]:
    """The service's fields from a request's (ids resolved to people)."""
    values = dict(values)
    for name in ("product_manager", "leader"):
        if f"{name}_id" in values:
            values[name] = _person(values.pop(f"{name}_id"), f"{name}_id")
    return values


@router.post("/teams", response={201: TeamOut, **WRITE_ERRORS})
def team_create(
    request: HttpRequest, payload: TeamIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Add a team (admins)."""
    _org_admin(request, "teams")
    team = services.team_create(
        **_team_values(payload.dict()), user=acting_user(request), form_token=idempotency_key
    )
    return Status(201, _team_or_404(request, team.pk))


@router.patch("/teams/{team_id}", response={200: TeamOut, **WRITE_ERRORS})
def team_update(request: HttpRequest, team_id: Id, payload: TeamPatch) -> Any:
    """Change the fields given (admins)."""
    team = _team_or_404(request, team_id)
    _org_admin(request, "teams")
    services.team_update(team=team, **_team_values(payload.dict(exclude_unset=True)))
    return _team_or_404(request, team_id)


@router.get("/people", response={200: list[PersonOut], **READ_ERRORS})
@paginate(Pagination)
def person_list(request: HttpRequest, filters: Query[PeopleFilters]) -> Any:
    """The people you may see, by name."""
    people = selectors.people_visible_to(user=acting_user(request))
    if filters.q:
        people = people.filter(name__icontains=filters.q)
    if filters.manager is not None:
        people = people.filter(manager_id=filters.manager)
    if filters.active is not None:
        people = people.filter(active=filters.active)
    return people.order_by("name", "pk")


def _person_or_404(request: HttpRequest, person_id: int) -> Person:
    person = selectors.person_detail(user=acting_user(request), person_id=person_id)
    if person is None:
        raise Http404
    return person


@router.get("/people/{person_id}", response={200: PersonOut, **READ_ERRORS})
def person_get(request: HttpRequest, person_id: Id) -> Any:
    return _person_or_404(request, person_id)


@router.post("/people", response={201: PersonOut, **WRITE_ERRORS})
def person_create(
    request: HttpRequest, payload: PersonIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Add a person (admins); a login is linked to them on the admin site."""
    _org_admin(request, "people")
    level = Level.objects.filter(code=payload.level).first()
    if level is None:
        raise ApiInputError(f"There is no level {payload.level!r}.", field="level")
    person = services.person_create(
        name=payload.name,
        email=payload.email,
        level=level,
        manager=_person(payload.manager_id, "manager_id"),
        start_date=payload.start_date,
        user=acting_user(request),
        form_token=idempotency_key,
    )
    return Status(201, _person_or_404(request, person.pk))


@router.patch("/people/{person_id}", response={200: PersonOut, **WRITE_ERRORS})
def person_update(request: HttpRequest, person_id: Id, payload: PersonPatch) -> Any:
    """Change whom a person reports to (admins); a reporting cycle is refused with a 400."""
    person = _person_or_404(request, person_id)
    _org_admin(request, "people")
    services.person_set_manager(person=person, manager=_person(payload.manager_id, "manager_id"))
    return _person_or_404(request, person_id)
