"""Reads of the planner: the engine's problem made from the org's data, scenarios with their
latest run, the changes a plan would make, and two plans compared.

`scenario_problem` is the one adapter from models to the engine: every rule about which
initiatives are planned, with which effort and constraints, lives there. Scenarios belong to
the organisation, not to a person: the faces let leaders in (`permissions.can_plan`) and every
leader sees every scenario.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery

from productorg.people.models import Team
from productorg.planning.engine.model import Initiative as EngineInitiative
from productorg.planning.engine.model import Problem
from productorg.planning.engine.model import Team as EngineTeam
from productorg.planning.models import (
    PlanRun,
    Scenario,
    ScenarioCapacity,
    ScenarioChoice,
    ScenarioMixBound,
)
from productorg.strategy.models import Dependency, Initiative, InitiativeEffort, InitiativeStatus
from productorg.strategy.periods import quarter_add, quarter_index, quarter_of, quarter_span

# Work the planner may still place: everything not finished and not given up.
CLOSED_STATUSES = (InitiativeStatus.DONE, InitiativeStatus.DROPPED)
# The key of PlanRun.problem that keeps the adapter's reasons beside the engine's input.
NOTES_KEY = "left_out_notes"
CAPACITY_NOTES_KEY = "capacity_notes"
ACTIVE_RUN_STATUSES = (PlanRun.Status.QUEUED, PlanRun.Status.RUNNING)


# The adapter: models -> engine.Problem.


@dataclass(frozen=True)
class ScenarioProblem:
    """The engine's problem for a scenario, and why the adapter ruled some initiatives out."""

    problem: Problem
    # Initiative id -> the reason it cannot be planned whatever the engine does (it goes in
    # as `never`, and this reason replaces the engine's in the plan's left-out list).
    notes: dict[str, str] = field(default_factory=dict)
    # Teams whose work in progress alone is more than their capacity in a quarter, in words:
    # the problem gives them just enough capacity for it (see `scenario_problem`).
    capacity_notes: list[str] = field(default_factory=list)


def problem_for_scenario(*, scenario: Scenario) -> Problem:
    """The engine's Problem for the scenario over the org's current portfolio."""
    return scenario_problem(scenario=scenario).problem


