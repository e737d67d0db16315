"""The engine's entry point: the best plan found in the time given, and how good it provably is.

1. The greedy baseline is the first plan (Jira Plans' way, kept within the mix bounds).
2. A bound certifies it at once: the LP relaxation when the model is small enough to solve it in
   a moment, otherwise a Lagrangian bound, while the LP runs in a second thread.
3. The plan improves: HiGHS on the whole MILP when it is small; large-neighbourhood search when
   it is not — free the initiatives of a few linked teams, fix the rest to the best plan so far,
   re-solve that sub-model under a short limit, keep what improves.
4. The answer is explained: every initiative left out gets its reason, every team and quarter
   the value of one more person-week (LP duals, re-solved for the three teams worth most).
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable

import numpy as np

from productorg.planning.engine.diagnose import conflicts as find_conflicts
from productorg.planning.engine.explain import left_out_reasons
from productorg.planning.engine.greedy import (
    LEFT_OUT,
    Plan,
    fill_plan,
    greedy,
    rank_order,
    rounded,
)
from productorg.planning.engine.lagrangian import lagrangian_bound, priced_columns
from productorg.planning.engine.milp import Milp
from productorg.planning.engine.model import CapacityValue, Problem, ProgressPoint, Result
from productorg.planning.engine.prep import Compiled, compile_problem

# Below this many columns HiGHS solves the whole MILP well; above it, neighbourhoods do better.
WHOLE_MODEL_COLUMNS = 4000
RESOLVED_TEAMS = 3


class _Search:
    """The state of one solve: best plan, best bound, the clock and the progress callback."""

    def __init__(self, compiled, *, started, time_limit_s, on_progress, should_stop) -> None:
        self.compiled = compiled
        self.started = started
        self.deadline = self.started + time_limit_s
        self.time_limit_s = time_limit_s
        self.on_progress = on_progress
        self._should_stop = should_stop
        self.stopped = False
        self.proven = False
        self.best: Plan | None = None
        self.value = -math.inf
        self.bound = math.inf
        self.history: list[ProgressPoint] = []
        self.duals: dict[tuple[int, int], float] | None = None
        self.lock = threading.Lock()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def should_stop(self) -> bool:
        if not self.stopped and self._should_stop is not None and self._should_stop():
            self.stopped = True
        return self.stopped or self.remaining() <= 0

    def offer(self, starts: list[int], phase: str) -> bool:
        """Keep a plan when it beats the best so far."""
        plan = Plan(self.compiled, starts)
        value = plan.total_value
        with self.lock:
            if self.best is not None and value <= self.value + 1e-9 * max(1.0, abs(self.value)):
                return False
            self.best = plan
            self.value = value
        self.report(phase)
        return True

    def offer_bound(self, bound: float, phase: str) -> None:
        with self.lock:
            if bound >= self.bound:
                return
            self.bound = bound
        self.report(phase)

    def report(self, phase: str) -> None:
        point = ProgressPoint(
            elapsed_s=round(self.elapsed(), 3),
            objective=max(self.value, 0.0) if self.best is not None else 0.0,
            bound=self.bound if math.isfinite(self.bound) else 0.0,
            phase=phase,
        )
        self.history.append(point)
        if self.on_progress is not None:
            self.on_progress(point)


def solve(
    problem: Problem,
    *,
    time_limit_s: float = 10.0,
    on_progress: Callable[[ProgressPoint], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Result:
    """The best plan found within the time limit, with its bound, explanations and duals."""
    started = time.monotonic()
    compiled = compile_problem(problem)
    search = _Search(
        compiled,
        started=started,
        time_limit_s=time_limit_s,
        on_progress=on_progress,
        should_stop=should_stop,
    )
    if compiled.conflicts:
        return _infeasible(search, compiled.conflicts)
    # Every plan is worth at most each initiative at its best start: a bound from the start.
    search.bound = _trivial_bound(compiled)
    baseline = greedy(compiled)
    greedy_value = baseline.value()
    required_placed = all(
        baseline.start[i] != LEFT_OUT for i in range(len(compiled.ids)) if compiled.required[i]
    )
    milp = Milp(compiled)
    if required_placed and baseline.mix_holds():
        search.offer(baseline.start, "greedy")
    else:
        answer = milp.solve(time_limit_s=max(0.5, search.remaining() * 0.5), gap=1.0)
        if answer.starts is None:
            found = find_conflicts(problem, time_limit_s=max(1.0, search.remaining()))
            if answer.status == "infeasible" or found:
                return _infeasible(search, found or ["No plan satisfies every constraint"])
            return _infeasible(search, ["No plan was found in the time given"])
        search.offer(answer.starts, "first feasible plan")

    relaxation = _Relaxation(milp)
    if milp.n_cols <= WHOLE_MODEL_COLUMNS:
        relaxation.run(search)
        # HiGHS on the whole model finds good plans and tightens the bound; neighbourhoods
        # then polish the plan when it stalls short of optimal.
        _solve_whole(search, milp, share=0.6)
    else:
        _price_bound(search, milp)
        relaxation.start(search)
    _neighbourhood_search(search, milp, relaxation)
    relaxation.finish(search)

    plan = search.best
    fill_plan(plan, rank_order(compiled), keep_mix=True)
    capacity_values = _capacity_values(search, milp)
    plan = search.best
    fill_plan(plan, rank_order(compiled), keep_mix=True)
    return _result(search, plan, greedy_value, capacity_values)


class _Relaxation:
    """The LP relaxation: a bound, capacity duals and a fractional plan to round.

    When slow it runs in a thread beside the search (HiGHS releases the GIL); what it finds is
    taken up by the main thread, whose progress callback may write through its own database
    connection."""

    def __init__(self, milp: Milp) -> None:
        self.milp = milp
        self.answer = None
        self.thread: threading.Thread | None = None
        self.taken = False

    def run(self, search: _Search) -> None:
        self.answer = self.milp.relaxation(time_limit_s=max(0.1, search.remaining()))
        self.take(search)

    def start(self, search: _Search) -> None:
        def target() -> None:
            self.answer = self.milp.relaxation(time_limit_s=max(0.1, search.remaining()))

        self.thread = threading.Thread(target=target, daemon=True)
        self.thread.start()

    def take(self, search: _Search) -> None:
        """Use the relaxation's findings once it has any."""
        if self.taken or (self.thread is not None and self.thread.is_alive()):
            return
        self.taken = True
        if self.answer is None:
            return
        bound, duals, fractional = self.answer
        search.duals = duals
        search.offer_bound(bound, "LP bound")
        milp = self.milp
        columns = [
            (float(fractional[k]), int(milp.col_init[k]), int(milp.col_start[k]))
            for k in np.flatnonzero(fractional > 1e-6)
        ]
        search.offer(rounded(search.compiled, columns).start, "LP rounding")

    def finish(self, search: _Search) -> None:
        # The search has used its time: an LP still running is too late to help. It is not
        # waited for: HiGHS stops at its next check and the thread ends unseen.
        if self.thread is not None and self.thread.is_alive():
            self.milp.cancel_relaxation()
            self.taken = True
            return
        self.take(search)


