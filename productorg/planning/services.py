"""Writes of the planner: scenarios and their inputs, plan runs (start, execute, stop) and
applying a plan to the roadmap.

A plan runs as a background job (`tasks.plan_run_execute_task`, django-tasks' database
backend and its worker), or in-process from the CLI; both go through `plan_run_execute`,
which records progress on the PlanRun row so that pages can show it while the search goes.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from productorg import once
from productorg.accounts import permissions
from productorg.limits import check_instance
from productorg.people.models import Team
from productorg.planning import selectors
from productorg.planning.engine.io import problem_as_dict
from productorg.planning.engine.model import Problem, ProgressPoint, result_as_dict
from productorg.planning.engine.solve import solve
from productorg.planning.engine.validation import InputError, problem_errors
from productorg.planning.models import (
    PlanRun,
    Scenario,
    ScenarioCapacity,
    ScenarioChoice,
    ScenarioMixBound,
)
from productorg.strategy.models import (
    BalanceDimension,
    Initiative,
    MixTarget,
    WorkCategory,
)
from productorg.strategy.periods import QUARTER_PATTERN

if TYPE_CHECKING:
    from productorg.accounts.models import User

logger = logging.getLogger(__name__)

# Progress goes to the row, and the stop flag is read from it, at most this often.
PROGRESS_INTERVAL_S = 1.0
# A run still "running" this long after its time limit lost its worker (stopped or killed).
ABANDONED_AFTER_S = 600


class PlanningError(Exception):
    """Input the planner refuses; the message is for the user, `field` names the input."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PlanRunActive(PlanningError):
    """The scenario is being planned already: one run at a time per scenario."""

    def __init__(self, plan_run: PlanRun) -> None:
        super().__init__(
            f"{plan_run.scenario.name} is being planned already (run {plan_run.pk}, "
            f"{plan_run.get_status_display().lower()}): wait for it or stop it first."
        )
        self.plan_run = plan_run


class PlanNotApplicable(PlanningError):
    """The run has no plan that could be applied."""


# Scenarios.


def _scenario_check(scenario: Scenario) -> None:
    """The model's own validation, as a PlanningError naming the first field at fault."""
    try:
        # full_clean leaves a TextField's max_length out: check_instance holds it.
        check_instance(scenario)
        scenario.full_clean(exclude=["created_by", "copied_from"], validate_unique=False)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise PlanningError(messages[0], field=name) from None
    if scenario.discount_rate >= 1:
        # The engine discounts by (1 + rate) ** quarters; it takes rates below 100 %.
        raise PlanningError("The discount must be below 1 (100 %).", field="discount_rate")
    if Scenario.objects.filter(name=scenario.name).exclude(pk=scenario.pk).exists():
        raise PlanningError(f"A scenario named {scenario.name!r} exists already.", field="name")


def _scenario_save(scenario: Scenario) -> Scenario:
    _scenario_check(scenario)
    try:
        with transaction.atomic():
            scenario.save()
    except IntegrityError:
        # A scenario of the same name saved between the check and the write.
        raise PlanningError(
            f"A scenario named {scenario.name!r} exists already.", field="name"
        ) from None
    return scenario


def scenario_create(
    *,
    name: str,
    first_quarter: str,
    quarters: int,
    discount_rate: Decimal | float,
    time_limit_s: int,
    created_by: User | None,
    description: str = "",
    form_token: uuid.UUID | str | None = None,
) -> Scenario:
    """A new scenario; its mix bounds start from the org's work-category targets, if any. The
    same form token twice gives back the scenario the first made."""

    def create(stored_token: uuid.UUID | None) -> Scenario:
        scenario = Scenario(
            name=name.strip(),
            description=description,
            first_quarter=first_quarter,
            quarters=quarters,
            discount_rate=Decimal(str(discount_rate)),
            time_limit_s=time_limit_s,
            created_by=created_by,
            form_token=stored_token,
        )
        _scenario_save(scenario)
        ScenarioMixBound.objects.bulk_create(
            ScenarioMixBound(scenario=scenario, category=category, min_share=low, max_share=high)
            for category, (low, high) in mix_bounds_from_targets(
                first_quarter=first_quarter
            ).items()
        )
        return scenario

    return once.create_once(
        Scenario, user_id=created_by and created_by.pk, token=form_token, create=create
    )