def scenario_problem(*, scenario: Scenario) -> ScenarioProblem:
    """The engine's Problem for the scenario, with the adapter's reasons; seven queries.

    Rules (issue 5): candidates are initiatives neither done nor dropped that have a team or
    per-team efforts. A team's effort per quarter is its total effort over the duration
    divided by the duration (as `strategy.selectors.load.placed_effort` counts it); without
    per-team rows the owning team carries the whole estimate. Durations are clipped to the
    horizon. Work in progress is fixed where it runs (from the horizon's first quarter if it
    started before) for what remains of it; a late one still takes its first quarter.
    Dependencies on done work are met; a dependency on dropped or unplannable work, a
    deadline before the horizon or an earliest start after it make an initiative impossible:
    it goes in as `never`, with the reason in `notes` (even when the scenario says must-do,
    so that the plan names the real obstacle rather than reporting the whole plan infeasible).
    A team whose work in progress alone exceeds its capacity gets just enough for it, with a
    line in `capacity_notes`.
    """
    quarters = quarter_span(scenario.first_quarter, scenario.quarters)
    first_index = quarter_index(quarters[0])
    last_index = first_index + len(quarters) - 1

    teams = list(
        Team.objects.order_by("name", "pk").values_list("pk", "name", "capacity_per_quarter")
    )
    overrides = {
        (team_id, quarter): capacity
        for team_id, quarter, capacity in ScenarioCapacity.objects.filter(
            scenario=scenario, quarter__in=quarters
        ).values_list("team_id", "quarter", "capacity")
    }
    capacity = {
        str(team_id): [float(overrides.get((team_id, q), usual)) for q in quarters]
        for team_id, _, usual in teams
    }

    rows = list(
        Initiative.objects.exclude(status__in=CLOSED_STATUSES)
        .order_by("pk")
        .values_list(
            "pk",
            "title",
            "team_id",
            "status",
            "category",
            "value_estimate",
            "effort_estimate",
            "start_quarter",
            "duration_quarters",
            "earliest_start",
            "deadline",
        )
    )
    efforts: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for initiative_id, team_id, effort in (
        InitiativeEffort.objects.exclude(initiative__status__in=CLOSED_STATUSES)
        .order_by()
        .values_list("initiative_id", "team_id", "effort")
    ):
        efforts[initiative_id][str(team_id)] = effort
    dependencies: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for initiative_id, depends_on_id, status, title in (
        Dependency.objects.exclude(initiative__status__in=CLOSED_STATUSES)
        .order_by("depends_on_id")
        .values_list("initiative_id", "depends_on_id", "depends_on__status", "depends_on__title")
    ):
        dependencies[initiative_id].append((depends_on_id, status, title))
    choices = dict(
        ScenarioChoice.objects.filter(scenario=scenario).values_list("initiative_id", "choice")
    )
    mix = {
        category: (float(low), float(high))
        for category, low, high in ScenarioMixBound.objects.filter(scenario=scenario).values_list(
            "category", "min_share", "max_share"
        )
    }

    # Initiatives nobody can plan: no team and no per-team effort.
    plannable = {row[0] for row in rows if row[2] is not None or efforts.get(row[0])}
    notes: dict[str, str] = {}
    initiatives = []
    for (
        pk,
        title,
        team_id,
        status,
        category,
        value,
        estimate,
        start,
        duration,
        earliest_start,
        deadline,
    ) in rows:
        if pk not in plannable:
            continue
        key = str(pk)
        per_team = efforts.get(pk) or {str(team_id): estimate}
        effort = {team: float(total / duration) for team, total in per_team.items()}
        choice = choices.get(pk)
        reasons: list[str] = []
        fixed_start = None
        earliest = deadline_quarter = None
        depends_on: list[str] = []
        start_index = quarter_index(start) if start else first_index
        running = (
            status == InitiativeStatus.IN_PROGRESS
            and start_index <= last_index
            and choice != ScenarioChoice.Choice.NEVER
        )
        if running:
            # Already decided: it runs where it runs, its dates and dependencies are history.
            fixed_index = max(start_index, first_index)
            end_index = max(start_index + duration - 1, first_index)
            fixed_start = quarter_add(quarters[0], fixed_index - first_index)
            length = min(end_index - fixed_index + 1, last_index - fixed_index + 1)
        else:
            length = min(duration, len(quarters))
            if earliest_start is not None:
                earliest = quarter_of(earliest_start)
                if quarter_index(earliest) > last_index:
                    reasons.append(f"its earliest start ({earliest}) is after the horizon")
                elif quarter_index(earliest) <= first_index:
                    earliest = None
            if deadline is not None:
                deadline_quarter = quarter_of(deadline)
                if quarter_index(deadline_quarter) < first_index:
                    reasons.append(f"its deadline ({deadline_quarter}) is before the horizon")
                elif quarter_index(deadline_quarter) >= last_index:
                    deadline_quarter = None
            for depends_on_id, depends_status, depends_title in dependencies.get(pk, []):
                if depends_status == InitiativeStatus.DONE:
                    continue
                if depends_status == InitiativeStatus.DROPPED:
                    reasons.append(f"it depends on {depends_title}, which was dropped")
                elif depends_on_id not in plannable:
                    reasons.append(
                        f"it depends on {depends_title}, which has no team or effort to plan"
                    )
                else:
                    depends_on.append(str(depends_on_id))
        if reasons:
            text = "; ".join(reasons)
            if choice == ScenarioChoice.Choice.MUST:
                text = f"must-do, but cannot be planned: {text}"
            notes[key] = text[0].upper() + text[1:]
            earliest = deadline_quarter = None
            depends_on = []
        initiatives.append(
            EngineInitiative(
                id=key,
                value=float(value),
                effort=effort,
                duration=length,
                category=category,
                depends_on=tuple(depends_on),
                earliest=earliest,
                deadline=deadline_quarter,
                must=choice == ScenarioChoice.Choice.MUST and not reasons and not running,
                never=choice == ScenarioChoice.Choice.NEVER or bool(reasons),
                fixed_start=fixed_start,
                title=title,
            )
        )
    team_names = {str(pk): name for pk, name, _ in teams}
    capacity_notes = _capacity_for_work_in_progress(capacity, initiatives, quarters, team_names)
    problem = Problem(
        quarters=tuple(quarters),
        teams=tuple(
            EngineTeam(id=key, capacity=tuple(caps), name=team_names[key])
            for key, caps in capacity.items()
        ),
        initiatives=tuple(initiatives),
        discount_rate=float(scenario.discount_rate),
        mix=mix,
    )
    return ScenarioProblem(problem=problem, notes=notes, capacity_notes=capacity_notes)


