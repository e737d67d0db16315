"""Writes of the initiative and objective edit pages: create, update (optimistically locked),
milestones, risks and dependencies.

Every service takes the acting user and checks the rules again, whatever the face checked. A
write the user may not make at all raises `EditingNotAllowed` (faces answer 404, as for a
denied read); bad input raises `EditingError` whose `field` names the input at fault; a save
based on a version someone else has replaced raises `StaleEdit` carrying the object as it is
now. Creates take a form's one-time token: the same token twice gives back the first object.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from productorg import once
from productorg.accounts import permissions
from productorg.accounts.permissions import Role
from productorg.limits import too_long
from productorg.people.models import Person, Team
from productorg.strategy.models import (
    Dependency,
    Initiative,
    InitiativeEffort,
    KeyResult,
    Milestone,
    Objective,
    Risk,
    StatusUpdate,
)
from productorg.strategy.periods import PERIOD_PATTERN, QUARTER_PATTERN
from productorg.strategy.selectors import editing as editing_selectors
from productorg.strategy.services.portfolio import dependency_add, status_update_post

if TYPE_CHECKING:
    import datetime

    from productorg.accounts.models import User

Tokened = TypeVar(
    "Tokened", Dependency, Initiative, KeyResult, Milestone, Objective, Risk, StatusUpdate
)


class EditingError(Exception):
    """Input the rules refuse; the message is for the user, `field` names the input."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class EditingNotAllowed(EditingError):
    """The user may not make this change at all (faces answer 404)."""

    def __init__(self, message: str = "You may not change this.") -> None:
        super().__init__(message)


class StaleEdit(EditingError):
    """Someone saved the object since the user loaded it; `current` is it as saved now."""

    def __init__(self, current: Initiative | Objective, *, me: Person | None = None) -> None:
        what = "initiative" if isinstance(current, Initiative) else "objective"
        if me is not None and current.updated_by_id == me.pk:
            # Their own save from another tab, or from this page before Back: not a rival.
            at = f" at {timezone.localtime(current.updated_at):%H:%M}" if current.updated_at else ""
            message = (
                f"You saved this {what} in another tab or window{at}, so these changes, made on "
                "an older copy of the page, were not saved. What that save changed is listed "
                "below and your input is kept: check it, then save again to overwrite it."
            )
        else:
            who = current.updated_by.name if current.updated_by else "Someone else"
            message = (
                f"{who} saved this {what} while you were editing it, so your changes were not "
                "saved. Their changes are listed below and your input is kept: check it, then "
                "save again to overwrite theirs."
            )
        super().__init__(message)
        self.current = current


# One-time form tokens.


def _create_once(
    model: type[Tokened],
    *,
    user: User | None,
    form_token: uuid.UUID | str | None,
    create: Callable[[uuid.UUID | None], Tokened],
) -> Tokened:
    """`once.create_once`, with a constraint broken for another reason said as an EditingError."""
    try:
        return once.create_once(
            model, user_id=user.pk if user else None, token=form_token, create=create
        )
    except IntegrityError:
        raise EditingError(
            "This could not be saved: the input breaks a rule of the data."
        ) from None


# Initiatives.


@dataclass(frozen=True)
class TeamEffortInput:
    """One team's effort in person-weeks; no team means the initiative's owning team."""

    team: Team | None
    effort: Decimal


@dataclass(frozen=True)
class InitiativeData:
    """Everything the initiative form sets (health comes from status updates, not from here)."""

    title: str
    team: Team | None
    description: str = ""
    owner: Person | None = None
    category: str = Initiative._meta.get_field("category").default
    bucket: str = ""
    status: str = Initiative.Status.IDEA
    leadership_level: bool = False
    value_estimate: Decimal = Decimal(0)
    objectives: list[Objective] = field(default_factory=list)
    start_quarter: str = ""
    duration_quarters: int = 1
    earliest_start: datetime.date | None = None
    deadline: datetime.date | None = None
    reach: int | None = None
    impact: Decimal | None = None
    confidence: int | None = None
    ease: int | None = None
    business_value: int | None = None
    time_criticality: int | None = None
    risk_reduction: int | None = None
    job_size: int | None = None
    efforts: list[TeamEffortInput] = field(default_factory=list)


