"""The JSON shapes of the API: what comes in (validated at the edge) and what goes out.

Inputs are bounded like the model fields they end in, so nothing the database would refuse
(an over-long string, a number out of its column's range, a NUL character PostgreSQL cannot
store) gets past the edge: it is a 422 naming the field, never a 500.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Header, Schema
from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from productorg.accounts.models import ApiToken
from productorg.limits import limit
from productorg.once import IDEMPOTENCY_KEY_MAX_LENGTH
from productorg.people.models import (
    ActionItem,
    AgendaItem,
    Assessment,
    GrowthGoal,
    GrowthPlan,
    OneOnOne,
    Person,
    SharedNote,
    Team,
)
from productorg.people.models.growth import EVIDENCE_MAX_LENGTH
from productorg.planning.models import MAX_HORIZON_QUARTERS, PlanRun, Scenario
from productorg.strategy.models import (
    NO_CATEGORY_FILTER,
    Bucket,
    Health,
    ImportSource,
    Initiative,
    InitiativeStatus,
    KeyResult,
    Objective,
    StatusUpdate,
    WorkCategory,
)

# PostgreSQL integer columns end here; a bigger id can name nothing.
MAX_ID = 2**31 - 1
# NUL cannot be stored in a PostgreSQL text column, and a lone surrogate cannot be encoded.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: str) -> str:
    if _UNSTORABLE.search(value):
        raise PydanticCustomError(
            "unstorable_text", "Text must not contain NUL characters or lone surrogates."
        )
    return value


def _text(max_length: int, min_length: int = 0) -> Any:
    """A string bounded like its model field, refusing characters the database cannot store."""
    return Annotated[
        str,
        StringConstraints(max_length=max_length, min_length=min_length),
        AfterValidator(_storable),
    ]


def _decimal(max_digits: int, decimal_places: int, ge: int | None = None) -> Any:
    """A number that fits a DecimalField(max_digits, decimal_places)."""
    return Annotated[Decimal, Field(max_digits=max_digits, decimal_places=decimal_places, ge=ge)]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Title = _text(200, 1)
Name = _text(128)
LongText = _text(20_000)
# Each input below reads its field's one limit from the model (productorg.limits).
InitiativeTitle = _text(limit(Initiative, "title"), 1)
InitiativeDescription = _text(limit(Initiative, "description"))
ObjectiveTitle = _text(limit(Objective, "title"), 1)
ObjectiveDescription = _text(limit(Objective, "description"))
KeyResultMetric = _text(limit(KeyResult, "metric"), 1)
KeyResultUnit = _text(limit(KeyResult, "unit"))
ReportText = _text(4000)
SearchText = _text(200)
Quarter = Annotated[str, Field(pattern=r"^\d{4}-Q[1-4]$")]
Period = Annotated[str, Field(pattern=r"^\d{4}(-(Q[1-4]|H[12]))?$")]
Percent = Annotated[int, Field(ge=0, le=100)]
Score = Annotated[int, Field(ge=0, le=100)]
# Django's PositiveIntegerField on PostgreSQL.
Count = Annotated[int, Field(ge=0, le=MAX_ID)]

Category = Literal[tuple(WorkCategory.values)]
# An initiative's category: "" when nobody chose one yet (imports leave it so).
CategoryValue = Literal[("", *WorkCategory.values)]
CategoryFilter = Literal[(*WorkCategory.values, NO_CATEGORY_FILTER)]
BucketValue = Literal[("", *Bucket.values)]
Status = Literal[tuple(InitiativeStatus.values)]
HealthValue = Literal[tuple(Health.values)]
Source = Literal[tuple(ImportSource.values)]
Cadence = Literal[tuple(OneOnOne.Cadence.values)]
AssessmentKind = Literal[tuple(Assessment.Kind.values)]
AssessmentStatus = Literal[tuple(Assessment.Status.values)]
GrowthPlanStatus = Literal[tuple(GrowthPlan.Status.values)]
GrowthGoalStatus = Literal[tuple(GrowthGoal.Status.values)]
RunStatus = Literal[tuple(PlanRun.Status.values)]
TokenScope = Literal[tuple(ApiToken.Scope.values)]


class Error(Schema):
    """Every refusal: `detail` says why (a list of field errors for a 422), `field` names the
    input at fault when one is."""

    detail: str | list[dict[str, Any]]
    field: str | None = None


class Conflict(Error):
    """A save based on an old version: the version to base the next attempt on."""

    current_version: int


# Responses every operation may give besides its success.
# Every create takes one: a repeat with the same key (a retry after a timeout) answers what the
# first call answered, and creates nothing.
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=IDEMPOTENCY_KEY_MAX_LENGTH,
        description=(
            "Any string of up to 255 characters, yours alone: a repeat of the call with the same "
            "key answers what the first answered (status and body) and creates nothing."
        ),
    ),
]

READ_ERRORS: dict[int, Any] = {401: Error, 404: Error, 422: Error}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 400: Error, 403: Error}


# Teams and people.


class TeamOut(Schema):
    id: int
    name: str
    mission: str
    product_area: str
    product_manager_id: int | None
    leader_id: int | None
    capacity_per_quarter: Decimal
    initiative_count: int | None = None


class TeamFilters(Schema):
    q: SearchText = Field("", description="Part of the team's name.")
    product_area: SearchText = ""


class PersonOut(Schema):
    id: int
    name: str
    email: str
    level: str = Field(..., description="The level's code, e.g. senior-pm.")
    level_name: str
    manager_id: int | None
    active: bool
    start_date: datetime.date | None

    @staticmethod
    def resolve_level(person: Any) -> str:
        return person.level.code

    @staticmethod
    def resolve_level_name(person: Any) -> str:
        return person.level.name


class PeopleFilters(Schema):
    q: SearchText = Field("", description="Part of the person's name.")
    manager: Id | None = Field(None, description="Direct reports of this person.")
    active: bool | None = None


Capacity = _decimal(7, 1, ge=0)


class TeamIn(Schema):
    name: _text(limit(Team, "name"), 1)
    mission: _text(limit(Team, "mission")) = ""
    product_area: _text(limit(Team, "product_area")) = ""
    product_manager_id: Id | None = None
    leader_id: Id | None = None
    capacity_per_quarter: Capacity = Field(Decimal(0), description="Person-weeks per quarter.")


class TeamPatch(Schema):
    """Only the fields given change."""

    name: _text(limit(Team, "name"), 1) = None
    mission: _text(limit(Team, "mission")) = None
    product_area: _text(limit(Team, "product_area")) = None
    product_manager_id: Id | None = None
    leader_id: Id | None = None
    capacity_per_quarter: Capacity = None


class PersonIn(Schema):
    name: _text(limit(Person, "name"), 1)
    email: _text(limit(Person, "email"), 1)
    level: _text(32, 1) = Field(..., description="A level's code, e.g. pm.")
    manager_id: Id | None = None
    start_date: datetime.date | None = None


class PersonPatch(Schema):
    manager_id: Id | None = Field(..., description="Whom the person reports to; null: nobody.")


# Initiatives and status updates.


class TeamEffortOut(Schema):
    team_id: int
    effort: Decimal


class TeamEffortIn(Schema):
    team_id: Id | None = Field(None, description="Empty: the initiative's owning team.")
    effort: _decimal(8, 1, ge=0) = Field(..., le=Decimal("99999.9"))


class InitiativeOut(Schema):
    id: int
    title: str
    description: str
    team_id: int | None
    owner_id: int | None
    category: CategoryValue = Field(description="The work category; '' when none is chosen.")
    bucket: str
    status: str
    health: str
    leadership_level: bool
    value_estimate: Decimal
    effort_estimate: Decimal
    start_quarter: str
    duration_quarters: int
    earliest_start: datetime.date | None
    deadline: datetime.date | None
    reach: int | None
    impact: Decimal | None
    confidence: int | None
    ease: int | None
    business_value: int | None
    time_criticality: int | None
    risk_reduction: int | None
    job_size: int | None
    objective_ids: list[int]
    tags: list[str]
    source: str = Field(description="The tool an import brought it from ('' if made here).")
    source_key: str = Field(description="Its key in that tool, e.g. a Jira issue key.")
    efforts: list[TeamEffortOut]
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_objective_ids(initiative: Any) -> list[int]:
        return [objective.pk for objective in initiative.objectives.all()]

    @staticmethod
    def resolve_tags(initiative: Any) -> list[str]:
        return [tag.name for tag in initiative.tags.all()]

    @staticmethod
    def resolve_efforts(initiative: Any) -> list[dict[str, Any]]:
        return [
            {"team_id": effort.team_id, "effort": effort.effort}
            for effort in initiative.team_efforts.all()
        ]


class InitiativeFilters(Schema):
    status: Status | None = None
    category: CategoryFilter | None = Field(
        None, description=f"A work category, or '{NO_CATEGORY_FILTER}' for those with none."
    )
    health: HealthValue | None = None
    team: Id | None = None
    owner: Id | None = None
    objective: Id | None = None
    tag: SearchText = Field("", description="The exact name of a tag.")
    source: Source | None = Field(None, description="The tool an import brought it from.")
    q: SearchText = Field("", description="Part of the title.")


class InitiativeIn(Schema):
    """A new initiative. Its effort is the sum of `efforts`; health comes from status updates."""

    title: InitiativeTitle
    team_id: Id | None = None
    description: InitiativeDescription = ""
    owner_id: Id | None = None
    category: CategoryValue = Field(
        WorkCategory.FEATURE.value, description="'' leaves the work category unchosen."
    )
    bucket: BucketValue = ""
    status: Status = InitiativeStatus.IDEA.value
    leadership_level: bool = False
    value_estimate: _decimal(10, 1, ge=0) = Decimal(0)
    objective_ids: list[Id] = Field(default_factory=list, max_length=100)
    start_quarter: Quarter | Literal[""] = ""
    duration_quarters: int = Field(1, ge=1, le=8)
    earliest_start: datetime.date | None = None
    deadline: datetime.date | None = None
    reach: Count | None = None
    impact: _decimal(4, 2, ge=0) | None = Field(None, le=10)
    confidence: Percent | None = None
    ease: int | None = Field(None, ge=1, le=10)
    business_value: Score | None = None
    time_criticality: Score | None = None
    risk_reduction: Score | None = None
    job_size: Score | None = None
    efforts: list[TeamEffortIn] = Field(default_factory=list, max_length=50)


class InitiativePatch(Schema):
    """Only the fields given change. `version` is the one the change is based on: a save
    over a newer version is refused with 409."""

    version: Count
    # Defaults are never validated: a field left out stays unset, while an explicit null for
    # a field that cannot be empty is refused.
    title: InitiativeTitle = None
    team_id: Id | None = None
    description: InitiativeDescription = None
    owner_id: Id | None = None
    category: CategoryValue = None
    bucket: BucketValue = None
    status: Status = None
    leadership_level: bool = None
    value_estimate: _decimal(10, 1, ge=0) = None
    objective_ids: list[Id] = Field(None, max_length=100)
    start_quarter: Quarter | Literal[""] = None
    duration_quarters: int = Field(None, ge=1, le=8)
    earliest_start: datetime.date | None = None
    deadline: datetime.date | None = None
    reach: Count | None = None
    impact: _decimal(4, 2, ge=0) | None = Field(None, le=10)
    confidence: Percent | None = None
    ease: int | None = Field(None, ge=1, le=10)
    business_value: Score | None = None
    time_criticality: Score | None = None
    risk_reduction: Score | None = None
    job_size: Score | None = None
    efforts: list[TeamEffortIn] = Field(None, max_length=50)


class StatusUpdateOut(Schema):
    id: int
    initiative_id: int
    author_id: int | None
    date: datetime.date
    health: str
    progress: int
    summary: str
    risks: str
    decisions_needed: str
    created_at: datetime.datetime


class StatusUpdateIn(Schema):
    date: datetime.date
    health: HealthValue
    progress: Percent
    summary: _text(limit(StatusUpdate, "summary"), 1)
    risks: _text(limit(StatusUpdate, "risks")) = ""
    decisions_needed: _text(limit(StatusUpdate, "decisions_needed")) = ""


# Objectives and key results.


class KeyResultOut(Schema):
    id: int
    objective_id: int
    metric: str
    unit: str
    baseline: Decimal
    target: Decimal
    current: Decimal | None
    progress: float
    updated_at: datetime.datetime


class KeyResultIn(Schema):
    """A key result of an objective; with `id`, the existing one it updates."""

    id: Id | None = None
    metric: KeyResultMetric
    unit: KeyResultUnit = ""
    baseline: _decimal(14, 2)
    target: _decimal(14, 2)
    current: _decimal(14, 2) | None = None


class KeyResultNew(Schema):
    """A key result added to an objective."""

    metric: KeyResultMetric
    unit: KeyResultUnit = ""
    baseline: _decimal(14, 2)
    target: _decimal(14, 2)
    current: _decimal(14, 2) | None = None


class KeyResultPatch(Schema):
    """Only the fields given change; the objective's rules apply as when it is saved whole."""

    metric: KeyResultMetric = None
    unit: KeyResultUnit = None
    baseline: _decimal(14, 2) = None
    target: _decimal(14, 2) = None
    current: _decimal(14, 2) | None = None