def _capacity_for_work_in_progress(
    capacity: dict[str, list[float]],
    initiatives: list[EngineInitiative],
    quarters: list[str],
    team_names: dict[str, str],
) -> list[str]:
    """Raise a team's capacity where its work in progress alone needs more, and say so.

    Started work is a fact, not a choice: a team already over-committed makes every plan
    infeasible if its capacity stays as it is. With just enough capacity for what runs, the
    team is full there and the planner plans the rest around it."""
    position = {quarter: index for index, quarter in enumerate(quarters)}
    running: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(quarters))
    for initiative in initiatives:
        if initiative.fixed_start is None or initiative.never:
            continue
        first = position[initiative.fixed_start]
        for team, effort in initiative.effort.items():
            for index in range(first, min(first + initiative.duration, len(quarters))):
                running[team][index] += effort
    notes = []
    for team, loads in running.items():
        for index, load in enumerate(loads):
            if team in capacity and load > capacity[team][index] + 1e-9:
                # Capacities are in tenths of a person-week: the next tenth up holds the load.
                raised = math.ceil(round(load * 10, 6)) / 10
                notes.append(
                    f"{team_names.get(team, team)}: work in progress alone needs {load:.1f} "
                    f"person-weeks in {quarters[index]}, more than its "
                    f"{capacity[team][index]:g}; the plan counts the team as full there."
                )
                capacity[team][index] = raised
    return notes


# What a plan run keeps of its input, and reading it back.


def problem_from_stored(data: dict[str, Any]) -> ScenarioProblem:
    """The problem a plan run stored (the file interface's input, or dataclasses.asdict's)."""
    quarters = tuple(data["quarters"])
    teams = tuple(
        EngineTeam(
            id=str(team["id"]),
            capacity=_capacity(team.get("capacity"), quarters),
            name=team.get("name") or "",
        )
        for team in data.get("teams", [])
    )
    initiatives = tuple(
        EngineInitiative(
            id=str(row["id"]),
            value=float(row.get("value", 0)),
            effort={str(team): float(pw) for team, pw in (row.get("effort") or {}).items()},
            duration=int(row.get("duration") or 1),
            category=row.get("category") or "",
            depends_on=tuple(str(other) for other in row.get("depends_on") or ()),
            earliest=row.get("earliest"),
            deadline=row.get("deadline"),
            must=bool(row.get("must")),
            never=bool(row.get("never")),
            fixed_start=row.get("fixed_start"),
            title=row.get("title") or "",
        )
        for row in data.get("initiatives", [])
    )
    mix = {
        category: (float(bounds[0]), float(bounds[1]))
        for category, bounds in (data.get("mix") or {}).items()
    }
    problem = Problem(
        quarters=quarters,
        teams=teams,
        initiatives=initiatives,
        discount_rate=float(data.get("discount_rate") or 0),
        mix=mix,
    )
    return ScenarioProblem(
        problem=problem,
        notes=dict(data.get(NOTES_KEY) or {}),
        capacity_notes=list(data.get(CAPACITY_NOTES_KEY) or []),
    )


def plan_run_input(*, plan_run: PlanRun) -> dict[str, Any]:
    """The run's input as `productorg plan solve` reads it (the adapter's notes left out)."""
    return {
        key: value
        for key, value in (plan_run.problem or {}).items()
        if key not in {NOTES_KEY, CAPACITY_NOTES_KEY}
    }


def _capacity(raw: Any, quarters: tuple[str, ...]) -> tuple[float, ...]:
    """A team's capacity as stored: one figure, one per quarter, or quarter -> figure."""
    if isinstance(raw, dict):
        return tuple(float(raw.get(quarter, 0)) for quarter in quarters)
    if isinstance(raw, list | tuple):
        return tuple(float(value) for value in raw)
    return tuple(float(raw or 0) for _ in quarters)