def _price_bound(search: _Search, milp: Milp) -> None:
    """Certify the first plan in seconds, and round the prices into a better one."""
    prices_limit = min(5.0, max(0.2, search.time_limit_s * 0.08))
    bound, prices = lagrangian_bound(milp, target=search.value, time_limit_s=prices_limit)
    search.offer_bound(bound, "Lagrangian bound")
    search.duals = {key: float(prices[r]) for key, r in milp.capacity_row.items()}
    search.offer(rounded(search.compiled, priced_columns(milp, prices)).start, "price rounding")


def _reserve(search: _Search) -> float:
    """Time kept back from the search for the capacity re-solves and the explanations."""
    return min(8.0, search.time_limit_s * 0.12)


def _trivial_bound(compiled: Compiled) -> float:
    return sum(
        max((compiled.start_value(i, s) for s in compiled.starts[i]), default=0.0)
        for i in range(len(compiled.ids))
        if compiled.value[i] > 0
    )


def _solve_whole(search: _Search, milp: Milp, *, share: float) -> None:
    def improved(starts: list[int], bound: float) -> None:
        search.offer(starts, "MILP")
        if math.isfinite(bound):
            search.offer_bound(bound, "MILP")

    answer = milp.solve(
        time_limit_s=max(0.05, search.remaining() * share),
        incumbent=search.best.start,
        should_stop=search.should_stop,
        on_improvement=improved,
    )
    if answer.starts is not None:
        search.offer(answer.starts, "MILP")
    if math.isfinite(answer.bound):
        search.offer_bound(answer.bound, "MILP")
    if answer.status == "optimal":
        search.offer_bound(answer.objective, "MILP optimal")
        search.proven = True