class KeyResultRecord(Schema):
    current: _decimal(14, 2)


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    period: str
    owner_id: int | None
    parent_id: int | None
    version: int
    key_results: list[KeyResultOut]

    @staticmethod
    def resolve_key_results(objective: Any) -> list[Any]:
        return list(objective.key_results.all())


class ObjectiveFilters(Schema):
    period: Period | None = None
    parent: Id | None = None
    owner: Id | None = None
    q: SearchText = Field("", description="Part of the title.")


class ObjectiveIn(Schema):
    title: ObjectiveTitle
    period: Period
    description: ObjectiveDescription = ""
    owner_id: Id | None = None
    parent_id: Id | None = None
    key_results: list[KeyResultIn] = Field(default_factory=list, max_length=50)


class ObjectivePatch(Schema):
    """Only the fields given change; `key_results`, when given, is the whole new list."""

    version: Count
    title: ObjectiveTitle = None
    period: Period = None
    description: ObjectiveDescription = None
    owner_id: Id | None = None
    parent_id: Id | None = None
    key_results: list[KeyResultIn] = Field(None, max_length=50)


# 1:1s. There is deliberately no private note anywhere here: it is for its author alone,
# and the API never carries it.


class OneOnOneOut(Schema):
    id: int
    manager_id: int
    report_id: int
    cadence: str
    i_am_manager: bool
    current: bool
    last_held: datetime.date | None
    next_date: datetime.date | None
    next_meeting_id: int | None
    overdue: bool


