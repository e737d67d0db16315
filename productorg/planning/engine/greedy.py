"""The greedy baseline: what Jira Plans' auto-scheduler does, made to respect the mix.

Required work first, then initiatives in rank order (value ÷ effort), each into the earliest
quarter where its teams have capacity left and its dependencies are done; later passes let
smaller ones backfill. A plan outside the mix bounds is repaired by taking out the least
valuable work of the category over its cap (or of the others, for a category under its floor),
then refilled with work that keeps every bound.
"""

from __future__ import annotations

from collections import deque

from productorg.planning.engine.model import Problem
from productorg.planning.engine.prep import EPS, Compiled, compile_problem

LEFT_OUT = -1


class Plan:
    """A plan under construction: starts, team load and effort per category."""

    def __init__(self, compiled: Compiled, starts: list[int] | None = None) -> None:
        self.compiled = compiled
        self.start = [LEFT_OUT] * len(compiled.ids)
        self.load = [[0.0] * len(compiled.quarters) for _ in compiled.team_ids]
        self.category_effort: dict[str, float] = {}
        self.total_effort = 0.0
        self.total_value = 0.0
        for i, s in enumerate(starts or []):
            if s != LEFT_OUT:
                self.place(i, s)

    def place(self, i: int, s: int) -> None:
        c = self.compiled
        self.start[i] = s
        for t, e in c.efforts[i]:
            row = self.load[t]
            for q in range(s, s + c.duration[i]):
                row[q] += e
        self.category_effort[c.category[i]] = (
            self.category_effort.get(c.category[i], 0.0) + c.total_effort[i]
        )
        self.total_effort += c.total_effort[i]
        self.total_value += c.start_value(i, s)

    def remove(self, i: int) -> None:
        c = self.compiled
        s = self.start[i]
        self.start[i] = LEFT_OUT
        for t, e in c.efforts[i]:
            row = self.load[t]
            for q in range(s, s + c.duration[i]):
                row[q] -= e
        self.category_effort[c.category[i]] -= c.total_effort[i]
        self.total_effort -= c.total_effort[i]
        self.total_value -= c.start_value(i, s)

    def ready_from(self, i: int) -> int | None:
        """The first quarter i may start in given its planned dependencies; None if one isn't."""
        c = self.compiled
        first = 0
        for p in c.preds[i]:
            if self.start[p] == LEFT_OUT:
                return None
            first = max(first, self.start[p] + c.duration[p])
        return first

    def fits(self, i: int, s: int) -> bool:
        c = self.compiled
        for t, e in c.efforts[i]:
            row, cap = self.load[t], c.capacity[t]
            for q in range(s, s + c.duration[i]):
                if row[q] + e > cap[q] + EPS:
                    return False
        return True

    def first_fit(self, i: int) -> int | None:
        ready = self.ready_from(i)
        if ready is None:
            return None
        for s in self.compiled.starts[i]:
            if s >= ready and self.fits(i, s):
                return s
        return None

    def mix_holds(self, extra_category: str | None = None, extra_effort: float = 0.0) -> bool:
        """Every mix bound holds (with one more initiative's effort, when given)."""
        total = self.total_effort + extra_effort
        for category, (lo, hi) in self.compiled.mix.items():
            effort = self.category_effort.get(category, 0.0)
            if category == extra_category:
                effort += extra_effort
            if effort > hi * total + EPS * max(1.0, total) or effort < lo * total - EPS * max(
                1.0, total
            ):
                return False
        return True

    def value(self) -> float:
        """The discounted value (summed afresh, free of the running total's rounding)."""
        c = self.compiled
        return sum(c.start_value(i, s) for i, s in enumerate(self.start) if s != LEFT_OUT)


def rank_order(compiled: Compiled) -> list[int]:
    """Optional initiatives by value ÷ effort, best first (the default rank)."""
    candidates = [
        i
        for i in range(len(compiled.ids))
        if compiled.starts[i] and not compiled.required[i] and compiled.value[i] > 0
    ]
    return sorted(candidates, key=lambda i: (-density(compiled, i), compiled.ids[i]))


def density(compiled: Compiled, i: int) -> float:
    return compiled.value[i] / max(compiled.total_effort[i], EPS)


def greedy(compiled: Compiled) -> Plan:
    """The baseline plan; required work that doesn't fit is left out (the plan is then
    infeasible and the MILP decides)."""
    plan = _with_required_work(compiled)
    ranked = rank_order(compiled)
    fill_plan(plan, ranked, keep_mix=False)
    if compiled.mix and not plan.mix_holds():
        _repair_mix(plan)
        fill_plan(plan, ranked, keep_mix=True)
    return plan