# Scenarios and runs.


@dataclass(frozen=True)
class ScenarioSummary:
    """A scenario on the list page with its latest run (None before the first)."""

    scenario: Scenario
    latest_run: PlanRun | None


# The list page shows a run's status and figures, never its input or progress trail.
RUN_SUMMARY_DEFERRED = ("problem", "progress")


def scenarios_with_latest_run() -> list[ScenarioSummary]:
    """Every scenario with its latest run, in name order; two queries."""
    latest = PlanRun.objects.filter(scenario=OuterRef("pk")).order_by("-created_at", "-pk")
    scenarios = list(
        Scenario.objects.select_related("created_by", "copied_from").annotate(
            latest_run_id=Subquery(latest.values("pk")[:1])
        )
    )
    run_ids = [s.latest_run_id for s in scenarios if s.latest_run_id is not None]
    runs = PlanRun.objects.defer(*RUN_SUMMARY_DEFERRED).in_bulk(run_ids) if run_ids else {}
    return [ScenarioSummary(s, runs.get(s.latest_run_id)) for s in scenarios]


def plan_run_latest(*, scenario: Scenario) -> PlanRun | None:
    """The scenario's most recent run, whatever its status."""
    return PlanRun.objects.filter(scenario=scenario).order_by("-created_at", "-pk").first()


def plan_run_active(*, scenario: Scenario) -> PlanRun | None:
    """The scenario's queued or running run, if one is under way."""
    return (
        PlanRun.objects.filter(scenario=scenario, status__in=ACTIVE_RUN_STATUSES)
        .order_by("-created_at", "-pk")
        .first()
    )


# A plan's changes to the roadmap (the apply confirmation page).


@dataclass(frozen=True)
class PlanChange:
    """An initiative whose planned start quarter applying the plan would set or move."""

    initiative_id: int
    title: str
    team_name: str
    current_start: str
    planned_start: str


def plan_changes(*, plan_run: PlanRun) -> list[PlanChange]:
    """What applying the run's plan would change: initiatives whose start quarter differs.

    Work in progress keeps its start (the plan only fixes it in the horizon), left-out work
    keeps whatever it has, and initiatives deleted since the run are skipped; one query."""
    starts = _plannable_starts(plan_run)
    if not starts:
        return []
    rows = (
        Initiative.objects.filter(pk__in=[int(key) for key in starts])
        .order_by("title", "pk")
        .values_list("pk", "title", "team__name", "start_quarter")
    )
    return [
        PlanChange(pk, title, team_name or "", current, starts[str(pk)])
        for pk, title, team_name, current in rows
        if current != starts[str(pk)]
    ]


def _plannable_starts(plan_run: PlanRun) -> dict[str, str]:
    """The run's starts other than the fixed (work in progress) ones."""
    if not plan_run.result:
        return {}
    fixed = {
        str(row["id"])
        for row in (plan_run.problem or {}).get("initiatives", [])
        if row.get("fixed_start")
    }
    return {key: quarter for key, quarter in plan_run.result["starts"].items() if key not in fixed}


# Two plans side by side.


@dataclass(frozen=True)
class RunFigures:
    """One side of a comparison: the run and its headline figures."""

    run: PlanRun
    scenario_name: str
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    planned: int
    left_out: int
    # category -> share of planned effort achieved (0-1)
    mix: dict[str, float]
    # category -> (min, max) bound the run planned under
    mix_bounds: dict[str, tuple[float, float]]


@dataclass(frozen=True)
class CapacityDifference:
    team_id: str
    team_name: str
    quarter: str
    capacity_a: float | None
    capacity_b: float | None


@dataclass(frozen=True)
class MixBoundDifference:
    category: str
    bounds_a: tuple[float, float] | None
    bounds_b: tuple[float, float] | None


@dataclass(frozen=True)
class ChoiceDifference:
    initiative_id: str
    title: str
    choice_a: str  # "must", "never" or ""
    choice_b: str