class OneOnOneCadenceOut(Schema):
    """A pair as a leader above it or an admin sees it: who, when and how often, no content."""

    manager_id: int
    report_id: int
    cadence: str | None
    last_held: datetime.date | None
    meetings_last_90_days: int
    overdue: bool
    health: str


class MeetingSummaryOut(Schema):
    id: int
    date: datetime.date
    held: bool
    agenda_count: int
    action_count: int


class ActionItemOut(Schema):
    id: int
    text: str
    owner_id: int
    raised_in_id: int | None
    due_date: datetime.date | None
    done: bool


class OneOnOneDetailOut(OneOnOneOut):
    meetings: list[MeetingSummaryOut]
    open_action_items: list[ActionItemOut]


class AgendaItemOut(Schema):
    id: int
    author_id: int
    text: str
    recurring: bool
    discussed: bool


class SharedNoteOut(Schema):
    id: int
    author_id: int
    text: str
    updated_at: datetime.datetime


class MeetingOut(Schema):
    id: int
    one_on_one_id: int
    date: datetime.date
    held: bool
    agenda_items: list[AgendaItemOut]
    shared_notes: list[SharedNoteOut]
    carried_over: list[ActionItemOut]
    raised_here: list[ActionItemOut]


class OneOnOneIn(Schema):
    report_id: Id
    cadence: Cadence = OneOnOne.Cadence.BIWEEKLY.value