# The initiative columns InitiativeData sets directly.
INITIATIVE_COLUMNS = [
    "title",
    "description",
    "team",
    "owner",
    "category",
    "bucket",
    "status",
    "leadership_level",
    "value_estimate",
    "start_quarter",
    "duration_quarters",
    "earliest_start",
    "deadline",
    "reach",
    "impact",
    "confidence",
    "ease",
    "business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
]


def _team_efforts(data: InitiativeData) -> dict[Team, Decimal]:
    """The effort per team, a row without a team going to the owning team; refuses
    negative efforts, rows nobody can place and a team given twice."""
    efforts: dict[Team, Decimal] = {}
    for row in data.efforts:
        team = row.team or data.team
        if team is None:
            raise EditingError(
                "Effort per team: choose the team of each row (the initiative has no owning "
                "team to take it).",
                field="efforts",
            )
        if row.effort < 0:
            raise EditingError(
                f"Effort per team: {team.name}'s effort cannot be negative.", field="efforts"
            )
        if team in efforts:
            raise EditingError(
                f"Effort per team: {team.name} has two rows; give each team one.",
                field="efforts",
            )
        efforts[team] = row.effort
    return efforts


def _check_lengths(model: type[models.Model], values: dict[str, object]) -> None:
    problem = too_long(model, values)
    if problem is not None:
        raise EditingError(problem[1], field=problem[0])


def _initiative_check(data: InitiativeData) -> dict[Team, Decimal]:
    if not data.title.strip():
        raise EditingError("Give the initiative a title.", field="title")
    _check_lengths(Initiative, {"title": data.title.strip(), "description": data.description})
    if data.start_quarter and not QUARTER_PATTERN.match(data.start_quarter):
        raise EditingError(
            f"{data.start_quarter!r} is not a quarter: write it like 2027-Q1.",
            field="start_quarter",
        )
    if data.earliest_start and data.deadline and data.deadline < data.earliest_start:
        raise EditingError("The deadline must not be before the earliest start.", field="deadline")
    if data.value_estimate < 0:
        raise EditingError("The value cannot be negative.", field="value_estimate")
    return _team_efforts(data)


def _check_team_allowed(*, user: User, team: Team | None, current: Team | None) -> None:
    """A leader puts an initiative in any team; a PM in a team they lead (or leaves it)."""
    if permissions.role_of(user) == Role.LEADER:
        return
    if team is not None and team == current:
        return
    if (
        team is None
        or not editing_selectors.initiative_teams_for(user=user).filter(pk=team.pk).exists()
    ):
        raise EditingError("Choose a team whose product manager you are.", field="team")


def _initiative_efforts_save(initiative: Initiative, efforts: dict[Team, Decimal]) -> None:
    initiative.team_efforts.all().delete()
    InitiativeEffort.objects.bulk_create(
        InitiativeEffort(initiative=initiative, team=team, effort=effort)
        for team, effort in efforts.items()
    )


def initiative_create(
    *, user: User, data: InitiativeData, form_token: uuid.UUID | None = None
) -> Initiative:
    """Start an initiative; its effort is the sum of its team efforts. The same form token
    twice (a double-clicked submit) gives back the initiative the first made."""
    if not permissions.can_create_initiative(user):
        raise EditingNotAllowed
    _check_team_allowed(user=user, team=data.team, current=None)
    efforts = _initiative_check(data)

    def create(stored_token: uuid.UUID | None) -> Initiative:
        initiative = Initiative.objects.create(
            **{column: getattr(data, column) for column in INITIATIVE_COLUMNS},
            effort_estimate=sum(efforts.values(), Decimal(0)),
            form_token=stored_token,
            updated_by=permissions.person_of(user),
        )
        initiative.objectives.set(data.objectives)
        _initiative_efforts_save(initiative, efforts)
        return initiative

    return _create_once(Initiative, user=user, form_token=form_token, create=create)


def initiative_current(initiative_id: int) -> Initiative:
    """An initiative as saved now, with what the conflict table compares."""
    return (
        Initiative.objects.select_related("team", "owner", "updated_by")
        .prefetch_related(
            "objectives",
            Prefetch("team_efforts", queryset=InitiativeEffort.objects.select_related("team")),
        )
        .get(pk=initiative_id)
    )