@dataclass(frozen=True)
class MovedInitiative:
    """An initiative the two plans place differently, and what may explain it."""

    initiative_id: str
    title: str
    # "moved" (both plan it, in different quarters), "added" (only B plans it),
    # "left_out" (only A plans it)
    change: str
    start_a: str | None
    start_b: str | None
    # The left-out reason from the run that left it out, if one did.
    left_out_reason: str
    why: list[str]


@dataclass(frozen=True)
class PlanComparison:
    """Two runs compared: figures of each, the differences in input, and what moved why."""

    a: RunFigures
    b: RunFigures
    capacity_differences: list[CapacityDifference]
    mix_bound_differences: list[MixBoundDifference]
    choice_differences: list[ChoiceDifference]
    moved: list[MovedInitiative]


def plan_comparison(*, run_a: PlanRun, run_b: PlanRun) -> PlanComparison:
    """Run A against run B: value, gap and mix of both, what differs in their input, and the
    initiatives that moved, were added or left out, each with a reason where one shows.

    Reads only the runs' stored input and result, plus one query for team names."""
    problem_a, problem_b = _inputs(run_a.problem), _inputs(run_b.problem)
    result_a, result_b = run_a.result or {}, run_b.result or {}
    team_ids = set(problem_a.capacity) | set(problem_b.capacity)
    names = {
        str(pk): name
        for pk, name in Team.objects.filter(
            pk__in=[int(t) for t in team_ids if t.isdigit()]
        ).values_list("pk", "name")
    }

    capacity_differences = []
    for team_id in sorted(team_ids, key=lambda t: (names.get(t, t), t)):
        caps_a, caps_b = problem_a.capacity.get(team_id, {}), problem_b.capacity.get(team_id, {})
        for quarter in sorted(set(caps_a) | set(caps_b)):
            if caps_a.get(quarter) != caps_b.get(quarter):
                capacity_differences.append(
                    CapacityDifference(
                        team_id,
                        names.get(team_id, team_id),
                        quarter,
                        caps_a.get(quarter),
                        caps_b.get(quarter),
                    )
                )
    mix_bound_differences = [
        MixBoundDifference(category, problem_a.mix.get(category), problem_b.mix.get(category))
        for category in sorted(set(problem_a.mix) | set(problem_b.mix))
        if problem_a.mix.get(category) != problem_b.mix.get(category)
    ]
    choice_differences = []
    for key in sorted(set(problem_a.choice) | set(problem_b.choice), key=_id_order):
        choice_a, choice_b = problem_a.choice.get(key, ""), problem_b.choice.get(key, "")
        if choice_a != choice_b:
            title = problem_b.title.get(key) or problem_a.title.get(key, key)
            choice_differences.append(ChoiceDifference(key, title, choice_a, choice_b))

    starts_a, starts_b = result_a.get("starts", {}), result_b.get("starts", {})
    left_a, left_b = result_a.get("left_out", {}), result_b.get("left_out", {})
    moved = []
    for key in sorted(set(starts_a) | set(starts_b), key=_id_order):
        start_a, start_b = starts_a.get(key), starts_b.get(key)
        if start_a == start_b:
            continue
        if start_a and start_b:
            change, reason = "moved", ""
        elif start_b:
            change, reason = "added", left_a.get(key, "")
        else:
            change, reason = "left_out", left_b.get(key, "")
        title = problem_b.title.get(key) or problem_a.title.get(key, key)
        moved.append(
            MovedInitiative(
                key,
                title,
                change,
                start_a,
                start_b,
                reason,
                _why(key, problem_a, problem_b, capacity_differences, mix_bound_differences),
            )
        )
    return PlanComparison(
        a=_figures(run_a, problem_a),
        b=_figures(run_b, problem_b),
        capacity_differences=capacity_differences,
        mix_bound_differences=mix_bound_differences,
        choice_differences=choice_differences,
        moved=moved,
    )


@dataclass
class _Inputs:
    """A stored problem read for comparison, keyed by id."""

    capacity: dict[str, dict[str, float]] = field(default_factory=dict)
    mix: dict[str, tuple[float, float]] = field(default_factory=dict)
    choice: dict[str, str] = field(default_factory=dict)
    title: dict[str, str] = field(default_factory=dict)
    initiative: dict[str, dict[str, Any]] = field(default_factory=dict)