class MeetingIn(Schema):
    date: datetime.date


class AgendaItemIn(Schema):
    text: _text(limit(AgendaItem, "text"), 1)
    recurring: bool = False


class OneOnOnePatch(Schema):
    cadence: Cadence


class MeetingPatch(Schema):
    held: bool = Field(..., description="Whether the meeting took place (not for a future one).")


class SharedNoteIn(Schema):
    text: _text(limit(SharedNote, "text"), 1) = Field(
        ..., description="Markdown, read by both of you."
    )


class ActionItemIn(Schema):
    text: _text(limit(ActionItem, "text"), 1)
    owner_id: Id = Field(..., description="One of the pair.")
    due_date: datetime.date | None = None


class ActionItemPatch(Schema):
    done: bool


# Assessments and growth plans.


def _level_code(source: Any, name: str) -> str:
    """A level's code, from a model or from a summary's dict (a detail is built on one)."""
    level = source[name] if isinstance(source, dict) else getattr(source, name)
    return level if isinstance(level, str) else level.code


class AssessmentOut(Schema):
    id: int
    person_id: int
    author_id: int
    kind: str
    status: str
    level: str
    summary: str
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None

    @staticmethod
    def resolve_level(assessment: Any) -> str:
        return _level_code(assessment, "level")


class RatingOut(Schema):
    competency_id: int
    competency: str
    expectation: str
    score: int | None
    evidence: str


