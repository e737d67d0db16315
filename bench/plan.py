"""The portfolio planner on seeded synthetic portfolios: issue 5's sizes S, M and L.

Each size runs in a fresh child process (so its peak memory is its own): the portfolio is
generated (`engine.synthetic`), the greedy baseline planned and valued, then `solve` runs under
the time limit while every progress report is timed by the wall clock. It reports the time to
the first plan and to the first plan with a certified gap (a finite bound), value and gap over
time, the final gap, the value as a ratio to greedy, and peak memory; every plan is held against
the independent validator (`engine.check`), and a plan that breaks a rule fails the run. The
targets of issue 5 are printed met or not met; the figures are written to var/bench/plan.json.

`python -m bench plan [--sizes S,M,L] [--time-limit SECONDS] [--seed N] [--output PATH]`
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "var" / "bench" / "plan.json"
# Each size's limit is the one its target names: S's gap within 10 s, M's value within 60 s,
# L's within 120 s (a longer run changes how the engine shares its time, so S runs 10 s).
DEFAULT_TIME_LIMITS = {"S": 10.0, "M": 60.0, "L": 120.0}
# Moments at which value and gap are shown (seconds after solve starts).
CHECKPOINTS = (1, 2, 5, 10, 15, 30, 60, 120, 300)
GIB = 1024**3


def _gap(objective: float, bound: float) -> float:
    """Relative distance from the plan's value to the best bound; inf without a bound."""
    # A "bound" below the plan's own value certifies nothing: the engine reports 0 (or
    # nothing) before its first bound is known.
    if not math.isfinite(bound) or bound < objective - 1e-6 * max(1.0, abs(objective)):
        return math.inf
    if bound <= 0:
        return 0.0
    return max(0.0, (bound - objective) / bound)


def measure(size: str, time_limit: float, seed: int) -> dict:
    """Runs in the child: generate, plan greedily, solve, validate; the figures as a dict."""
    from productorg.planning.engine.check import plan_value, plan_violations
    from productorg.planning.engine.greedy import greedy_plan
    from productorg.planning.engine.solve import solve
    from productorg.planning.engine.synthetic import SIZES, synthetic_problem

    initiatives, teams, quarters = SIZES[size]
    started = time.perf_counter()
    problem = synthetic_problem(initiatives=initiatives, teams=teams, quarters=quarters, seed=seed)
    figures: dict = {
        "size": size,
        "initiatives": initiatives,
        "teams": teams,
        "quarters": quarters,
        "seed": seed,
        "time_limit_s": time_limit,
        "generate_s": time.perf_counter() - started,
    }
    started = time.perf_counter()
    greedy_starts = greedy_plan(problem)
    figures["greedy_s"] = time.perf_counter() - started
    figures["greedy_value"] = plan_value(problem, greedy_starts)
    figures["greedy_violations"] = plan_violations(problem, greedy_starts)

    history: list[dict] = []
    last_shown = -math.inf

    def on_progress(point) -> None:
        nonlocal last_shown
        wall = time.perf_counter() - solve_started
        history.append(
            {
                "wall_s": wall,
                "elapsed_s": point.elapsed_s,
                "objective": point.objective,
                "bound": point.bound,
                "gap": _gap(point.objective, point.bound),
                "phase": point.phase,
            }
        )
        # Live progress on stderr (the parent reads the figures from stdout), twice a second.
        if wall - last_shown >= 0.5:
            last_shown = wall
            print(
                f"  {size} {wall:7.1f} s  value {point.objective:14,.1f}  "
                f"bound {point.bound:14,.1f}  gap {_percent(history[-1]['gap']):>8}  "
                f"{point.phase}",
                file=sys.stderr,
                flush=True,
            )

    solve_started = time.perf_counter()
    result = solve(problem, time_limit_s=time_limit, on_progress=on_progress)
    figures["solve_s"] = time.perf_counter() - solve_started
    # The answer counts as reported when solve returns, whatever the last progress said.
    history.append(
        {
            "wall_s": figures["solve_s"],
            "elapsed_s": result.elapsed_s,
            "objective": result.objective,
            "bound": result.bound,
            "gap": _gap(result.objective, result.bound),
            "phase": "result",
        }
    )
    figures["status"] = result.status
    figures["objective"] = result.objective
    figures["bound"] = result.bound
    figures["gap"] = result.gap
    figures["engine_greedy_objective"] = result.greedy_objective
    figures["planned"] = len(result.starts)
    figures["left_out"] = len(result.left_out)
    figures["plan_value"] = plan_value(problem, result.starts)
    figures["violations"] = plan_violations(problem, result.starts)
    figures["history"] = history
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # Linux counts ru_maxrss in KiB.
    figures["peak_rss_bytes"] = max(own, children) * 1024
    return figures