def _neighbourhood_search(search: _Search, milp: Milp, relaxation: _Relaxation) -> None:
    """Free the initiatives of a few linked teams at a time; keep every improvement."""
    c = search.compiled
    rng = random.Random(7)  # noqa: S311 - reproducible search order, not a secret
    team_initiatives, links = _team_graph(c)
    teams = [t for t in range(len(c.team_ids)) if team_initiatives[t]]
    if not teams:
        return
    # Measured on the synthetic portfolios: many small sub-models under a short limit improve
    # the plan faster than few large ones, which HiGHS rarely finishes.
    size = 60
    reserve = _reserve(search)
    while search.remaining() > reserve and not search.should_stop() and not search.proven:
        relaxation.take(search)
        free = _neighbourhood(rng, teams, team_initiatives, links, size, search.duals)
        limit = min(0.5, max(0.1, search.remaining() - reserve))
        began = time.monotonic()
        answer = milp.solve_part(
            free=free,
            incumbent=search.best.start,
            time_limit_s=limit,
            should_stop=search.should_stop,
        )
        took = time.monotonic() - began
        if answer.starts is not None:
            search.offer(answer.starts, "neighbourhood search")
        # Grow the neighbourhood while HiGHS proves sub-models fast; shrink when it can't.
        if answer.status == "optimal" and took < limit * 0.3:
            size = min(400, int(size * 1.2) + 1)
        elif answer.status != "optimal":
            size = max(20, int(size * 0.9))


def _team_graph(c: Compiled) -> tuple[list[list[int]], list[dict[int, int]]]:
    """Each team's initiatives, and how many initiatives each pair of teams shares."""
    team_initiatives: list[list[int]] = [[] for _ in c.team_ids]
    links: list[dict[int, int]] = [{} for _ in c.team_ids]
    for i in range(len(c.ids)):
        if not c.starts[i]:
            continue
        teams = [t for t, _ in c.efforts[i]]
        for t in teams:
            team_initiatives[t].append(i)
            for u in teams:
                if u != t:
                    links[t][u] = links[t].get(u, 0) + 1
    return team_initiatives, links


def _neighbourhood(rng, teams, team_initiatives, links, size, duals) -> set[int]:
    seed = rng.choice(teams)
    chosen = {seed}
    free = set(team_initiatives[seed])
    while len(free) < size and len(chosen) < len(teams):
        frontier = {u: w for t in chosen for u, w in links[t].items() if u not in chosen}
        if frontier:
            options = list(frontier)
            nxt = rng.choices(options, weights=[frontier[u] for u in options])[0]
        else:
            nxt = rng.choice([t for t in teams if t not in chosen])
        chosen.add(nxt)
        free.update(team_initiatives[nxt])
    return free