def initiative_update(
    *,
    user: User,
    initiative: Initiative,
    version: int,
    data: InitiativeData,
    merge: Callable[[Initiative], InitiativeData | None] | None = None,
) -> Initiative:
    """Save the form over the initiative, if nobody saved it since `version` was loaded.

    The conditional update is the optimistic lock: of two saves based on the same version,
    exactly one matches the row. For the other, `merge` (the form's) puts the user's changes
    on the initiative as it is now when they touch none of the fields changed since; without
    a merge, it raises StaleEdit with the initiative as it is now.
    """
    if not permissions.can_change_initiative(user, initiative):
        raise EditingNotAllowed
    _check_team_allowed(user=user, team=data.team, current=initiative.team)
    efforts = _initiative_check(data)
    me = permissions.person_of(user)
    try:
        with transaction.atomic():
            for _attempt in range(2):
                claimed = Initiative.objects.filter(pk=initiative.pk, version=version).update(
                    **{column: getattr(data, column) for column in INITIATIVE_COLUMNS},
                    effort_estimate=sum(efforts.values(), Decimal(0)),
                    version=F("version") + 1,
                    updated_by=me,
                    updated_at=timezone.now(),
                )
                if claimed:
                    break
                current = initiative_current(initiative.pk)
                merged = merge(current) if merge is not None and _attempt == 0 else None
                if merged is None:
                    raise StaleEdit(current, me=me)
                data, version, efforts = merged, current.version, _initiative_check(merged)
            initiative.objectives.set(data.objectives)
            _initiative_efforts_save(initiative, efforts)
    except Initiative.DoesNotExist:
        raise EditingNotAllowed("This initiative was deleted meanwhile.") from None
    except IntegrityError:
        raise EditingError(
            "This could not be saved: the input breaks a rule of the data."
        ) from None
    return initiative_current(initiative.pk)


# Dependencies, milestones and risks: their own rows, so no version of the initiative moves.


def _changer(user: User, initiative: Initiative) -> None:
    if not permissions.can_change_initiative(user, initiative):
        raise EditingNotAllowed


def initiative_dependency_add(
    *,
    user: User,
    initiative: Initiative,
    depends_on: Initiative,
    form_token: uuid.UUID | str | None = None,
) -> Dependency:
    """Make the initiative wait for another; a cycle or a repeat is refused, the cycle named.
    The same form token twice gives back the dependency the first made."""
    _changer(user, initiative)

    def create(stored_token: uuid.UUID | None) -> Dependency:
        if initiative.dependencies.filter(depends_on=depends_on).exists():
            raise EditingError(f"It already waits for {depends_on.title}.", field="depends_on")
        try:
            dependency = dependency_add(initiative=initiative, depends_on=depends_on)
        except ValidationError as error:
            messages = error.message_dict.get("depends_on") or error.messages
            raise EditingError(messages[0], field="depends_on") from None
        if stored_token is not None:
            Dependency.objects.filter(pk=dependency.pk).update(form_token=stored_token)
            dependency.form_token = stored_token
        return dependency

    return _create_once(Dependency, user=user, form_token=form_token, create=create)


@transaction.atomic
def initiative_dependency_remove(*, user: User, dependency: Dependency) -> None:
    """Let the initiative start without waiting for that one."""
    _changer(user, dependency.initiative)
    dependency.delete()