def _percent(share: float | None) -> str:
    if share is None:
        return "-"
    if not math.isfinite(share):
        return "no bound"
    return f"{100 * share:.2f} %"


def _first(history: list[dict], condition) -> float | None:
    return next((point["wall_s"] for point in history if condition(point)), None)


def _at(history: list[dict], seconds: float) -> dict | None:
    """The best plan reported by `seconds` after solve started (None if none yet)."""
    reached = [point for point in history if point["wall_s"] <= seconds]
    return reached[-1] if reached else None


def summarise(figures: dict) -> dict:
    """Derived figures: times to the first (certified) plan, value over time, ratio to greedy."""
    history = figures["history"]
    greedy = figures["greedy_value"]
    summary = {
        "first_plan_s": _first(history, lambda p: True),
        # The engine reports a trivial bound (every initiative at its best start) from the
        # start; a gap is certified in earnest once the LP or Lagrangian bound improves on it.
        "first_certified_s": _first(
            history,
            lambda p: math.isfinite(p["gap"]) and p["bound"] < history[0]["bound"] * (1 - 1e-9),
        ),
        "ratio_to_greedy": figures["objective"] / greedy if greedy else None,
        "valid": not figures["violations"]
        and math.isclose(figures["objective"], figures["plan_value"], rel_tol=1e-6, abs_tol=1e-6),
        # A bound below a plan known to be valid is no bound: it would certify a false gap.
        "bound_sound": figures["bound"] is not None
        and figures["bound"] >= max(figures["objective"], greedy or 0.0) * (1 - 1e-6) - 1e-6,
        "over_time": {},
    }
    # The checkpoints inside the time limit, then the moment solve returned.
    moments = [seconds for seconds in CHECKPOINTS if seconds < figures["solve_s"]]
    for seconds in [*moments, round(figures["solve_s"], 1)]:
        point = _at(history, seconds)
        summary["over_time"][seconds] = (
            None
            if point is None
            else {
                "objective": point["objective"],
                "gap": point["gap"],
                "ratio_to_greedy": point["objective"] / greedy if greedy else None,
            }
        )
    return summary


def targets(figures: dict, summary: dict) -> list[tuple[str, bool | None]]:
    """Issue 5's targets for this size: (what, met); met is None when it cannot be told."""
    size = figures["size"]
    history = figures["history"]
    greedy = figures["greedy_value"]
    certified = summary["first_certified_s"]
    rows: list[tuple[str, bool | None]] = [
        ("every plan keeps every rule (independent validator)", summary["valid"]),
        ("the bound is no lower than the plan's or greedy's value", summary["bound_sound"]),
    ]
    certified_within = {"S": 2.0, "M": 2.0, "L": 15.0}[size]
    rows.append(
        (
            f"a feasible plan with a certified gap within {certified_within:g} s",
            certified is not None and certified <= certified_within,
        )
    )
    if size == "S":
        point = _at(history, 10.0)
        rows.append(("gap <= 1.5 % within 10 s", point is not None and point["gap"] <= 0.015))
    elif size in ("M", "L"):
        window, ratio = (60.0, 1.08) if size == "M" else (120.0, 1.03)
        point = _at(history, window)
        met = None if not greedy else point is not None and point["objective"] >= ratio * greedy
        rows.append((f"value >= {ratio:g} x greedy within {window:g} s", met))
    if size == "L":
        rows.append(("peak memory under 2 GiB", figures["peak_rss_bytes"] < 2 * GIB))
    return rows


