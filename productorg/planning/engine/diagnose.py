"""When no plan exists: the smallest set of conflicting items found, named, not a status code.

Must-do and fixed work is the usual culprit, so it is tested first on its own: a deletion
filter drops one must-do item at a time and keeps the drop whenever the rest still can't be
planned, leaving a set where every item is needed for the conflict. If the must-do work fits on
its own, the mix bounds are filtered the same way against the whole portfolio.
"""

from __future__ import annotations

import time
from dataclasses import replace

from productorg.planning.engine.milp import Milp
from productorg.planning.engine.model import Problem
from productorg.planning.engine.prep import compile_problem, name_of, weeks


def conflicts(problem: Problem, *, time_limit_s: float) -> list[str]:
    """The conflicts that make every plan impossible, in words; empty if none was proven."""
    deadline = time.monotonic() + time_limit_s
    roots = [k for k, i in enumerate(problem.initiatives) if i.must or i.fixed_start is not None]
    if _infeasible(_required_only(problem, roots), deadline) is True:
        core = _deletion_filter(roots, lambda kept: _required_only(problem, kept), deadline)
        return [_describe_required(problem, core)]
    categories = list(problem.mix)
    if categories and _infeasible(problem, deadline) is True:
        core = _deletion_filter(
            categories,
            lambda kept: replace(problem, mix={c: problem.mix[c] for c in kept}),
            deadline,
        )
        bounds = ", ".join(
            f"{c or 'uncategorised'} {problem.mix[c][0]:.0%}–{problem.mix[c][1]:.0%}" for c in core
        )
        with_required = " together with the must-do work" if roots else ""
        return [f"The mix bounds {bounds} cannot all be met{with_required}"]
    return []


def _required_only(problem: Problem, roots: list[int]) -> Problem:
    """The must-do roots and what they depend on, without mix bounds."""
    by_id = {i.id: k for k, i in enumerate(problem.initiatives)}
    keep: set[int] = set()
    stack = list(roots)
    while stack:
        k = stack.pop()
        if k not in keep:
            keep.add(k)
            stack.extend(by_id[d] for d in problem.initiatives[k].depends_on)
    initiatives = tuple(
        replace(i, must=True) if k in roots else i
        for k, i in enumerate(problem.initiatives)
        if k in keep
    )
    return replace(problem, initiatives=initiatives, mix={})


def _infeasible(problem: Problem, deadline: float) -> bool | None:
    """True when proven infeasible, False when a plan exists, None when time ran out."""
    compiled = compile_problem(problem)
    if compiled.conflicts:
        return True
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return None
    milp = Milp(compiled)
    milp.highs.setOptionValue("mip_rel_gap", 1.0)  # any plan will do
    answer = milp.solve(time_limit_s=remaining, gap=1.0)
    if answer.status == "infeasible":
        return True
    return False if answer.starts is not None else None


def _deletion_filter(items: list, build, deadline: float) -> list:
    core = list(items)
    for item in list(items):
        trial = [k for k in core if k != item]
        if _infeasible(build(trial), deadline) is True:
            core = trial
    return core


def _describe_required(problem: Problem, core: list[int]) -> str:
    sub = _required_only(problem, core)
    compiled = compile_problem(sub)
    names = [name_of(compiled, k) for k in range(len(compiled.ids)) if compiled.required[k]]
    kinds = "fixed or must-do work" if len(core) > 1 else "must-do work"
    if compiled.conflicts:
        return "; ".join(compiled.conflicts)
    overloads = []
    for t, team in enumerate(compiled.team_names):
        demand = sum(
            e * compiled.duration[k]
            for k in range(len(compiled.ids))
            for u, e in compiled.efforts[k]
            if u == t
        )
        first = min((compiled.starts[k][0] for k in range(len(compiled.ids))), default=0)
        last = max(
            (compiled.starts[k][-1] + compiled.duration[k] - 1 for k in range(len(compiled.ids))),
            default=0,
        )
        available = sum(compiled.capacity[t][first : last + 1])
        if demand > available:
            overloads.append(
                f"together they need {weeks(demand)} person-weeks of {team} in "
                f"{compiled.quarter_range(first, last)}, which has {weeks(available)}"
            )
    why = "; ".join(overloads) or (
        "their deadlines, earliest starts and dependencies leave no quarter where each fits"
    )
    return f"The {kinds} {', '.join(names)} cannot all be planned: {why}"
