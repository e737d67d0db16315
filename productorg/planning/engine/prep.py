"""The problem compiled for search: indices, start windows and what can never be planned.

Everything the greedy baseline, the MILP and the explanations share is worked out here once:
each initiative's possible starts after earliest start, deadline, horizon, fixed starts and its
dependencies' earliest finish are taken into account, and why an initiative has none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from productorg.planning.engine.model import Problem

EPS = 1e-9


@dataclass
class Compiled:
    """A Problem as index-based lists, with each initiative's window of possible starts."""

    problem: Problem
    quarters: list[str]
    team_ids: list[str]
    team_names: list[str]
    # capacity[t][q] in person-weeks
    capacity: list[list[float]]
    ids: list[str]
    value: list[float]
    duration: list[int]
    category: list[str]
    # efforts[i] = [(team index, person-weeks per quarter while running), ...]
    efforts: list[list[tuple[int, float]]]
    total_effort: list[float]
    preds: list[list[int]]
    succs: list[list[int]]
    # Required: must-do, fixed, or needed by required work.
    required: list[bool]
    # Possible start quarter indices, ascending; empty when the initiative can't be planned.
    starts: list[list[int]]
    # Why an initiative has no possible start (only for those with none).
    impossible: dict[int, str] = field(default_factory=dict)
    # Conflicts that make any plan impossible (required work that can't be planned).
    conflicts: list[str] = field(default_factory=list)
    # discount[s] = 1 / (1 + rate) ** s
    discount: list[float] = field(default_factory=list)
    mix: dict[str, tuple[float, float]] = field(default_factory=dict)
    topo: list[int] = field(default_factory=list)

    def start_value(self, i: int, s: int) -> float:
        return self.value[i] * self.discount[s]

    def quarter_range(self, first: int, last: int) -> str:
        if first == last:
            return self.quarters[first]
        return f"{self.quarters[first]}–{self.quarters[last]}"


def compile_problem(problem: Problem) -> Compiled:
    """Index the problem and narrow every initiative's starts to those that could ever hold."""
    quarters = list(problem.quarters)
    q_index = {label: k for k, label in enumerate(quarters)}
    horizon = len(quarters)
    team_ids = [team.id for team in problem.teams]
    t_index = {team_id: k for k, team_id in enumerate(team_ids)}
    ids = [initiative.id for initiative in problem.initiatives]
    i_index = {initiative_id: k for k, initiative_id in enumerate(ids)}
    efforts = [
        [(t_index[team], float(e)) for team, e in initiative.effort.items() if e > EPS]
        for initiative in problem.initiatives
    ]
    preds = [[i_index[p] for p in initiative.depends_on] for initiative in problem.initiatives]
    succs: list[list[int]] = [[] for _ in ids]
    for j, ps in enumerate(preds):
        for i in ps:
            succs[i].append(j)
    compiled = Compiled(
        problem=problem,
        quarters=quarters,
        team_ids=team_ids,
        team_names=[team.name or team.id for team in problem.teams],
        capacity=[[float(c) for c in team.capacity] for team in problem.teams],
        ids=ids,
        value=[float(initiative.value) for initiative in problem.initiatives],
        duration=[max(1, int(initiative.duration)) for initiative in problem.initiatives],
        category=[initiative.category for initiative in problem.initiatives],
        efforts=efforts,
        total_effort=[
            sum(e for _, e in efforts[k]) * max(1, int(initiative.duration))
            for k, initiative in enumerate(problem.initiatives)
        ],
        preds=preds,
        succs=succs,
        required=[
            initiative.must or initiative.fixed_start is not None
            for initiative in problem.initiatives
        ],
        starts=[[] for _ in ids],
        discount=[1.0 / (1.0 + problem.discount_rate) ** s for s in range(horizon)],
        mix={c: (float(lo), float(hi)) for c, (lo, hi) in problem.mix.items()},
    )
    compiled.topo = _topological_order(preds)
    _require_predecessors(compiled)
    lo, hi = _own_windows(compiled, q_index, horizon)
    _propagate_precedence(compiled, lo, hi)
    for i in range(len(ids)):
        if i in compiled.impossible:
            continue
        compiled.starts[i] = [s for s in range(lo[i], hi[i] + 1) if _fits_alone(compiled, i, s)]
        if not compiled.starts[i]:
            compiled.impossible[i] = _why_nothing_fits(compiled, i, lo[i], hi[i])
    for i in range(len(ids)):
        if compiled.required[i] and i in compiled.impossible:
            compiled.conflicts.append(_required_conflict(compiled, i))
    return compiled