def run_child(size: str, time_limit: float, seed: int) -> dict:
    """One size in a fresh interpreter: its progress shows live on stderr, figures on stdout."""
    child = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "bench.plan", "--child", size, str(time_limit), str(seed)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def report(runs: list[dict]) -> None:
    """The table, value over time and the targets, on stdout."""
    print(
        f"{'size':4} {'initiatives':>11} {'teams':>5} {'qtrs':>4} {'limit s':>7} "
        f"{'greedy':>12} {'1st plan s':>10} {'certified s':>11} {'value':>12} "
        f"{'x greedy':>8} {'gap':>8} {'peak MiB':>8} {'status':>10} valid"
    )
    for figures in runs:
        summary = figures["summary"]
        greedy = figures["greedy_value"]
        ratio = summary["ratio_to_greedy"]
        print(
            f"{figures['size']:4} {figures['initiatives']:>11,} {figures['teams']:>5} "
            f"{figures['quarters']:>4} {figures['time_limit_s']:>7g} "
            f"{'-' if greedy is None else f'{greedy:,.0f}':>12} "
            f"{_seconds(summary['first_plan_s']):>10} {_seconds(summary['first_certified_s']):>11} "
            f"{figures['objective']:>12,.0f} {'-' if ratio is None else f'{ratio:.3f}':>8} "
            f"{_percent(figures['gap']):>8} {figures['peak_rss_bytes'] / 2**20:>8,.0f} "
            f"{figures['status']:>10} {'yes' if summary['valid'] else 'NO'}"
        )
    for figures in runs:
        print(f"\n{figures['size']}: value over time (x greedy, gap to the best bound)")
        for seconds, point in figures["summary"]["over_time"].items():
            if point is None:
                print(f"  {seconds:>6g} s  no plan yet")
                continue
            ratio = point["ratio_to_greedy"]
            print(
                f"  {seconds:>6g} s  {point['objective']:>14,.1f}  "
                f"{'-' if ratio is None else f'{ratio:.3f}':>6} x  gap {_percent(point['gap'])}"
            )
        if figures["violations"]:
            print(f"  {len(figures['violations'])} rules broken, e.g. {figures['violations'][:3]}")
        if figures["greedy_violations"]:
            print(f"  the greedy plan breaks {len(figures['greedy_violations'])} rules")
    print("\nTargets of issue 5")
    for figures in runs:
        for what, met in figures["targets"]:
            verdict = "cannot tell" if met is None else "met" if met else "NOT MET"
            print(f"  {figures['size']}  {what:58} {verdict}")


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _json_ready(value):
    """Infinite gaps as None: JSON has no infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(key): _json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(item) for item in value]
    return value


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        size, time_limit, seed = argv[1], float(argv[2]), int(argv[3])
        print(json.dumps(_json_ready(measure(size, time_limit, seed))))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench plan", description=__doc__)
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated, from S, M, L")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="seconds per size (60 for S and M, 120 for L)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    options = parser.parse_args(argv)
    sizes = [size.strip().upper() for size in options.sizes.split(",") if size.strip()]
    unknown = [size for size in sizes if size not in DEFAULT_TIME_LIMITS]
    if unknown or not sizes:
        parser.error(f"--sizes takes S, M and L, not {options.sizes!r}")
    if options.time_limit is not None and options.time_limit <= 0:
        parser.error("--time-limit must be above zero")
    print(f"Planning seeded synthetic portfolios (seed {options.seed}): {', '.join(sizes)}")
    runs = []
    for size in sizes:
        time_limit = options.time_limit or DEFAULT_TIME_LIMITS[size]
        figures = run_child(size, time_limit, options.seed)
        # The child wrote None for an infinite gap; read it back as infinite.
        for point in figures["history"]:
            point["gap"] = math.inf if point["gap"] is None else point["gap"]
        figures["summary"] = summarise(figures)
        figures["targets"] = targets(figures, figures["summary"])
        runs.append(figures)
    report(runs)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(_json_ready(runs), indent=2) + "\n")
    print(f"\nFigures written to {options.output}")
    sound = all(
        figures["summary"]["valid"] and figures["summary"]["bound_sound"] for figures in runs
    )
    return 0 if sound else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