def mix_bounds_from_targets(*, first_quarter: str) -> dict[str, tuple[Decimal, Decimal]]:
    """The org's work-category targets as share bounds (target ± tolerance, within 0-1).

    The targets of the horizon's year if set, else of the half, else of the quarter the
    horizon starts in (the demo sets halves); {} when the org has none."""
    year, number = first_quarter.split("-Q")
    half = f"{year}-H{1 if int(number) <= 2 else 2}"
    targets = list(
        MixTarget.objects.filter(
            dimension__initiative_field=BalanceDimension.Field.CATEGORY,
            team__isnull=True,
            period__in=[year, half, first_quarter],
        ).values_list("period", "value__key", "share", "tolerance")
    )
    for period in (year, half, first_quarter):
        chosen = [row for row in targets if row[0] == period]
        if chosen:
            hundred = Decimal(100)
            return {
                key: (
                    max(Decimal(0), (share - tolerance) / hundred),
                    min(Decimal(1), (share + tolerance) / hundred),
                )
                for _, key, share, tolerance in chosen
                if key in WorkCategory.values
            }
    return {}


def scenario_update(
    *,
    scenario: Scenario,
    name: str | None = None,
    description: str | None = None,
    first_quarter: str | None = None,
    quarters: int | None = None,
    discount_rate: Decimal | float | None = None,
    time_limit_s: int | None = None,
) -> Scenario:
    """Change the scenario's settings; an argument left None keeps its value."""
    changes: dict[str, Any] = {
        "name": None if name is None else name.strip(),
        "description": description,
        "first_quarter": first_quarter,
        "quarters": quarters,
        "discount_rate": None if discount_rate is None else Decimal(str(discount_rate)),
        "time_limit_s": time_limit_s,
    }
    for column, value in changes.items():
        if value is not None:
            setattr(scenario, column, value)
    return _scenario_save(scenario)


@transaction.atomic
def scenario_copy(
    *,
    scenario: Scenario,
    name: str,
    created_by: User | None,
    form_token: uuid.UUID | str | None = None,
) -> Scenario:
    """A new scenario with the same settings, capacities, mix bounds and must/never lists. The
    same form token twice gives back the copy the first made."""
    return once.create_once(
        Scenario,
        user_id=created_by and created_by.pk,
        token=form_token,
        create=lambda stored_token: _scenario_copy(
            scenario=scenario, name=name, created_by=created_by, form_token=stored_token
        ),
    )


def _scenario_copy(
    *, scenario: Scenario, name: str, created_by: User | None, form_token: uuid.UUID | None
) -> Scenario:
    copy = Scenario(
        name=name.strip(),
        description=scenario.description,
        first_quarter=scenario.first_quarter,
        quarters=scenario.quarters,
        discount_rate=scenario.discount_rate,
        time_limit_s=scenario.time_limit_s,
        copied_from=scenario,
        created_by=created_by,
        form_token=form_token,
    )
    _scenario_save(copy)
    ScenarioCapacity.objects.bulk_create(
        ScenarioCapacity(scenario=copy, team_id=team_id, quarter=quarter, capacity=capacity)
        for team_id, quarter, capacity in scenario.capacities.values_list(
            "team_id", "quarter", "capacity"
        )
    )
    ScenarioMixBound.objects.bulk_create(
        ScenarioMixBound(scenario=copy, category=category, min_share=low, max_share=high)
        for category, low, high in scenario.mix_bounds.values_list(
            "category", "min_share", "max_share"
        )
    )
    ScenarioChoice.objects.bulk_create(
        ScenarioChoice(scenario=copy, initiative_id=initiative_id, choice=choice)
        for initiative_id, choice in scenario.choices.values_list("initiative_id", "choice")
    )
    return copy


def scenario_capacity_set(
    *, scenario: Scenario, team: Team, quarter: str, capacity: Decimal | float | None
) -> ScenarioCapacity | None:
    """Set a team's capacity for one quarter of the scenario; None goes back to the team's."""
    if not QUARTER_PATTERN.match(quarter):
        raise PlanningError(
            f"{quarter!r} is not a quarter: write it like 2027-Q1.", field="quarter"
        )
    if capacity is None:
        ScenarioCapacity.objects.filter(scenario=scenario, team=team, quarter=quarter).delete()
        return None
    capacity = Decimal(str(capacity))
    if not capacity.is_finite() or capacity < 0:
        raise PlanningError("Capacity must be zero or more person-weeks.", field="capacity")
    row, _ = ScenarioCapacity.objects.update_or_create(
        scenario=scenario, team=team, quarter=quarter, defaults={"capacity": capacity}
    )
    return row