def _with_required_work(compiled: Compiled) -> Plan:
    """A plan of the must-do and fixed work alone, each in its earliest quarter that fits."""
    plan = Plan(compiled)
    for i in compiled.topo:
        if compiled.required[i] and compiled.starts[i]:
            s = plan.first_fit(i)
            if s is not None:
                plan.place(i, s)
    return plan


def rounded(compiled: Compiled, columns: list[tuple[float, int, int]]) -> Plan:
    """A plan that follows a fractional one: (weight, initiative, start) tried heaviest first,
    then the mix repaired and the gaps filled in rank order."""
    plan = _with_required_work(compiled)
    for _, i, s in sorted(columns, key=lambda col: (-col[0], compiled.ids[col[1]], col[2])):
        if plan.start[i] != LEFT_OUT:
            continue
        ready = plan.ready_from(i)
        if ready is not None and s >= ready and plan.fits(i, s):
            plan.place(i, s)
    ranked = rank_order(compiled)
    if compiled.mix and not plan.mix_holds():
        _repair_mix(plan)
    fill_plan(plan, ranked, keep_mix=bool(compiled.mix))
    return plan


def greedy_plan(problem: Problem) -> dict[str, str]:
    """The greedy baseline's starts: initiative id -> start quarter."""
    compiled = compile_problem(problem)
    plan = greedy(compiled)
    return {
        compiled.ids[i]: compiled.quarters[s] for i, s in enumerate(plan.start) if s != LEFT_OUT
    }


def fill_plan(plan: Plan, ranked: list[int], *, keep_mix: bool) -> None:
    """Place what fits in rank order, pass after pass, until nothing more does."""
    c = plan.compiled
    waiting = [i for i in ranked if plan.start[i] == LEFT_OUT]
    while waiting:
        still_waiting = []
        placed_any = False
        for i in waiting:
            if keep_mix and not plan.mix_holds(c.category[i], c.total_effort[i]):
                still_waiting.append(i)
                continue
            s = plan.first_fit(i)
            if s is None:
                still_waiting.append(i)
            else:
                plan.place(i, s)
                placed_any = True
        if not placed_any:
            break
        waiting = still_waiting


def _repair_mix(plan: Plan) -> None:
    c = plan.compiled
    # Per category, the planned optional work from least to most valuable per person-week.
    queues: dict[str, deque[int]] = {}
    for i in sorted(
        (i for i, s in enumerate(plan.start) if s != LEFT_OUT and not c.required[i]),
        key=lambda i: (density(c, i), c.ids[i]),
    ):
        queues.setdefault(c.category[i], deque()).append(i)

    def head(category: str) -> int | None:
        queue = queues.get(category)
        while queue and plan.start[queue[0]] == LEFT_OUT:
            queue.popleft()
        return queue[0] if queue else None

    while not plan.mix_holds():
        victim = _mix_victim(plan, queues, head)
        if victim is None:
            return
        _remove_with_dependents(plan, victim)


def _mix_victim(plan: Plan, queues: dict[str, deque[int]], head) -> int | None:
    c = plan.compiled
    total = plan.total_effort
    for category, (lo, hi) in c.mix.items():
        effort = plan.category_effort.get(category, 0.0)
        if effort > hi * total + EPS * max(1.0, total):
            return head(category)
        if effort < lo * total - EPS * max(1.0, total):
            others = [i for k in queues if k != category and (i := head(k)) is not None]
            # Take from a category that keeps its own floor, so two floors don't take turns
            # emptying the plan.
            keeping = [i for i in others if _keeps_floor(plan, i)]
            pool = keeping or others
            return min(pool, key=lambda i: (density(c, i), c.ids[i])) if pool else None
    return None


def _keeps_floor(plan: Plan, i: int) -> bool:
    c = plan.compiled
    lo = c.mix.get(c.category[i], (0.0, 1.0))[0]
    e = c.total_effort[i]
    return plan.category_effort[c.category[i]] - e >= lo * (plan.total_effort - e) - EPS


def _remove_with_dependents(plan: Plan, i: int) -> None:
    stack = [i]
    while stack:
        k = stack.pop()
        if plan.start[k] == LEFT_OUT:
            continue
        plan.remove(k)
        stack.extend(j for j in plan.compiled.succs[k] if plan.start[j] != LEFT_OUT)
