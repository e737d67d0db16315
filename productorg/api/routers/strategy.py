"""Initiatives, status updates, objectives and key results: the portfolio and the strategy.

Every read goes through the strategy selectors and every write through its services, as the
pages do; this module only turns JSON into the services' inputs and their answers into JSON.
"""

# No `from __future__ import annotations` here: ninja reads the endpoints' annotations
# (Query[...], path ids, bodies) at runtime, and string annotations break its signature parsing.

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from productorg.accounts import permissions
from productorg.api.auth import acting_user
from productorg.api.errors import ApiInputError
from productorg.api.pagination import Pagination
from productorg.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    Conflict,
    Id,
    IdempotencyKey,
    InitiativeFilters,
    InitiativeIn,
    InitiativeOut,
    InitiativePatch,
    KeyResultIn,
    KeyResultNew,
    KeyResultOut,
    KeyResultPatch,
    KeyResultRecord,
    ObjectiveFilters,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePatch,
    StatusUpdateIn,
    StatusUpdateOut,
)
from productorg.people.models import Person, Team
from productorg.strategy import selectors, services
from productorg.strategy.models import Initiative, KeyResult, Objective
from productorg.strategy.services import editing

router = Router(tags=["strategy"])

# A write that may also meet a newer version than the one it was based on.
VERSIONED_WRITE_ERRORS = {**WRITE_ERRORS, 409: Conflict}


# Ids in a body: each must name something, or the field is at fault (400).


def _team(team_id: int | None, field: str = "team_id") -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ApiInputError(f"There is no team {team_id}.", field=field)
    return team


def _owner(owner_id: int | None) -> Person | None:
    if owner_id is None:
        return None
    owner = Person.objects.filter(pk=owner_id).first()
    if owner is None:
        raise ApiInputError(f"There is no person {owner_id}.", field="owner_id")
    return owner


def _objectives(objective_ids: list[int]) -> list[Objective]:
    found = Objective.objects.in_bulk(set(objective_ids))
    missing = sorted(set(objective_ids) - set(found))
    if missing:
        raise ApiInputError(f"There is no objective {missing[0]}.", field="objective_ids")
    return list(found.values())


# Initiatives.


