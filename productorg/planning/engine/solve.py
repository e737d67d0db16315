"""The engine's entry point. STUB until the real search lands: every initiative left out."""

from __future__ import annotations

from collections.abc import Callable

from productorg.planning.engine.model import Problem, ProgressPoint, Result


def solve(
    problem: Problem,
    *,
    time_limit_s: float = 10.0,
    on_progress: Callable[[ProgressPoint], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Result:
    """The best plan found within the time limit, with its bound, explanations and duals."""
    point = ProgressPoint(elapsed_s=0.0, objective=0.0, bound=0.0, phase="greedy")
    if on_progress:
        on_progress(point)
    return Result(
        status="feasible",
        objective=0.0,
        bound=0.0,
        gap=0.0,
        starts={},
        left_out={i.id: "not planned yet (stub)" for i in problem.initiatives},
        load={t.id: dict.fromkeys(problem.quarters, 0.0) for t in problem.teams},
        mix={},
        capacity_values=[],
        greedy_objective=0.0,
        history=[point],
    )