def _topological_order(preds: list[list[int]]) -> list[int]:
    """Predecessors first (the input is acyclic: validation refuses cycles)."""
    order: list[int] = []
    state = [0] * len(preds)
    for root in range(len(preds)):
        if state[root]:
            continue
        stack = [(root, iter(preds[root]))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                state[node] = 2
                order.append(node)
            elif not state[nxt]:
                state[nxt] = 1
                stack.append((nxt, iter(preds[nxt])))
    return order


def _require_predecessors(compiled: Compiled) -> None:
    """Work that required work depends on is required too."""
    for j in reversed(compiled.topo):
        if compiled.required[j]:
            for i in compiled.preds[j]:
                compiled.required[i] = True


def _own_windows(compiled: Compiled, q_index: dict[str, int], horizon: int):
    lo = [0] * len(compiled.ids)
    hi = [0] * len(compiled.ids)
    for i, initiative in enumerate(compiled.problem.initiatives):
        d = compiled.duration[i]
        lo[i] = q_index[initiative.earliest] if initiative.earliest else 0
        last_finish = q_index[initiative.deadline] if initiative.deadline else horizon - 1
        hi[i] = last_finish - d + 1
        if initiative.never:
            compiled.impossible[i] = "marked never in this scenario"
            continue
        if initiative.fixed_start is not None:
            fixed = q_index[initiative.fixed_start]
            if fixed < lo[i]:
                compiled.impossible[i] = (
                    f"its fixed start {initiative.fixed_start} is before its earliest start "
                    f"{initiative.earliest}"
                )
            elif fixed > hi[i]:
                compiled.impossible[i] = (
                    f"started in {initiative.fixed_start}, it cannot finish "
                    + (
                        f"by its deadline {initiative.deadline}"
                        if initiative.deadline and fixed + d - 1 <= horizon - 1
                        else "inside the horizon"
                    )
                )
            lo[i] = hi[i] = fixed
            continue
        if d > horizon:
            compiled.impossible[i] = (
                f"it lasts {d} quarters, longer than the {horizon}-quarter horizon"
            )
        elif hi[i] < lo[i]:
            if initiative.deadline and initiative.earliest:
                compiled.impossible[i] = (
                    f"starting at its earliest ({initiative.earliest}) it cannot finish by its "
                    f"deadline {initiative.deadline} ({d} quarter{'s' if d > 1 else ''})"
                )
            elif initiative.deadline:
                compiled.impossible[i] = (
                    f"it takes {d} quarters and cannot finish by its deadline {initiative.deadline}"
                )
            else:
                compiled.impossible[i] = (
                    f"starting at its earliest ({initiative.earliest}) it cannot finish inside "
                    "the horizon"
                )
    return lo, hi


def _propagate_precedence(compiled: Compiled, lo: list[int], hi: list[int]) -> None:
    """Earliest starts move past predecessors' earliest finish; required work pulls its
    predecessors' latest starts forward."""
    for j in compiled.topo:
        if j in compiled.impossible:
            continue
        for i in compiled.preds[j]:
            if i in compiled.impossible:
                compiled.impossible[j] = (
                    f"it depends on {name_of(compiled, i)}, which cannot be planned"
                )
                break
            lo[j] = max(lo[j], lo[i] + compiled.duration[i])
        else:
            if lo[j] > hi[j]:
                compiled.impossible[j] = (
                    "its dependencies cannot finish early enough: "
                    + ", ".join(name_of(compiled, i) for i in compiled.preds[j])
                    + " must finish first"
                )
    for j in reversed(compiled.topo):
        if j in compiled.impossible or not compiled.required[j]:
            continue
        for i in compiled.preds[j]:
            if i not in compiled.impossible:
                hi[i] = min(hi[i], hi[j] - compiled.duration[i])
                if hi[i] < lo[i]:
                    compiled.impossible[i] = (
                        f"it cannot finish before required {name_of(compiled, j)} must start"
                    )


def _fits_alone(compiled: Compiled, i: int, s: int) -> bool:
    for t, e in compiled.efforts[i]:
        for q in range(s, s + compiled.duration[i]):
            if e > compiled.capacity[t][q] + EPS:
                return False
    return True


def _why_nothing_fits(compiled: Compiled, i: int, lo: int, hi: int) -> str:
    for t, e in compiled.efforts[i]:
        worst = min(compiled.capacity[t][lo : hi + compiled.duration[i]] or [0.0])
        if e > worst + EPS:
            return (
                f"it needs {weeks(e)} person-weeks a quarter of {compiled.team_names[t]}, "
                f"more than the team's capacity ({weeks(worst)}) in "
                f"{compiled.quarter_range(lo, hi)}"
            )
    return "no quarter of the horizon can hold it"


def _required_conflict(compiled: Compiled, i: int) -> str:
    initiative = compiled.problem.initiatives[i]
    kind = "fixed" if initiative.fixed_start is not None else "must-do"
    if not initiative.must and initiative.fixed_start is None:
        needed_by = [j for j in compiled.succs[i] if compiled.required[j]]
        kind = "needed by " + ", ".join(name_of(compiled, j) for j in needed_by)
        return f"{name_of(compiled, i)} ({kind}) cannot be planned: {compiled.impossible[i]}"
    return f"{kind} {name_of(compiled, i)} cannot be planned: {compiled.impossible[i]}"


def weeks(amount: float) -> str:
    """Person-weeks as explanations write them: to a tenth, without trailing zeros."""
    return f"{round(amount, 1):g}"


def name_of(compiled: Compiled, i: int) -> str:
    """How explanations name an initiative: its id, and its title when it has one."""
    title = compiled.problem.initiatives[i].title
    return f"{compiled.ids[i]} ({title})" if title else compiled.ids[i]