def scenario_mix_bound_set(
    *,
    scenario: Scenario,
    category: str,
    min_share: Decimal | float | None,
    max_share: Decimal | float | None,
) -> ScenarioMixBound | None:
    """Bound a category's share of planned effort (0-1); both None removes the bound."""
    if category not in WorkCategory.values:
        raise PlanningError(f"{category!r} is not a work category.", field="category")
    if min_share is None and max_share is None:
        ScenarioMixBound.objects.filter(scenario=scenario, category=category).delete()
        return None
    low = Decimal(0) if min_share is None else Decimal(str(min_share))
    high = Decimal(1) if max_share is None else Decimal(str(max_share))
    for value, field in ((low, "min_share"), (high, "max_share")):
        if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
            raise PlanningError("A share is between 0 and 1 (0 % and 100 %).", field=field)
    if low > high:
        raise PlanningError("The least share must not be above the most.", field="min_share")
    row, _ = ScenarioMixBound.objects.update_or_create(
        scenario=scenario, category=category, defaults={"min_share": low, "max_share": high}
    )
    return row


def scenario_choice_set(
    *, scenario: Scenario, initiative: Initiative, choice: str | None
) -> ScenarioChoice | None:
    """Make the scenario plan an initiative ("must"), leave it out ("never"), or neither."""
    if choice is None or choice == "":
        ScenarioChoice.objects.filter(scenario=scenario, initiative=initiative).delete()
        return None
    if choice not in ScenarioChoice.Choice.values:
        raise PlanningError(f"{choice!r} is neither must nor never.", field="choice")
    row, _ = ScenarioChoice.objects.update_or_create(
        scenario=scenario, initiative=initiative, defaults={"choice": choice}
    )
    return row


def scenario_delete(*, scenario: Scenario) -> None:
    """Delete the scenario with its inputs and runs (a run under way is asked to stop)."""
    with transaction.atomic():
        scenario.runs.filter(status=PlanRun.Status.RUNNING).update(stop_requested=True)
        scenario.delete()


# Plan runs.


def _abandoned_runs_close(scenario: Scenario) -> None:
    """Mark runs whose worker died (still 'running' long after their time limit) as failed."""
    now = timezone.now()
    for run in scenario.runs.filter(status=PlanRun.Status.RUNNING).only(
        "pk", "started_at", "created_at"
    ):
        began = run.started_at or run.created_at
        if (now - began).total_seconds() > scenario.time_limit_s + ABANDONED_AFTER_S:
            PlanRun.objects.filter(pk=run.pk, status=PlanRun.Status.RUNNING).update(
                status=PlanRun.Status.FAILED,
                finished_at=now,
                error="The run stopped without finishing: its worker was stopped or died.",
            )


def _stored_problem(built: selectors.ScenarioProblem) -> dict[str, Any]:
    """The engine's input as the file interface writes it, plus the adapter's reasons."""
    data = problem_as_dict(built.problem)
    data[selectors.NOTES_KEY] = built.notes
    data[selectors.CAPACITY_NOTES_KEY] = built.capacity_notes
    return data


def _problem_check(problem: Problem) -> None:
    """Refuse a problem the engine would reject (a dependency cycle the database let in, say),
    naming initiatives and teams by their titles rather than by JSON paths."""
    errors = problem_errors(problem)
    if not errors:
        return
    names = {f"initiatives[{i}]": f"{x.title or x.id}" for i, x in enumerate(problem.initiatives)}
    names |= {f"teams[{i}]": f"team {x.id}" for i, x in enumerate(problem.teams)}

    def described(error: InputError) -> str:
        head, dot, rest = error.path.partition(".")
        where = names.get(head, head) + (f" ({rest})" if dot else "")
        return f"{where}: {error.message}"

    raise PlanningError(
        "The portfolio cannot be planned as it is: "
        + "; ".join(described(error) for error in errors[:5])
        + ("; …" if len(errors) > 5 else "")
    )