def _capacity_values(search: _Search, milp: Milp) -> list[CapacityValue]:
    """The worth of one more person-week per team and quarter: duals, and for the teams worth
    most a re-solve with that person-week added."""
    c = search.compiled
    duals = search.duals or {}
    values = {key: duals.get(key, 0.0) for key in milp.capacity_row}
    best_per_team: dict[int, tuple[float, int]] = {}
    for (t, q), dual in values.items():
        if dual > best_per_team.get(t, (0.0, -1))[0]:
            best_per_team[t] = (dual, q)
    top = sorted(best_per_team.items(), key=lambda item: -item[1][0])[:RESOLVED_TEAMS]
    resolved: dict[tuple[int, int], float] = {}
    team_initiatives, _ = _team_graph(c)
    for t, (_, q) in top:
        if search.stopped:
            break
        resolved[(t, q)] = _resolve_with_more(search, milp, t, q, team_initiatives[t])
    return sorted(
        (
            CapacityValue(
                team=c.team_ids[t],
                quarter=c.quarters[q],
                dual=round(dual, 6),
                resolved_gain=round(resolved[(t, q)], 6) if (t, q) in resolved else None,
            )
            for (t, q), dual in values.items()
        ),
        key=lambda v: (-v.dual, v.team, v.quarter),
    )


def _resolve_with_more(search: _Search, milp: Milp, t: int, q: int, initiatives) -> float:
    capacity = search.compiled.capacity[t][q]
    answer = milp.solve_part(
        free=set(initiatives),
        incumbent=search.best.start,
        time_limit_s=max(0.05, min(1.0, _reserve(search) / (2 * RESOLVED_TEAMS))),
        extra_capacity=((t, q), 1.0),
    )
    if answer.starts is None:
        return 0.0
    plan = Plan(search.compiled, answer.starts)
    gain = plan.value() - search.value
    if plan.load[t][q] <= capacity + 1e-9:
        # It fits today's capacity: a better plan found on the way, not the person-week's worth.
        search.offer(answer.starts, "re-solve")
        return 0.0
    return max(0.0, gain)


def _result(
    search: _Search, plan: Plan, greedy_value: float, capacity_values: list[CapacityValue]
) -> Result:
    c = search.compiled
    value = plan.value()
    bound = max(search.bound, value) if math.isfinite(search.bound) else value
    gap = (bound - value) / abs(bound) if bound else 0.0
    optimal = gap <= 1e-4
    if optimal:
        bound, gap = max(bound, value), max(0.0, gap)
    search.report("done")
    return Result(
        status="optimal" if optimal else "feasible",
        objective=round(value, 6),
        bound=round(bound, 6),
        gap=round(gap, 6),
        starts={c.ids[i]: c.quarters[s] for i, s in enumerate(plan.start) if s != LEFT_OUT},
        left_out=left_out_reasons(plan),
        load={
            team: {c.quarters[q]: round(plan.load[t][q], 6) for q in range(len(c.quarters))}
            for t, team in enumerate(c.team_ids)
        },
        mix={
            category: round(effort / plan.total_effort, 6) if plan.total_effort else 0.0
            for category, effort in sorted(plan.category_effort.items())
        },
        capacity_values=capacity_values,
        greedy_objective=round(greedy_value, 6),
        history=search.history,
        elapsed_s=round(search.elapsed(), 3),
        stopped=search.stopped,
    )


def _infeasible(search: _Search, conflicts: list[str]) -> Result:
    c = search.compiled
    search.report("infeasible")
    return Result(
        status="infeasible",
        objective=0.0,
        bound=0.0,
        gap=0.0,
        starts={},
        left_out=dict.fromkeys(c.ids, "No plan exists: see the conflicts"),
        load={team: dict.fromkeys(c.quarters, 0.0) for team in c.team_ids},
        mix={},
        capacity_values=[],
        greedy_objective=0.0,
        history=search.history,
        conflicts=conflicts,
        elapsed_s=round(search.elapsed(), 3),
    )
