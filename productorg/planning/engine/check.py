"""An independent validator of plans: every rule of the model checked by plain counting.

Written apart from the search (it imports neither the MILP nor the greedy baseline and shares
none of their preparation) so that tests and benchmarks can hold any plan against the rules of
DESIGN.md's planning problem without trusting the code that produced it.
"""

from __future__ import annotations

from productorg.planning.engine.model import Initiative, Problem

# Solvers work to about 1e-7; a plan a hair over a bound is the solver's rounding, not a breach.
TOLERANCE = 1e-6


def plan_violations(problem: Problem, starts: dict[str, str]) -> list[str]:
    """Every rule the plan (initiative id -> start quarter) breaks, in words; empty when valid."""
    index = {label: k for k, label in enumerate(problem.quarters)}
    initiatives = {initiative.id: initiative for initiative in problem.initiatives}
    violations: list[str] = []
    planned: dict[str, int] = {}
    for initiative_id, quarter in starts.items():
        if initiative_id not in initiatives:
            violations.append(f"{initiative_id!r} is planned but is not an initiative")
        elif quarter not in index:
            violations.append(
                f"{initiative_id} starts in {quarter!r}, which is not a quarter of the horizon"
            )
        else:
            planned[initiative_id] = index[quarter]
    team_ids = {team.id for team in problem.teams}
    for initiative in problem.initiatives:
        start = planned.get(initiative.id)
        if start is None:
            violations += _unplanned_violations(initiative, starts)
        else:
            violations += _start_violations(problem, initiative, start, index)
            violations += _dependency_violations(initiatives, initiative, start, planned)
            violations += [
                f"{initiative.id} puts effort on {team_id!r}, which is not a team"
                for team_id in initiative.effort
                if team_id not in team_ids
            ]
    violations += _capacity_violations(problem, starts)
    violations += _mix_violations(problem, planned)
    return violations


def _unplanned_violations(initiative: Initiative, starts: dict[str, str]) -> list[str]:
    if initiative.id in starts:
        return []  # its unknown quarter is already reported
    violations = []
    if initiative.must:
        violations.append(f"{initiative.id} is must-do but is not planned")
    if initiative.fixed_start is not None:
        violations.append(
            f"{initiative.id} has a fixed start in {initiative.fixed_start} but is not planned"
        )
    return violations


def _start_violations(
    problem: Problem, initiative: Initiative, start: int, index: dict[str, int]
) -> list[str]:
    name = initiative.id
    quarter = problem.quarters[start]
    violations = []
    if initiative.never:
        violations.append(f"{name} is marked never but is planned (in {quarter})")
    if initiative.fixed_start is not None and initiative.fixed_start != quarter:
        violations.append(
            f"{name} starts in {quarter}, not in its fixed start {initiative.fixed_start}"
        )
    if initiative.duration < 1:
        violations.append(f"{name} has a duration of {initiative.duration}, below one quarter")
    if initiative.earliest is not None:
        earliest = index.get(initiative.earliest)
        if earliest is None:
            violations.append(f"{name}'s earliest start {initiative.earliest!r} is not a quarter")
        elif start < earliest:
            violations.append(
                f"{name} starts in {quarter}, before its earliest start {initiative.earliest}"
            )
    finish = start + initiative.duration - 1
    if finish >= len(problem.quarters):
        violations.append(
            f"{name} starts in {quarter} and runs {initiative.duration} quarters, "
            "beyond the horizon"
        )
    if initiative.deadline is not None:
        deadline = index.get(initiative.deadline)
        if deadline is None:
            violations.append(f"{name}'s deadline {initiative.deadline!r} is not a quarter")
        elif finish > deadline:
            violations.append(
                f"{name} starts in {quarter} and finishes after its deadline {initiative.deadline}"
            )
    return violations


def _dependency_violations(
    initiatives: dict[str, Initiative],
    initiative: Initiative,
    start: int,
    planned: dict[str, int],
) -> list[str]:
    violations = []
    for dependency_id in initiative.depends_on:
        dependency = initiatives.get(dependency_id)
        if dependency is None:
            violations.append(f"{initiative.id} depends on {dependency_id!r}, not an initiative")
        elif dependency_id not in planned:
            violations.append(
                f"{initiative.id} is planned but its dependency {dependency_id} is not"
            )
        elif planned[dependency_id] + dependency.duration - 1 >= start:
            violations.append(
                f"{initiative.id} starts before its dependency {dependency_id} has finished"
            )
    return violations


def _capacity_violations(problem: Problem, starts: dict[str, str]) -> list[str]:
    load = plan_load(problem, starts)
    violations = []
    for team in problem.teams:
        for k, quarter in enumerate(problem.quarters):
            capacity = team.capacity[k] if k < len(team.capacity) else 0.0
            planned = load[team.id][quarter]
            if planned > capacity + TOLERANCE * max(1.0, abs(capacity)):
                violations.append(
                    f"{team.id} has {planned:g} person-weeks planned in {quarter}, "
                    f"over its capacity of {capacity:g}"
                )
    return violations


def _mix_violations(problem: Problem, planned: dict[str, int]) -> list[str]:
    effort_by_category: dict[str, float] = {}
    total = 0.0
    for initiative in problem.initiatives:
        if initiative.id in planned:
            effort = initiative.total_effort
            effort_by_category[initiative.category] = (
                effort_by_category.get(initiative.category, 0.0) + effort
            )
            total += effort
    if total <= 0:
        return []  # shares of nothing: an empty plan keeps every mix target
    violations = []
    for category, (low, high) in problem.mix.items():
        share = effort_by_category.get(category, 0.0) / total
        if share < low - TOLERANCE:
            violations.append(f"{category!r} has {share:.4%} of the effort, below its {low:.4%}")
        if share > high + TOLERANCE:
            violations.append(f"{category!r} has {share:.4%} of the effort, above its {high:.4%}")
    return violations


def plan_value(problem: Problem, starts: dict[str, str]) -> float:
    """The plan's discounted value: value / (1 + rate) ** start index, summed."""
    index = {label: k for k, label in enumerate(problem.quarters)}
    values = {initiative.id: initiative.value for initiative in problem.initiatives}
    return sum(
        values[initiative_id] / (1 + problem.discount_rate) ** index[quarter]
        for initiative_id, quarter in starts.items()
        if initiative_id in values and quarter in index
    )


def plan_load(problem: Problem, starts: dict[str, str]) -> dict[str, dict[str, float]]:
    """Person-weeks planned per team and quarter (every team and quarter, zero included)."""
    index = {label: k for k, label in enumerate(problem.quarters)}
    load = {team.id: dict.fromkeys(problem.quarters, 0.0) for team in problem.teams}
    for initiative in problem.initiatives:
        quarter = starts.get(initiative.id)
        if quarter not in index:
            continue  # not planned, or in a quarter the violations report
        running = problem.quarters[index[quarter] : index[quarter] + initiative.duration]
        for team_id, effort in initiative.effort.items():
            if team_id in load:
                for quarter in running:
                    load[team_id][quarter] += effort
    return load