def plan_run_create(
    *, scenario: Scenario, requested_by: User | None, form_token: uuid.UUID | None = None
) -> PlanRun:
    """A queued run holding the scenario's problem as of now; refused while one is under way.
    `form_token` is stored as given (see plan_run_start)."""
    with transaction.atomic():
        # Locking the scenario row makes two simultaneous starts take turns.
        Scenario.objects.select_for_update().filter(pk=scenario.pk).first()
        _abandoned_runs_close(scenario)
        active = selectors.plan_run_active(scenario=scenario)
        if active is not None:
            raise PlanRunActive(active)
        built = selectors.scenario_problem(scenario=scenario)
        _problem_check(built.problem)
        return PlanRun.objects.create(
            scenario=scenario,
            requested_by=requested_by,
            problem=_stored_problem(built),
            form_token=form_token,
        )


def plan_run_start(
    *,
    scenario: Scenario,
    requested_by: User | None,
    form_token: uuid.UUID | str | None = None,
) -> PlanRun:
    """Queue a plan of the scenario for the worker; refused (PlanRunActive) while one runs.
    The same form token twice gives back the run the first queued, not that refusal."""
    from productorg.planning.tasks import plan_run_execute_task

    def create(stored_token: uuid.UUID | None) -> PlanRun:
        run = plan_run_create(scenario=scenario, requested_by=requested_by, form_token=stored_token)
        # Enqueued after commit, so the worker never looks for a row it cannot see yet.
        transaction.on_commit(lambda: plan_run_execute_task.enqueue(run.pk))
        return run

    return once.create_once(
        PlanRun, user_id=requested_by and requested_by.pk, token=form_token, create=create
    )


class _ProgressRecorder:
    """Keeps the search's progress points and writes them to the run at most once a second;
    reads the run's stop flag as often. Only the thread that runs the plan touches the
    database (a solver callback from another thread would open a connection of its own)."""

    def __init__(
        self,
        plan_run_id: int,
        on_progress: Callable[[ProgressPoint], None] | None,
        caller_stop: Callable[[], bool] | None,
    ) -> None:
        self.plan_run_id = plan_run_id
        self.on_progress = on_progress
        self.caller_stop = caller_stop
        self.points: list[dict[str, Any]] = []
        self.thread = threading.get_ident()
        self.written_at = 0.0
        self.written_count = 0
        self.checked_at = 0.0
        self.stop = False

    def point(self, point: ProgressPoint) -> None:
        self.points.append(dataclasses.asdict(point))
        if self.on_progress is not None:
            self.on_progress(point)
        now = time.monotonic()
        if now - self.written_at >= PROGRESS_INTERVAL_S and self._in_own_thread():
            self.write()
            self.written_at = now

    def write(self) -> None:
        if len(self.points) != self.written_count:
            PlanRun.objects.filter(pk=self.plan_run_id).update(progress=list(self.points))
            self.written_count = len(self.points)

    def should_stop(self) -> bool:
        if not self.stop and self.caller_stop is not None and self.caller_stop():
            self.stop = True
        now = time.monotonic()
        if not self.stop and now - self.checked_at >= PROGRESS_INTERVAL_S and self._in_own_thread():
            self.checked_at = now
            self.stop = PlanRun.objects.filter(pk=self.plan_run_id, stop_requested=True).exists()
        return self.stop

    def _in_own_thread(self) -> bool:
        return threading.get_ident() == self.thread