def _with_relations(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    # What InitiativeOut shows of each: a fixed number of queries for any page.
    return initiatives.prefetch_related("objectives", "tags", "team_efforts")


def _initiative_or_404(request: HttpRequest, initiative_id: int) -> Initiative:
    initiative = selectors.initiative_detail(user=acting_user(request), initiative_id=initiative_id)
    if initiative is None:
        raise Http404
    return initiative


@router.get("/initiatives", response={200: list[InitiativeOut], **READ_ERRORS})
@paginate(Pagination)
def initiative_list(request: HttpRequest, filters: Query[InitiativeFilters]) -> Any:
    """The portfolio, by title; each filter given narrows it."""
    initiatives = selectors.initiatives_filtered(
        user=acting_user(request),
        team_id=filters.team,
        category=filters.category,
        status=filters.status,
        health=filters.health,
        owner_id=filters.owner,
        objective_id=filters.objective,
        tag=filters.tag or "",
        source=filters.source or "",
        search=filters.q,
    )
    return _with_relations(initiatives)


@router.get("/initiatives/{initiative_id}", response={200: InitiativeOut, **READ_ERRORS})
def initiative_get(request: HttpRequest, initiative_id: Id) -> Any:
    return _initiative_or_404(request, initiative_id)


def _initiative_data(values: dict[str, Any]) -> editing.InitiativeData:
    """The service's input from the fields of a request (ids resolved to objects)."""
    values = dict(values)
    values["team"] = _team(values.pop("team_id", None))
    values["owner"] = _owner(values.pop("owner_id", None))
    values["objectives"] = _objectives(values.pop("objective_ids", []))
    values["efforts"] = [
        editing.TeamEffortInput(team=_team(row["team_id"], "efforts"), effort=row["effort"])
        for row in values.pop("efforts", [])
    ]
    return editing.InitiativeData(**values)


@router.post("/initiatives", response={201: InitiativeOut, **WRITE_ERRORS})
def initiative_create(
    request: HttpRequest, payload: InitiativeIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Start an initiative (leaders for any team, a PM for their own team)."""
    initiative = editing.initiative_create(
        user=acting_user(request),
        data=_initiative_data(payload.dict()),
        form_token=idempotency_key,
    )
    return Status(201, _initiative_or_404(request, initiative.pk))


def _initiative_values(initiative: Initiative) -> dict[str, Any]:
    """The initiative as the fields of a request, for a change that names only some."""
    values = {column: getattr(initiative, column) for column in editing.INITIATIVE_COLUMNS}
    values["team_id"] = values.pop("team").pk if initiative.team_id else None
    values["owner_id"] = values.pop("owner").pk if initiative.owner_id else None
    values["objective_ids"] = [objective.pk for objective in initiative.objectives.all()]
    efforts = [
        {"team_id": effort.team_id, "effort": effort.effort}
        for effort in initiative.team_efforts.all()
    ]
    # An initiative nobody split across teams: its owning team carries the estimate (as on
    # the edit page), so a change of another field keeps the estimate.
    if not efforts and initiative.effort_estimate and initiative.team_id:
        efforts = [{"team_id": initiative.team_id, "effort": initiative.effort_estimate}]
    values["efforts"] = efforts
    return values


@router.patch(
    "/initiatives/{initiative_id}", response={200: InitiativeOut, **VERSIONED_WRITE_ERRORS}
)
def initiative_update(request: HttpRequest, initiative_id: Id, payload: InitiativePatch) -> Any:
    """Change the fields given, if nobody saved the initiative since `version` (else 409)."""
    initiative = _initiative_or_404(request, initiative_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    values = {**_initiative_values(initiative), **changes}
    editing.initiative_update(
        user=acting_user(request),
        initiative=initiative,
        version=version,
        data=_initiative_data(values),
    )
    return _initiative_or_404(request, initiative_id)


# Status updates.


@router.get(
    "/initiatives/{initiative_id}/status-updates",
    response={200: list[StatusUpdateOut], **READ_ERRORS},
)
@paginate(Pagination)
def status_update_list(request: HttpRequest, initiative_id: Id) -> Any:
    """The initiative's status updates, newest first."""
    initiative = _initiative_or_404(request, initiative_id)
    return initiative.status_updates.order_by("-date", "-pk")


@router.post(
    "/initiatives/{initiative_id}/status-updates",
    response={201: StatusUpdateOut, **WRITE_ERRORS},
)
def status_update_create(
    request: HttpRequest,
    initiative_id: Id,
    payload: StatusUpdateIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Post a status update; the initiative takes on its health."""
    user = acting_user(request)
    initiative = _initiative_or_404(request, initiative_id)
    if not permissions.can_change_initiative(user, initiative):
        raise editing.EditingNotAllowed("You may read this initiative but not post its status.")
    update = editing.status_update_post_once(
        user=user,
        initiative=initiative,
        author=permissions.person_of(user),
        form_token=idempotency_key,
        **payload.dict(),
    )
    return Status(201, update)


# Objectives and key results.


def _objective_or_404(request: HttpRequest, objective_id: int) -> Objective:
    objective = (
        selectors.objectives_visible_to(user=acting_user(request))
        .prefetch_related("key_results")
        .filter(pk=objective_id)
        .first()
    )
    if objective is None:
        raise Http404
    return objective


def _objective_visible(request: HttpRequest, objective_id: int) -> bool:
    return (
        selectors.objectives_visible_to(user=acting_user(request)).filter(pk=objective_id).exists()
    )


@router.get("/objectives", response={200: list[ObjectiveOut], **READ_ERRORS})
@paginate(Pagination)
def objective_list(request: HttpRequest, filters: Query[ObjectiveFilters]) -> Any:
    """Objectives by period and title, each with its key results."""
    objectives = selectors.objectives_visible_to(user=acting_user(request))
    if filters.period:
        objectives = objectives.filter(period=filters.period)
    if filters.parent is not None:
        objectives = objectives.filter(parent_id=filters.parent)
    if filters.owner is not None:
        objectives = objectives.filter(owner_id=filters.owner)
    if filters.q:
        objectives = objectives.filter(title__icontains=filters.q)
    return objectives.prefetch_related("key_results").order_by("period", "title", "pk")


@router.get("/objectives/{objective_id}", response={200: ObjectiveOut, **READ_ERRORS})
def objective_get(request: HttpRequest, objective_id: Id) -> Any:
    return _objective_or_404(request, objective_id)


def _parent(parent_id: int | None) -> Objective | None:
    if parent_id is None:
        return None
    parent = Objective.objects.filter(pk=parent_id).first()
    if parent is None:
        raise ApiInputError(f"There is no objective {parent_id}.", field="parent_id")
    return parent


def _key_result_inputs(rows: list[dict[str, Any]]) -> list[editing.KeyResultInput]:
    return [
        editing.KeyResultInput(
            metric=row["metric"],
            unit=row.get("unit", ""),
            baseline=row["baseline"],
            target=row["target"],
            current=row.get("current"),
            key_result_id=row.get("id"),
        )
        for row in rows
    ]


def _objective_data(values: dict[str, Any]) -> editing.ObjectiveData:
    return editing.ObjectiveData(
        title=values["title"],
        period=values["period"],
        description=values.get("description", ""),
        owner=_owner(values.get("owner_id")),
        parent=_parent(values.get("parent_id")),
        key_results=_key_result_inputs(values.get("key_results", [])),
    )


@router.post("/objectives", response={201: ObjectiveOut, **WRITE_ERRORS})
def objective_create(
    request: HttpRequest, payload: ObjectiveIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Add an objective with its key results (leaders)."""
    objective = editing.objective_create(
        user=acting_user(request),
        data=_objective_data(payload.dict()),
        form_token=idempotency_key,
    )
    return Status(201, _objective_or_404(request, objective.pk))


def _objective_values(objective: Objective) -> dict[str, Any]:
    return {
        "title": objective.title,
        "period": objective.period,
        "description": objective.description,
        "owner_id": objective.owner_id,
        "parent_id": objective.parent_id,
        "key_results": [
            KeyResultIn(
                id=key_result.pk,
                metric=key_result.metric,
                unit=key_result.unit,
                baseline=key_result.baseline,
                target=key_result.target,
                current=key_result.current,
            ).dict()
            for key_result in objective.key_results.all()
        ],
    }


@router.patch("/objectives/{objective_id}", response={200: ObjectiveOut, **VERSIONED_WRITE_ERRORS})
def objective_update(request: HttpRequest, objective_id: Id, payload: ObjectivePatch) -> Any:
    """Change the fields given, if nobody saved the objective since `version` (else 409)."""
    objective = _objective_or_404(request, objective_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    values = {**_objective_values(objective), **changes}
    editing.objective_update(
        user=acting_user(request),
        objective=objective,
        version=version,
        data=_objective_data(values),
    )
    return _objective_or_404(request, objective_id)


@router.get(
    "/objectives/{objective_id}/key-results",
    response={200: list[KeyResultOut], **READ_ERRORS},
)
@paginate(Pagination)
def key_result_list(request: HttpRequest, objective_id: Id) -> Any:
    objective = _objective_or_404(request, objective_id)
    return objective.key_results.order_by("pk")


def _key_results_save(
    request: HttpRequest, objective: Objective, key_results: list[dict[str, Any]]
) -> None:
    """Save the objective with these key results through the objective's own service, so its
    rules hold (leaders only, a target that moves, the version)."""
    values = {**_objective_values(objective), "key_results": key_results}
    editing.objective_update(
        user=acting_user(request),
        objective=objective,
        version=objective.version,
        data=_objective_data(values),
    )


@router.post(
    "/objectives/{objective_id}/key-results",
    response={201: KeyResultOut, **VERSIONED_WRITE_ERRORS},
)
def key_result_create(
    request: HttpRequest,
    objective_id: Id,
    payload: KeyResultNew,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Add a key result to the objective (leaders)."""
    objective = _objective_or_404(request, objective_id)
    values = _objective_values(objective)
    values["key_results"] = [*values["key_results"], payload.dict()]
    key_result = editing.key_result_add(
        user=acting_user(request),
        objective=objective,
        data=_objective_data(values),
        form_token=idempotency_key,
    )
    return Status(201, KeyResult.objects.get(pk=key_result.pk))


def _key_result_or_404(request: HttpRequest, key_result_id: int) -> KeyResult:
    key_result = KeyResult.objects.filter(pk=key_result_id).first()
    if key_result is None or not _objective_visible(request, key_result.objective_id):
        raise Http404
    return key_result


@router.patch(
    "/key-results/{key_result_id}", response={200: KeyResultOut, **VERSIONED_WRITE_ERRORS}
)
def key_result_update(request: HttpRequest, key_result_id: Id, payload: KeyResultPatch) -> Any:
    """Change the fields given of a key result (leaders)."""
    key_result = _key_result_or_404(request, key_result_id)
    objective = _objective_or_404(request, key_result.objective_id)
    changes = payload.dict(exclude_unset=True)
    rows = [
        {**row, **changes} if row["id"] == key_result.pk else row
        for row in _objective_values(objective)["key_results"]
    ]
    _key_results_save(request, objective, rows)
    return KeyResult.objects.get(pk=key_result.pk)


@router.post("/key-results/{key_result_id}/record", response={200: KeyResultOut, **WRITE_ERRORS})
def key_result_record(request: HttpRequest, key_result_id: Id, payload: KeyResultRecord) -> Any:
    """Record where the key result's metric stands now (leaders)."""
    user = acting_user(request)
    key_result = _key_result_or_404(request, key_result_id)
    if not permissions.can_change_strategy(user):
        raise editing.EditingNotAllowed("Only leaders record key results.")
    return services.key_result_record(key_result=key_result, current=payload.current)
