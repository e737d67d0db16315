"""Assessments and growth plans: readable by the person, their manager and the managers above
(read-only); nobody else, admins included. The growth selectors decide; a denied read is 404.
"""

# No `from __future__ import annotations` here: ninja reads the endpoints' annotations
# (Query[...], path ids, bodies) at runtime, and string annotations break its signature parsing.

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from productorg.accounts.models import User
from productorg.api.auth import acting_user
from productorg.api.errors import ApiInputError
from productorg.api.pagination import Pagination
from productorg.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    AssessmentDetailOut,
    AssessmentFilters,
    AssessmentIn,
    AssessmentOut,
    AssessmentPatch,
    Conflict,
    Error,
    GrowthActionIn,
    GrowthActionPatch,
    GrowthGoalIn,
    GrowthGoalPatch,
    GrowthPlanDetailOut,
    GrowthPlanFilters,
    GrowthPlanIn,
    GrowthPlanOut,
    GrowthPlanPatch,
    Id,
    IdempotencyKey,
)
from productorg.people.models import Assessment, Competency, GrowthGoal, Level, Person
from productorg.people.selectors import growth as selectors
from productorg.people.services import growth as services

router = Router(tags=["growth"])


# Assessments.


@router.get("/assessments", response={200: list[AssessmentOut], **READ_ERRORS})
@paginate(Pagination)
def assessment_list(request: HttpRequest, filters: Query[AssessmentFilters]) -> Any:
    """Assessments you may read: your own (drafts included) and submitted ones of people whose
    growth you read; newest first."""
    assessments = selectors.assessments_readable(user=acting_user(request)).select_related("level")
    if filters.person is not None:
        assessments = assessments.filter(person_id=filters.person)
    if filters.kind:
        assessments = assessments.filter(kind=filters.kind)
    if filters.status:
        assessments = assessments.filter(status=filters.status)
    return assessments.order_by("-created_at", "-pk")


