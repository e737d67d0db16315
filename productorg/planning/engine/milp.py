"""The planning problem as a MILP for HiGHS: one binary per initiative and possible start.

x[i, s] = 1 when initiative i starts in quarter s. Rows:
- each initiative starts at most once (exactly once when required);
- each team's load in each quarter stays within its capacity (effort spread over the duration);
- precedence in its time-indexed form: for every quarter q, i's dependent may have started by q
  only if i has finished before q — much stronger in the LP than one big-M row per dependency;
- each bounded category's effort stays within [min, max] share of all planned effort.
Objective: maximise the discounted value.

The model is built once; large-neighbourhood search fixes the columns outside a neighbourhood
to the incumbent plan and re-solves, so nothing is rebuilt per step.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from productorg.planning.engine.greedy import LEFT_OUT
from productorg.planning.engine.prep import Compiled

_banner_lock = threading.Lock()
_banner_printed = False


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance. The first one of a process prints HiGHS's banner to file
    descriptor 1 before any option can be set: that would land in the CLI's JSON output and the
    worker's log, so it goes to /dev/null."""
    global _banner_printed
    with _banner_lock:
        if _banner_printed:
            h = highspy.Highs()
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _banner_printed = True
    h.setOptionValue("output_flag", False)
    return h


@dataclass
class MilpAnswer:
    status: str  # "optimal", "feasible", "infeasible", "none" (no solution in time)
    objective: float
    bound: float
    starts: list[int] | None