def _text(value: str, *, name: str, model: type[models.Model], missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise EditingError(missing, field=name)
    _check_lengths(model, {name: value})
    return value


@transaction.atomic
def milestone_add(
    *,
    user: User,
    initiative: Initiative,
    title: str,
    due: datetime.date,
    form_token: uuid.UUID | str | None = None,
) -> Milestone:
    """Add a dated milestone to the initiative (once per form token)."""
    _changer(user, initiative)
    title = _text(title, name="title", model=Milestone, missing="Give the milestone a title.")
    return _create_once(
        Milestone,
        user=user,
        form_token=form_token,
        create=lambda stored_token: Milestone.objects.create(
            initiative=initiative, title=title, due=due, form_token=stored_token
        ),
    )


@transaction.atomic
def milestone_toggle(*, user: User, milestone: Milestone, done: bool) -> Milestone:
    """Mark a milestone done, or not done again (the state is explicit, so a double click
    leaves it where the user meant)."""
    _changer(user, milestone.initiative)
    milestone.done = done
    milestone.save(update_fields=["done"])
    return milestone


@transaction.atomic
def risk_add(
    *,
    user: User,
    initiative: Initiative,
    description: str,
    severity: str,
    mitigation: str = "",
    form_token: uuid.UUID | str | None = None,
) -> Risk:
    """Record an open risk of the initiative, with its severity and how it is mitigated (once
    per form token)."""
    _changer(user, initiative)
    description = _text(description, name="description", model=Risk, missing="Describe the risk.")
    if severity not in Risk.Severity.values:
        raise EditingError("Severity: choose low, medium or high.", field="severity")
    mitigation = (mitigation or "").strip()
    _check_lengths(Risk, {"mitigation": mitigation})
    return _create_once(
        Risk,
        user=user,
        form_token=form_token,
        create=lambda stored_token: Risk.objects.create(
            initiative=initiative,
            description=description,
            severity=severity,
            mitigation=mitigation,
            form_token=stored_token,
        ),
    )


@transaction.atomic
def risk_close(*, user: User, risk: Risk) -> Risk:
    """Close a risk: it stays listed, as closed."""
    _changer(user, risk.initiative)
    risk.closed = True
    risk.save(update_fields=["closed"])
    return risk


def status_update_post_once(
    *,
    user: User,
    initiative: Initiative,
    author: Person | None,
    form_token: uuid.UUID | str | None,
    **fields,
) -> StatusUpdate:
    """Post a status update (see status_update_post) once per form token: a double-clicked
    submit gives back the update the first click posted."""

    def create(stored_token: uuid.UUID | None) -> StatusUpdate:
        update = status_update_post(initiative=initiative, author=author, **fields)
        if stored_token is not None:
            # Inside the same transaction: a concurrent twin fails here and is rolled back.
            StatusUpdate.objects.filter(pk=update.pk).update(form_token=stored_token)
            update.form_token = stored_token
        return update

    return _create_once(StatusUpdate, user=user, form_token=form_token, create=create)


# Objectives.


@dataclass(frozen=True)
class KeyResultInput:
    """A key result row of the objective form; `key_result_id` is set for an existing one."""

    metric: str
    baseline: Decimal
    target: Decimal
    unit: str = ""
    current: Decimal | None = None
    key_result_id: int | None = None


@dataclass(frozen=True)
class ObjectiveData:
    title: str
    period: str
    description: str = ""
    owner: Person | None = None
    parent: Objective | None = None
    key_results: list[KeyResultInput] = field(default_factory=list)


def _objective_check(data: ObjectiveData, objective: Objective | None) -> None:
    if not data.title.strip():
        raise EditingError("Give the objective a title.", field="title")
    _check_lengths(Objective, {"title": data.title.strip(), "description": data.description})
    if not PERIOD_PATTERN.match(data.period or ""):
        raise EditingError(
            f"{data.period!r} is not a period: write a year, a half or a quarter, "
            "such as 2027, 2027-H1 or 2027-Q1.",
            field="period",
        )
    for row in data.key_results:
        if not row.metric.strip():
            raise EditingError("Key results: give each key result a metric.", field="key_results")
        problem = too_long(KeyResult, {"metric": row.metric.strip(), "unit": row.unit.strip()})
        if problem is not None:
            raise EditingError(f"Key results: {problem[1]}", field="key_results")
        if row.baseline == row.target:
            raise EditingError(
                f"Key results: the target of {row.metric} must differ from its baseline.",
                field="key_results",
            )
    if objective is not None and data.parent is not None:
        cycle = objective_parent_cycle(objective=objective, parent=data.parent)
        if cycle:
            path = " → ".join(step.title for step in cycle)
            raise EditingError(f"This would make the cascade a cycle: {path}.", field="parent")


def objective_parent_cycle(*, objective: Objective, parent: Objective) -> list[Objective]:
    """The cycle that making `parent` the objective's parent would close, from the objective
    back to it, or [] when there is none."""
    parents = dict(Objective.objects.values_list("pk", "parent_id"))
    parents[objective.pk] = parent.pk
    chain, seen, current = [objective.pk], {objective.pk}, parent.pk
    while current is not None and current not in seen:
        chain.append(current)
        seen.add(current)
        current = parents.get(current)
    if current != objective.pk:
        return []
    titles = dict(Objective.objects.filter(pk__in=chain).values_list("pk", "title"))
    titles[objective.pk] = objective.title
    return [Objective(pk=pk, title=titles[pk]) for pk in [*chain, objective.pk]]


def _key_results_save(objective: Objective, rows: list[KeyResultInput]) -> None:
    """Make the objective's key results the rows: update those named, add the new ones and
    delete the rest. A row naming a key result the objective no longer has is added anew."""
    existing = {key_result.pk: key_result for key_result in objective.key_results.all()}
    kept: set[int] = set()
    for row in rows:
        values = {
            "metric": row.metric.strip(),
            "unit": row.unit.strip(),
            "baseline": row.baseline,
            "target": row.target,
            "current": row.current,
        }
        key_result = existing.get(row.key_result_id) if row.key_result_id else None
        if key_result is None:
            KeyResult.objects.create(objective=objective, **values)
            continue
        kept.add(key_result.pk)
        # An unchanged key result keeps its updated_at: it says when the metric last moved.
        if any(getattr(key_result, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(key_result, name, value)
            key_result.save()
    KeyResult.objects.filter(objective=objective).exclude(pk__in=kept).filter(
        pk__in=list(existing)
    ).delete()


def objective_create(
    *, user: User, data: ObjectiveData, form_token: uuid.UUID | None = None
) -> Objective:
    """Add an objective with its key results; the same form token twice gives back the first."""
    if not permissions.can_change_strategy(user):
        raise EditingNotAllowed
    _objective_check(data, None)

    def create(stored_token: uuid.UUID | None) -> Objective:
        objective = Objective.objects.create(
            title=data.title.strip(),
            description=data.description.strip(),
            period=data.period,
            owner=data.owner,
            parent=data.parent,
            form_token=stored_token,
            updated_by=permissions.person_of(user),
            updated_at=timezone.now(),
        )
        _key_results_save(objective, data.key_results)
        return objective

    return _create_once(Objective, user=user, form_token=form_token, create=create)


def objective_current(objective_id: int) -> Objective:
    """An objective as saved now, with what the conflict table compares."""
    return (
        Objective.objects.select_related("owner", "parent", "updated_by")
        .prefetch_related("key_results")
        .get(pk=objective_id)
    )


def key_result_add(
    *,
    user: User,
    objective: Objective,
    data: ObjectiveData,
    form_token: uuid.UUID | str | None = None,
) -> KeyResult:
    """Save the objective as `data` says: its key results and one new one (see
    objective_update, based on the objective's version as loaded); gives back the new key
    result. The same form token twice gives back the one the first added."""
    kept = [row.key_result_id for row in data.key_results if row.key_result_id]

    def create(stored_token: uuid.UUID | None) -> KeyResult:
        objective_update(user=user, objective=objective, version=objective.version, data=data)
        key_result = objective.key_results.exclude(pk__in=kept).order_by("-pk").first()
        if key_result is None:
            raise EditingError("Give the new key result a metric.", field="key_results")
        KeyResult.objects.filter(pk=key_result.pk).update(form_token=stored_token)
        key_result.form_token = stored_token
        return key_result

    return _create_once(KeyResult, user=user, form_token=form_token, create=create)


def objective_update(
    *,
    user: User,
    objective: Objective,
    version: int,
    data: ObjectiveData,
    merge: Callable[[Objective], ObjectiveData | None] | None = None,
) -> Objective:
    """Save the form over the objective, if nobody saved it since `version` was loaded (or
    `merge` puts the user's changes on it as it is now, as for initiatives); a parent that
    would make the cascade a cycle is refused with the cycle named."""
    if not permissions.can_change_strategy(user):
        raise EditingNotAllowed
    _objective_check(data, objective)
    me = permissions.person_of(user)
    try:
        with transaction.atomic():
            for _attempt in range(2):
                claimed = Objective.objects.filter(pk=objective.pk, version=version).update(
                    title=data.title.strip(),
                    description=data.description.strip(),
                    period=data.period,
                    owner=data.owner,
                    parent=data.parent,
                    version=F("version") + 1,
                    updated_by=me,
                    updated_at=timezone.now(),
                )
                if claimed:
                    break
                current = objective_current(objective.pk)
                merged = merge(current) if merge is not None and _attempt == 0 else None
                if merged is None:
                    raise StaleEdit(current, me=me)
                _objective_check(merged, objective)
                data, version = merged, current.version
            _key_results_save(objective, data.key_results)
    except Objective.DoesNotExist:
        raise EditingNotAllowed("This objective was deleted meanwhile.") from None
    except IntegrityError:
        raise EditingError(
            "This could not be saved: the input breaks a rule of the data."
        ) from None
    return objective_current(objective.pk)