class AssessmentDetailOut(AssessmentOut):
    ratings: list[RatingOut]
    average: float | None


class AssessmentFilters(Schema):
    person: Id | None = None
    kind: AssessmentKind | None = None
    status: AssessmentStatus | None = None


class AssessmentIn(Schema):
    """Start an assessment (or pick up the open draft): self, manager, or a peer's at the
    direct manager's request."""

    person_id: Id
    kind: AssessmentKind
    peer_id: Id | None = None


class RatingIn(Schema):
    """One competency's rating: a score 1 (below) to 4 (next level) and evidence; a null score
    (and no evidence) clears it."""

    competency_id: Id
    score: int | None = Field(..., ge=1, le=4)
    evidence: _text(EVIDENCE_MAX_LENGTH) = ""


class AssessmentPatch(Schema):
    """A draft's ratings (competencies not named keep theirs) and, if given, its summary."""

    ratings: list[RatingIn] = Field(default_factory=list, max_length=200)
    summary: _text(EVIDENCE_MAX_LENGTH) = None


class GrowthActionOut(Schema):
    id: int
    title: str
    due_date: datetime.date | None
    done: bool


class GrowthGoalOut(Schema):
    id: int
    title: str
    description: str
    status: str
    competency_id: int | None
    actions: list[GrowthActionOut]


class GrowthPlanOut(Schema):
    id: int
    person_id: int
    target_level: str
    status: str
    summary: str
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_target_level(plan: Any) -> str:
        return _level_code(plan, "target_level")


class GrowthPlanDetailOut(GrowthPlanOut):
    goals: list[GrowthGoalOut]
    progress_percent: int


class GrowthPlanFilters(Schema):
    person: Id | None = None
    status: GrowthPlanStatus | None = None


class GrowthPlanIn(Schema):
    person_id: Id
    target_level: _text(32, 1) = Field(..., description="A level's code, e.g. senior-pm.")
    # The page's limit too: one limit per Markdown field (docs/editing.md).
    summary: _text(EVIDENCE_MAX_LENGTH) = ""


class GrowthPlanPatch(Schema):
    version: Count
    target_level: _text(32, 1) = None
    status: GrowthPlanStatus = None
    summary: _text(EVIDENCE_MAX_LENGTH) = None


class GrowthGoalIn(Schema):
    version: Count = Field(..., description="The plan's version the change is based on.")
    title: Title
    description: _text(EVIDENCE_MAX_LENGTH) = ""
    competency_id: Id | None = None


