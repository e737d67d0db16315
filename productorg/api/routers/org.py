"""Teams (portfolio: every role) and people (only those the user may see, per
`people_visible_to`: themselves and everyone below them; admins all, stakeholders none)."""

# No `from __future__ import annotations` here: ninja reads the endpoints' annotations
# (Query[...], path ids, bodies) at runtime, and string annotations break its signature parsing.

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from productorg.api.auth import acting_user
from productorg.api.pagination import Pagination
from productorg.api.schemas import (
    READ_ERRORS,
    Id,
    PeopleFilters,
    PersonOut,
    TeamFilters,
    TeamOut,
)
from productorg.people.selectors import org as selectors

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


@router.get("/people/{person_id}", response={200: PersonOut, **READ_ERRORS})
def person_get(request: HttpRequest, person_id: Id) -> Any:
    person = selectors.person_detail(user=acting_user(request), person_id=person_id)
    if person is None:
        raise Http404
    return person