def _inputs(data: dict[str, Any] | None) -> _Inputs:
    inputs = _Inputs()
    if not data or "quarters" not in data:
        return inputs
    quarters = tuple(data["quarters"])
    for team in data.get("teams", []):
        capacity = _capacity(team.get("capacity"), quarters)
        inputs.capacity[str(team["id"])] = dict(zip(quarters, capacity, strict=False))
    inputs.mix = {
        category: (float(bounds[0]), float(bounds[1]))
        for category, bounds in (data.get("mix") or {}).items()
    }
    notes = data.get(NOTES_KEY) or {}
    for row in data.get("initiatives", []):
        key = str(row["id"])
        inputs.initiative[key] = row
        inputs.title[key] = row.get("title") or key
        # The adapter's `never` (an impossible initiative) is not a leader's choice.
        if row.get("must"):
            inputs.choice[key] = "must"
        elif row.get("never") and key not in notes:
            inputs.choice[key] = "never"
    return inputs


def _why(
    key: str,
    a: _Inputs,
    b: _Inputs,
    capacity_differences: list[CapacityDifference],
    mix_bound_differences: list[MixBoundDifference],
) -> list[str]:
    """The input differences that touch this initiative, in words."""
    reasons = []
    choice_a, choice_b = a.choice.get(key, ""), b.choice.get(key, "")
    if choice_a != choice_b:
        reasons.append(f"{_choice_words(choice_a)} in A, {_choice_words(choice_b)} in B")
    row_a, row_b = a.initiative.get(key), b.initiative.get(key)
    if row_a is None or row_b is None:
        reasons.append("only " + ("B" if row_a is None else "A") + " could plan it")
        return reasons
    for name, words in (
        ("value", "its value"),
        ("effort", "its effort"),
        ("duration", "its duration"),
        ("earliest", "its earliest start"),
        ("deadline", "its deadline"),
        ("depends_on", "its dependencies"),
        ("fixed_start", "its work in progress"),
    ):
        if _normal(row_a.get(name)) != _normal(row_b.get(name)):
            reasons.append(f"{words} changed")
    teams = set(row_a.get("effort") or {}) | set(row_b.get("effort") or {})
    for difference in capacity_differences:
        if difference.team_id in teams:
            reasons.append(
                f"{difference.team_name} capacity in {difference.quarter}: "
                f"{_number(difference.capacity_a)} → {_number(difference.capacity_b)} pw"
            )
    category = row_b.get("category") or row_a.get("category")
    for difference in mix_bound_differences:
        if difference.category == category:
            reasons.append(
                f"{category} share bounds {_bounds(difference.bounds_a)} → "
                f"{_bounds(difference.bounds_b)}"
            )
    if not reasons:
        reasons.append("a knock-on of the other changes (capacity freed or taken elsewhere)")
    return reasons


def _figures(run: PlanRun, inputs: _Inputs) -> RunFigures:
    result = run.result or {}
    return RunFigures(
        run=run,
        scenario_name=run.scenario.name,
        status=result.get("status", run.status),
        objective=result.get("objective"),
        bound=result.get("bound"),
        gap=result.get("gap"),
        planned=len(result.get("starts", {})),
        left_out=len(result.get("left_out", {})),
        mix=dict(result.get("mix", {})),
        mix_bounds=inputs.mix,
    )


def _normal(value: Any) -> Any:
    """Lists and tuples, dicts of numbers: compared as the JSON they were stored as."""
    if isinstance(value, list | tuple):
        return sorted(str(item) for item in value)
    if isinstance(value, dict):
        return {str(k): round(float(v), 6) for k, v in value.items()}
    if isinstance(value, float):
        return round(value, 6)
    return value


def _id_order(key: str) -> tuple[int, str]:
    return (int(key), key) if key.isdigit() else (0, key)


def _choice_words(choice: str) -> str:
    return {"must": "must-do", "never": "never"}.get(choice, "free")


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


def _bounds(bounds: tuple[float, float] | None) -> str:
    if bounds is None:
        return "none"
    return f"{bounds[0]:.0%}–{bounds[1]:.0%}"