class Milp:
    """The model of a compiled problem, ready to solve whole, in part, or relaxed."""

    def __init__(self, compiled: Compiled, *, threads: int = 1, precedence: bool = True) -> None:
        self.compiled = compiled
        c = compiled
        col_init: list[int] = []
        col_start: list[int] = []
        self.first_col = [0] * len(c.ids)
        for i in range(len(c.ids)):
            self.first_col[i] = len(col_init)
            for s in c.starts[i]:
                col_init.append(i)
                col_start.append(s)
        self.col_init = np.array(col_init, dtype=np.int32)
        self.col_start = np.array(col_start, dtype=np.int32)
        self.n_cols = len(col_init)
        self.cost = np.array(
            [c.start_value(i, s) for i, s in zip(col_init, col_start, strict=True)], dtype=float
        )

        entries: list[list[tuple[int, float]]] = [[] for _ in range(self.n_cols)]
        row_lo: list[float] = []
        row_hi: list[float] = []

        def new_row(lo: float, hi: float) -> int:
            row_lo.append(lo)
            row_hi.append(hi)
            return len(row_lo) - 1

        self.assign_row: dict[int, int] = {}
        for i in range(len(c.ids)):
            if not c.starts[i]:
                continue
            r = new_row(1.0 if c.required[i] else 0.0, 1.0)
            self.assign_row[i] = r
            for k in self._cols_of(i):
                entries[k].append((r, 1.0))

        self.capacity_row: dict[tuple[int, int], int] = {}
        for k in range(self.n_cols):
            i, s = col_init[k], col_start[k]
            for t, e in c.efforts[i]:
                for q in range(s, s + c.duration[i]):
                    r = self.capacity_row.get((t, q))
                    if r is None:
                        r = new_row(-math.inf, c.capacity[t][q])
                        self.capacity_row[(t, q)] = r
                    entries[k].append((r, e))

        for j in range(len(c.ids)):
            if not c.starts[j] or not precedence:
                continue
            for i in c.preds[j]:
                for q in c.starts[j]:
                    r = new_row(-math.inf, 0.0)
                    for k in self._cols_of(j):
                        if col_start[k] <= q:
                            entries[k].append((r, 1.0))
                    for k in self._cols_of(i):
                        if col_start[k] + c.duration[i] <= q:
                            entries[k].append((r, -1.0))

        self.mix_rows: list[tuple[str, str, int]] = []
        for category, (lo, hi) in c.mix.items():
            # Σ effort · (1[category] − share) x ≤ 0 for the cap, ≥ 0 for the floor.
            bounded = [("max", hi, -math.inf, 0.0)] if hi < 1.0 else []
            bounded += [("min", lo, 0.0, math.inf)] if lo > 0.0 else []
            for kind, share, row_min, row_max in bounded:
                r = new_row(row_min, row_max)
                self.mix_rows.append((category, kind, r))
                for k in range(self.n_cols):
                    i = col_init[k]
                    coef = c.total_effort[i] * ((c.category[i] == category) - share)
                    if coef:
                        entries[k].append((r, coef))

        self.n_rows = len(row_lo)
        self.threads = threads
        starts = np.zeros(self.n_cols + 1, dtype=np.int32)
        for k in range(self.n_cols):
            starts[k + 1] = starts[k] + len(entries[k])
        nnz = int(starts[-1])
        index = np.fromiter((r for col in entries for r, _ in col), dtype=np.int32, count=nnz)
        value = np.fromiter((v for col in entries for _, v in col), dtype=float, count=nnz)
        # Kept for the Lagrangian bound, which works on the same rows without HiGHS.
        self.col_starts, self.row_index, self.coef = starts, index, value
        self.row_lo, self.row_hi = np.array(row_lo), np.array(row_hi)
        self.highs = self._new_highs(integer=True)
        self._relaxed: highspy.Highs | None = None

    def _new_highs(self, *, integer: bool) -> highspy.Highs:
        return loaded_highs(
            threads=self.threads,
            row_lo=self.row_lo,
            row_hi=self.row_hi,
            cost=self.cost,
            col_starts=self.col_starts,
            row_index=self.row_index,
            coef=self.coef,
            integer=integer,
        )

    def _cols_of(self, i: int) -> range:
        return range(self.first_col[i], self.first_col[i] + len(self.compiled.starts[i]))

    def column_values(self, starts: list[int]) -> np.ndarray:
        """The 0/1 column vector of a plan given as start per initiative."""
        x = np.zeros(self.n_cols)
        for i, s in enumerate(starts):
            if s != LEFT_OUT:
                x[self.first_col[i] + self.compiled.starts[i].index(s)] = 1.0
        return x

    def starts_of(self, x: np.ndarray) -> list[int]:
        starts = [LEFT_OUT] * len(self.compiled.ids)
        for k in np.flatnonzero(x > 0.5):
            starts[self.col_init[k]] = int(self.col_start[k])
        return starts

    def relaxation(
        self, *, time_limit_s: float
    ) -> tuple[float, dict[tuple[int, int], float], np.ndarray] | None:
        """The LP relaxation's value (a bound on every plan), each capacity row's dual, and
        the fractional plan (column values)."""
        if self.n_cols == 0:
            return 0.0, {}, np.zeros(0)
        # Its own HiGHS instance, so the relaxation can run in a thread beside the search.
        if self._relaxed is None:
            self._relaxed = self._new_highs(integer=False)
        h = self._relaxed
        h.setOptionValue("solver", "ipm" if self.n_cols > 2000 else "simplex")
        h.setOptionValue("time_limit", max(0.01, time_limit_s))
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            return None
        bound = h.getInfo().objective_function_value
        row_dual = h.getSolution().row_dual
        # HiGHS reports duals of a maximisation with the sign of the minimisation of -f;
        # a capacity row's worth is the magnitude of its (non-positive) dual.
        duals = {key: abs(float(row_dual[r])) for key, r in self.capacity_row.items()}
        return bound, duals, np.array(h.getSolution().col_value)

    def cancel_relaxation(self) -> None:
        if self._relaxed is not None:
            self._relaxed.cancelSolve()

    def solve(
        self,
        *,
        time_limit_s: float,
        incumbent: list[int] | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_improvement: Callable[[list[int], float], None] | None = None,
        gap: float = 1e-4,
    ) -> MilpAnswer:
        """Solve the whole MILP; the incumbent, if any, is passed as a starting solution."""
        h = self.highs
        if self.n_cols == 0:
            return MilpAnswer("optimal", 0.0, 0.0, [LEFT_OUT] * len(self.compiled.ids))
        x0 = self.column_values(incumbent) if incumbent is not None else None
        h.setOptionValue("time_limit", max(0.01, time_limit_s))
        h.setOptionValue("mip_rel_gap", gap)
        if x0 is not None:
            _start_from(h, x0)
        subscribed = [h.cbMipInterrupt] if _interrupt_when(h, should_stop) else []
        if on_improvement is not None:

            def improved(event) -> None:
                x = np.asarray(event.data_out.mip_solution)
                on_improvement(self.starts_of(x), event.data_out.mip_dual_bound)

            h.cbMipImprovingSolution.subscribe(improved)
            subscribed.append(h.cbMipImprovingSolution)
        try:
            h.run()
        finally:
            for callback in subscribed:
                callback.clear()
        status = h.getModelStatus()
        info = h.getInfo()
        if status == highspy.HighsModelStatus.kInfeasible:
            return MilpAnswer("infeasible", -math.inf, -math.inf, None)
        if info.primal_solution_status != 2:  # kSolutionStatusFeasible
            return MilpAnswer("none", -math.inf, info.mip_dual_bound, None)
        x = np.array(h.getSolution().col_value)
        return MilpAnswer(
            "optimal" if status == highspy.HighsModelStatus.kOptimal else "feasible",
            info.objective_function_value,
            info.mip_dual_bound,
            self.starts_of(x),
        )

    def solve_part(
        self,
        *,
        free: set[int],
        incumbent: list[int],
        time_limit_s: float,
        extra_capacity: tuple[tuple[int, int], float] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> MilpAnswer:
        """Re-plan only the `free` initiatives, the rest held at the incumbent plan.

        The sub-model holds just the free columns and the rows they touch, each row's bounds
        less what the held plan already uses there: a few hundred columns instead of tens of
        thousands, so HiGHS presolves and solves it in a fraction of a second."""
        x0 = self.column_values(incumbent)
        cols = np.concatenate(
            [
                np.arange(self.first_col[i], self.first_col[i] + len(self.compiled.starts[i]))
                for i in sorted(free)
                if self.compiled.starts[i]
            ]
            or [np.zeros(0, dtype=np.int64)]
        ).astype(np.int64)
        if len(cols) == 0:
            return MilpAnswer("optimal", 0.0, 0.0, list(incumbent))
        held = x0.copy()
        held[cols] = 0.0
        col_of_entry = self._col_of_entry()
        used = np.bincount(
            self.row_index, weights=self.coef * held[col_of_entry], minlength=self.n_rows
        )
        lengths = self.col_starts[cols + 1] - self.col_starts[cols]
        entry = np.repeat(self.col_starts[cols] - np.cumsum(np.r_[0, lengths[:-1]]), lengths)
        entry += np.arange(len(entry))
        rows = np.unique(self.row_index[entry])
        sub_row = np.full(self.n_rows, -1, dtype=np.int32)
        sub_row[rows] = np.arange(len(rows), dtype=np.int32)
        row_lo = self.row_lo[rows] - used[rows]
        row_hi = self.row_hi[rows] - used[rows]
        if extra_capacity is not None:
            key, amount = extra_capacity
            r = self.capacity_row.get(key)
            if r is not None and sub_row[r] >= 0:
                row_hi[sub_row[r]] += amount
        h = loaded_highs(
            threads=1,
            row_lo=row_lo,
            row_hi=row_hi,
            cost=self.cost[cols],
            col_starts=np.r_[0, np.cumsum(lengths)].astype(np.int32),
            row_index=sub_row[self.row_index[entry]],
            coef=self.coef[entry],
            integer=True,
        )
        h.setOptionValue("time_limit", max(0.01, time_limit_s))
        h.setOptionValue("mip_rel_gap", 1e-4)
        _start_from(h, x0[cols])
        _interrupt_when(h, should_stop)
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        if info.primal_solution_status != 2:
            return MilpAnswer("none", -math.inf, math.inf, None)
        x = x0.copy()
        x[cols] = np.array(h.getSolution().col_value)
        return MilpAnswer(
            "optimal" if status == highspy.HighsModelStatus.kOptimal else "feasible",
            float(self.cost @ np.round(x)),
            math.inf,
            self.starts_of(x),
        )

    def _col_of_entry(self) -> np.ndarray:
        if getattr(self, "_entry_cols", None) is None:
            self._entry_cols = np.repeat(np.arange(self.n_cols), np.diff(self.col_starts))
        return self._entry_cols


def loaded_highs(
    *,
    threads: int,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    cost: np.ndarray,
    col_starts: np.ndarray,
    row_index: np.ndarray,
    coef: np.ndarray,
    integer: bool,
) -> highspy.Highs:
    """A silent HiGHS holding the model (maximise, 0/1 columns given column-wise)."""
    h = new_highs()
    h.setOptionValue("threads", threads)
    h.setOptionValue("random_seed", 1)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    n_rows, n_cols = len(row_lo), len(cost)
    empty = np.zeros(0, dtype=np.int32)
    h.addRows(n_rows, row_lo, row_hi, 0, empty, empty, np.zeros(0))
    h.addCols(
        n_cols, cost, np.zeros(n_cols), np.ones(n_cols), len(coef), col_starts[:-1], row_index, coef
    )
    if integer and n_cols:
        kinds = np.array([highspy.HighsVarType.kInteger] * n_cols)
        h.changeColsIntegrality(n_cols, np.arange(n_cols, dtype=np.int32), kinds)
    return h


def _start_from(h: highspy.Highs, x: np.ndarray) -> None:
    """Hand HiGHS a plan to start from: it then keeps only what beats it."""
    solution = highspy.HighsSolution()
    solution.col_value = list(x)
    solution.value_valid = True
    h.setSolution(solution)


def _interrupt_when(h: highspy.Highs, should_stop: Callable[[], bool] | None) -> bool:
    """Let HiGHS's MIP search be interrupted when `should_stop` says so."""
    if should_stop is None:
        return False

    def interrupt(event) -> None:
        if should_stop():
            event.interrupt()

    h.cbMipInterrupt.subscribe(interrupt)
    return True