def plan_run_execute(
    *,
    plan_run_id: int,
    on_progress: Callable[[ProgressPoint], None] | None = None,
    time_limit_s: float | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> PlanRun:
    """Plan a queued run: progress on the row as it goes, then the result (DONE, or STOPPED
    with the best plan so far when a stop was asked), or FAILED with the error.

    A run no longer queued (stopped before it began, or taken by another worker) is left as it
    is. `time_limit_s` overrides the scenario's (the CLI's --time-limit); `should_stop` is a
    stop request of the caller's own, beside the run's flag (the CLI's Ctrl-C)."""
    claimed = PlanRun.objects.filter(pk=plan_run_id, status=PlanRun.Status.QUEUED).update(
        status=PlanRun.Status.RUNNING, started_at=timezone.now()
    )
    run = PlanRun.objects.select_related("scenario").get(pk=plan_run_id)
    if not claimed:
        logger.info("Plan run %s is %s, not queued: nothing to do.", run.pk, run.status)
        return run
    recorder = _ProgressRecorder(run.pk, on_progress, should_stop)
    limit = float(time_limit_s if time_limit_s is not None else run.scenario.time_limit_s)
    try:
        stored = selectors.problem_from_stored(run.problem)
        result = solve(
            stored.problem,
            time_limit_s=limit,
            on_progress=recorder.point,
            should_stop=recorder.should_stop,
        )
    except Exception as error:
        logger.exception("Plan run %s failed", run.pk)
        _run_failed(run, recorder, f"{type(error).__name__}: {error}")
        run.refresh_from_db()
        return run
    except BaseException:
        # Ctrl-C, or the worker forced to quit: record it, then let the process end.
        _run_failed(run, recorder, "Interrupted before it finished.")
        raise
    # The adapter knows better than the engine why an impossible initiative is out.
    for key, reason in stored.notes.items():
        if key in result.left_out:
            result.left_out[key] = reason
    # Stopped when the search saw the request; one that came after it ended changes nothing.
    stopped = result.stopped or recorder.stop
    if not recorder.points or recorder.points[-1] != dataclasses.asdict(result.history[-1]):
        # The final point, so that the progress trail ends where the result is.
        recorder.points += [dataclasses.asdict(point) for point in result.history[-1:]]
    PlanRun.objects.filter(pk=run.pk).update(
        status=PlanRun.Status.STOPPED if stopped else PlanRun.Status.DONE,
        result=result_as_dict(result),
        progress=recorder.points,
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def _run_failed(run: PlanRun, recorder: _ProgressRecorder, error: str) -> None:
    recorder.write()
    PlanRun.objects.filter(pk=run.pk).update(
        status=PlanRun.Status.FAILED, error=error, finished_at=timezone.now()
    )


def plan_run_fail(*, plan_run_id: int, error: BaseException) -> None:
    """Mark a run that stopped on an unexpected error (outside the solve, which records its
    own) failed with the error, so its page stops waiting; a finished run is left alone."""
    text = (str(error).strip().splitlines() or [""])[0][:300]
    PlanRun.objects.filter(
        pk=plan_run_id, status__in=[PlanRun.Status.QUEUED, PlanRun.Status.RUNNING]
    ).update(
        status=PlanRun.Status.FAILED,
        error=f"{type(error).__name__}: {text}" if text else type(error).__name__,
        finished_at=timezone.now(),
    )


def plan_run_stop(*, plan_run: PlanRun) -> PlanRun:
    """Stop a run: a queued one at once (no plan), a running one at its next check, keeping
    the best plan found so far. A finished run is left as it is."""
    now = timezone.now()
    with transaction.atomic():
        PlanRun.objects.filter(pk=plan_run.pk, status=PlanRun.Status.QUEUED).update(
            status=PlanRun.Status.STOPPED, stop_requested=True, finished_at=now
        )
        PlanRun.objects.filter(pk=plan_run.pk, status=PlanRun.Status.RUNNING).update(
            stop_requested=True
        )
    plan_run.refresh_from_db()
    return plan_run


def plan_apply(*, plan_run: PlanRun, applied_by: User | None) -> int:
    """Set each planned initiative's start quarter as the plan has it (bumping its version,
    so an edit form opened before is told); left-out work keeps its own. Returns how many
    initiatives changed."""
    if plan_run.status not in {PlanRun.Status.DONE, PlanRun.Status.STOPPED} or not (
        plan_run.result
    ):
        raise PlanNotApplicable("Only a finished run with a plan can be applied.")
    if plan_run.result.get("status") == "infeasible":
        raise PlanNotApplicable("This run found no feasible plan: there is nothing to apply.")
    with transaction.atomic():
        changes = selectors.plan_changes(plan_run=plan_run)
        by_quarter: dict[str, list[int]] = defaultdict(list)
        for change in changes:
            by_quarter[change.planned_start].append(change.initiative_id)
        now = timezone.now()
        applier = permissions.person_of(applied_by) if applied_by else None
        changed = 0
        # One update per quarter: at most the horizon's length of queries.
        for quarter, ids in sorted(by_quarter.items()):
            changed += Initiative.objects.filter(pk__in=ids).update(
                start_quarter=quarter,
                version=F("version") + 1,
                updated_by=applier,
                updated_at=now,
            )
        PlanRun.objects.filter(pk=plan_run.pk).update(applied_at=now)
    plan_run.applied_at = now
    logger.info(
        "Plan run %s applied by %s: %s initiatives moved.", plan_run.pk, applied_by, changed
    )
    return changed