class GrowthGoalPatch(Schema):
    version: Count = Field(..., description="The plan's version the change is based on.")
    status: GrowthGoalStatus


class GrowthActionIn(Schema):
    version: Count = Field(..., description="The plan's version the change is based on.")
    title: Title
    due_date: datetime.date | None = None


class GrowthActionPatch(Schema):
    version: Count = Field(..., description="The plan's version the change is based on.")
    done: bool


# Scenarios and plans.


class PlanRunOut(Schema):
    id: int
    scenario_id: int
    status: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    error: str
    applied_at: datetime.datetime | None


class PlanResultOut(Schema):
    """What the planner found: the plan, how good it provably is, why the rest is out."""

    status: str
    objective: float
    bound: float
    gap: float
    starts: dict[str, str]
    left_out: dict[str, str]
    mix: dict[str, float]
    greedy_objective: float
    conflicts: list[str]
    elapsed_s: float
    stopped: bool


class PlanRunDetailOut(PlanRunOut):
    result: PlanResultOut | None


class ScenarioOut(Schema):
    id: int
    name: str
    description: str
    first_quarter: str
    quarters: int
    discount_rate: Decimal
    time_limit_s: int
    copied_from_id: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    latest_run: PlanRunOut | None = None


class ScenarioIn(Schema):
    name: _text(limit(Scenario, "name"), 1)
    description: _text(limit(Scenario, "description")) = ""
    first_quarter: Quarter
    quarters: int = Field(4, ge=1, le=MAX_HORIZON_QUARTERS)
    discount_rate: _decimal(4, 3, ge=0) = Field(Decimal(0), lt=1)
    time_limit_s: int = Field(30, ge=1, le=3600)


class ScenarioPatch(Schema):
    name: _text(limit(Scenario, "name"), 1) = None
    description: _text(limit(Scenario, "description")) = None
    first_quarter: Quarter = None
    quarters: int = Field(None, ge=1, le=MAX_HORIZON_QUARTERS)
    discount_rate: _decimal(4, 3, ge=0) = Field(None, lt=1)
    time_limit_s: int = Field(None, ge=1, le=3600)


class PlanRunStarted(Schema):
    id: int
    status: str


class PlanAppliedOut(PlanRunOut):
    initiatives_moved: int = Field(..., description="Initiatives whose start quarter changed.")


Share = _decimal(4, 3, ge=0)


class ScenarioCapacityIn(Schema):
    team_id: Id
    quarter: Quarter
    capacity: Capacity = Field(..., description="Person-weeks in that quarter.")


class ScenarioCapacitiesIn(Schema):
    """The scenario's capacity overrides, all of them: a team and quarter not listed plans
    with the team's usual capacity."""

    capacities: list[ScenarioCapacityIn] = Field(..., max_length=2000)


class ScenarioCapacityOut(Schema):
    team_id: int
    quarter: str
    capacity: Decimal


class ScenarioCapacitiesOut(Schema):
    capacities: list[ScenarioCapacityOut]


class MixBoundIn(Schema):
    category: Category
    min_share: Share | None = Field(None, le=1, description="0-1; null: 0.")
    max_share: Share | None = Field(None, le=1, description="0-1; null: 1.")


class ScenarioMixBoundsIn(Schema):
    """The scenario's bounds on each work category's share, all of them: a category not
    listed is unbounded."""

    bounds: list[MixBoundIn] = Field(..., max_length=len(WorkCategory.values))


class MixBoundOut(Schema):
    category: str
    min_share: Decimal
    max_share: Decimal


class ScenarioMixBoundsOut(Schema):
    bounds: list[MixBoundOut]


class ScenarioChoicesIn(Schema):
    """Initiatives the plan must include and must leave out, all of them: any other is the
    planner's choice."""

    must: list[Id] = Field(default_factory=list, max_length=2000)
    never: list[Id] = Field(default_factory=list, max_length=2000)


class ScenarioChoicesOut(Schema):
    must: list[int]
    never: list[int]