def _assessment_detail(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    detail = selectors.assessment_detail(user=acting_user(request), assessment_id=assessment_id)
    if detail is None:
        raise Http404
    return {
        **AssessmentOut.from_orm(detail.assessment).dict(),
        "ratings": [
            {
                "competency_id": row.competency.pk,
                "competency": row.competency.name,
                "expectation": row.expectation,
                "score": row.rating.score if row.rating else None,
                "evidence": row.rating.evidence if row.rating else "",
            }
            for row in detail.rows
        ],
        "average": detail.average,
    }


@router.get("/assessments/{assessment_id}", response={200: AssessmentDetailOut, **READ_ERRORS})
def assessment_get(request: HttpRequest, assessment_id: Id) -> Any:
    """One assessment with a row per competency: the expectation and the rating."""
    return _assessment_detail(request, assessment_id)


def _growth_person(user: User, person_id: int) -> Person:
    person = selectors.growth_person(user=user, person_id=person_id)
    if person is None:
        raise ApiInputError(
            f"There is no person {person_id} whose growth you read.", field="person_id"
        )
    return person


@router.post("/assessments", response={201: AssessmentOut, **WRITE_ERRORS})
def assessment_start(
    request: HttpRequest, payload: AssessmentIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Start an assessment, or get back the open draft of the same one. A peer assessment is
    the peer's draft: its content is theirs until they submit it."""
    # The open draft is the answer to a repeat, whatever its key.
    user = acting_user(request)
    person = _growth_person(user, payload.person_id)
    peer = None
    if payload.peer_id is not None:
        peer = selectors.peer_candidates(person=person).filter(pk=payload.peer_id).first()
        if peer is None:
            raise ApiInputError(
                "That person cannot write a peer assessment of this person.", field="peer_id"
            )
    assessment = services.assessment_start(user=user, person=person, kind=payload.kind, peer=peer)
    return Status(201, assessment)


def _assessment_or_404(request: HttpRequest, assessment_id: int) -> Assessment:
    detail = selectors.assessment_detail(user=acting_user(request), assessment_id=assessment_id)
    if detail is None:
        raise Http404
    return detail.assessment


@router.patch(
    "/assessments/{assessment_id}",
    response={200: AssessmentDetailOut, 409: Error, **WRITE_ERRORS},
)
def assessment_update(request: HttpRequest, assessment_id: Id, payload: AssessmentPatch) -> Any:
    """Rate competencies of your draft (those not named keep their rating) and, if given,
    change its summary. A submitted assessment is read-only (409)."""
    assessment = _assessment_or_404(request, assessment_id)
    services.assessment_rate(
        user=acting_user(request),
        assessment=assessment,
        ratings={
            rating.competency_id: services.RatingInput(score=rating.score, evidence=rating.evidence)
            for rating in payload.ratings
        },
        summary=assessment.summary if payload.summary is None else payload.summary,
    )
    return _assessment_detail(request, assessment_id)


@router.post(
    "/assessments/{assessment_id}/submit",
    response={200: AssessmentDetailOut, 409: Error, **WRITE_ERRORS},
)
def assessment_submit(request: HttpRequest, assessment_id: Id) -> Any:
    """Submit your draft once every competency is rated; afterwards it is read-only."""
    assessment = _assessment_or_404(request, assessment_id)
    services.assessment_submit(user=acting_user(request), assessment=assessment)
    return _assessment_detail(request, assessment_id)


# Growth plans.


@router.get("/growth-plans", response={200: list[GrowthPlanOut], **READ_ERRORS})
@paginate(Pagination)
def growth_plan_list(request: HttpRequest, filters: Query[GrowthPlanFilters]) -> Any:
    """Growth plans you may read, newest first."""
    plans = selectors.growth_plans_readable(user=acting_user(request)).select_related(
        "target_level"
    )
    if filters.person is not None:
        plans = plans.filter(person_id=filters.person)
    if filters.status:
        plans = plans.filter(status=filters.status)
    return plans.order_by("-created_at", "-pk")


def _plan_view(request: HttpRequest, plan_id: int) -> selectors.GrowthPlanView:
    view = selectors.growth_plan_detail(user=acting_user(request), plan_id=plan_id)
    if view is None:
        raise Http404
    return view


def _plan_detail(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    view = _plan_view(request, plan_id)
    return {
        **GrowthPlanOut.from_orm(view.plan).dict(),
        "goals": [
            {
                "id": goal_view.goal.pk,
                "title": goal_view.goal.title,
                "description": goal_view.goal.description,
                "status": goal_view.goal.status,
                "competency_id": goal_view.goal.competency_id,
                "actions": goal_view.actions,
            }
            for goal_view in view.goals
        ],
        "progress_percent": view.progress_percent,
    }


@router.get("/growth-plans/{plan_id}", response={200: GrowthPlanDetailOut, **READ_ERRORS})
def growth_plan_get(request: HttpRequest, plan_id: Id) -> Any:
    """One growth plan with its goals and actions."""
    return _plan_detail(request, plan_id)


def _level(code: str) -> Level:
    level = Level.objects.filter(code=code).first()
    if level is None:
        raise ApiInputError(f"There is no level {code!r}.", field="target_level")
    return level


@router.post("/growth-plans", response={201: GrowthPlanDetailOut, **WRITE_ERRORS})
def growth_plan_create(
    request: HttpRequest, payload: GrowthPlanIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Start a person's growth plan (the person or their direct manager)."""
    user = acting_user(request)
    plan = services.growth_plan_create(
        user=user,
        person=_growth_person(user, payload.person_id),
        target_level=_level(payload.target_level),
        summary=payload.summary,
        form_token=idempotency_key,
    )
    return Status(201, _plan_detail(request, plan.pk))


@router.patch(
    "/growth-plans/{plan_id}",
    response={200: GrowthPlanDetailOut, 409: Conflict, **WRITE_ERRORS},
)
def growth_plan_update(request: HttpRequest, plan_id: Id, payload: GrowthPlanPatch) -> Any:
    """Change the target level, status or summary, if nobody changed the plan since
    `version` (else 409)."""
    plan = _plan_view(request, plan_id).plan
    changes = payload.dict(exclude_unset=True)
    services.growth_plan_update(
        user=acting_user(request),
        plan=plan,
        version=changes["version"],
        target_level=_level(changes["target_level"])
        if "target_level" in changes
        else plan.target_level,
        status=changes.get("status", plan.status),
        summary=changes.get("summary", plan.summary),
    )
    return _plan_detail(request, plan_id)


# Goals and actions: each change is based on the plan's `version` and moves it on.


def _competency(competency_id: int | None) -> Competency | None:
    if competency_id is None:
        return None
    competency = Competency.objects.filter(pk=competency_id).first()
    if competency is None:
        raise ApiInputError(f"There is no competency {competency_id}.", field="competency_id")
    return competency


@router.post(
    "/growth-plans/{plan_id}/goals",
    response={201: GrowthPlanDetailOut, 409: Conflict, **WRITE_ERRORS},
)
def growth_goal_add(
    request: HttpRequest, plan_id: Id, payload: GrowthGoalIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Add a goal at the end of the plan; the answer is the plan with it."""
    plan = _plan_view(request, plan_id).plan
    services.growth_goal_add(
        user=acting_user(request),
        plan=plan,
        version=payload.version,
        title=payload.title,
        competency=_competency(payload.competency_id),
        description=payload.description,
        form_token=idempotency_key,
    )
    return Status(201, _plan_detail(request, plan_id))


def _goal_or_404(request: HttpRequest, goal_id: int) -> GrowthGoal:
    goal = selectors.growth_goal_readable(user=acting_user(request), goal_id=goal_id)
    if goal is None:
        raise Http404
    return goal


@router.patch(
    "/growth-goals/{goal_id}",
    response={200: GrowthPlanDetailOut, 409: Conflict, **WRITE_ERRORS},
)
def growth_goal_update(request: HttpRequest, goal_id: Id, payload: GrowthGoalPatch) -> Any:
    """Move a goal to not started, in progress or done; the answer is its plan."""
    goal = _goal_or_404(request, goal_id)
    services.growth_goal_set_status(
        user=acting_user(request), goal=goal, version=payload.version, status=payload.status
    )
    return _plan_detail(request, goal.plan_id)


@router.post(
    "/growth-goals/{goal_id}/actions",
    response={201: GrowthPlanDetailOut, 409: Conflict, **WRITE_ERRORS},
)
def growth_action_add(
    request: HttpRequest,
    goal_id: Id,
    payload: GrowthActionIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Add an action to a goal; the answer is its plan."""
    goal = _goal_or_404(request, goal_id)
    services.growth_action_add(
        user=acting_user(request),
        goal=goal,
        version=payload.version,
        title=payload.title,
        due_date=payload.due_date,
        form_token=idempotency_key,
    )
    return Status(201, _plan_detail(request, goal.plan_id))


@router.patch(
    "/growth-actions/{action_id}",
    response={200: GrowthPlanDetailOut, 409: Conflict, **WRITE_ERRORS},
)
def growth_action_update(request: HttpRequest, action_id: Id, payload: GrowthActionPatch) -> Any:
    """Tick an action off, or open it again; the answer is its plan."""
    action = selectors.growth_action_readable(user=acting_user(request), action_id=action_id)
    if action is None:
        raise Http404
    services.growth_action_set_done(
        user=acting_user(request), action=action, version=payload.version, done=payload.done
    )
    return _plan_detail(request, action.goal.plan_id)
