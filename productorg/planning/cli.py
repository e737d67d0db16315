"""`productorg plan`: the portfolio planner from the command line, on a JSON file or on the
org's database (`--scenario`).

Exit codes: 0 a plan (optimal or feasible), 1 the input cannot be planned (infeasible: the
conflicts go to stderr), 2 bad input (unreadable file, invalid JSON, schema errors, options).
"""

from __future__ import annotations

import json
import math
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from productorg.planning.engine.io import InputErrors, read_problem_json
from productorg.strategy.periods import QUARTER_PATTERN

DEFAULT_TIME_LIMIT_S = 10.0

plan_app = typer.Typer(help="Plan the portfolio: on a JSON file, or on the org's database.")


@plan_app.callback(invoke_without_command=True)
def plan(
    ctx: typer.Context,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            help='Plan the org\'s portfolio under this scenario, e.g. "Base plan" (created '
            "if missing).",
            show_default=False,
        ),
    ] = None,
    horizon: Annotated[
        int | None,
        typer.Option(
            "--horizon",
            help="Quarters to plan, 1 to 12 (a new scenario: 4).",
            show_default=False,
        ),
    ] = None,
    first_quarter: Annotated[
        str | None,
        typer.Option(
            "--first-quarter",
            metavar="QUARTER",
            help="The horizon's first quarter, e.g. 2027-Q1 (a new scenario: the next quarter).",
            show_default=False,
        ),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            help="Seconds to search (default: the scenario's time limit).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Plan the portfolio: on a JSON file (`plan solve`), or on the org's database
    (`plan --scenario NAME`), recording the run for the Plan pages.

    On the database: exit code 0 a plan, 1 no plan (infeasible, failed, or a run of the
    scenario under way), 2 bad options. Ctrl-C stops the search and keeps the best plan.
    """
    database_options = (horizon, first_quarter, time_limit)
    if ctx.invoked_subcommand is not None:
        if scenario is not None or any(option is not None for option in database_options):
            raise typer.BadParameter(
                "plans the database; `plan solve` plans a file: give one or the other",
                param_hint="--scenario",
            )
        return
    if scenario is None:
        if any(option is not None for option in database_options):
            raise typer.BadParameter("name the scenario to plan", param_hint="--scenario")
        typer.echo(ctx.get_help())
        return
    _plan_database(
        name=scenario, horizon=horizon, first_quarter=first_quarter, time_limit=time_limit
    )


def _plan_database(
    *, name: str, horizon: int | None, first_quarter: str | None, time_limit: float | None
) -> None:
    """Plan the org's portfolio under a scenario in this process, recording the run."""
    _setup_django()
    from django.urls import reverse
    from django.utils import timezone

    from productorg.planning import services
    from productorg.planning.models import MAX_HORIZON_QUARTERS, PlanRun, Scenario
    from productorg.strategy.periods import quarter_add, quarter_of

    if not name.strip():
        raise typer.BadParameter("give the scenario a name", param_hint="--scenario")
    if horizon is not None and not 1 <= horizon <= MAX_HORIZON_QUARTERS:
        raise typer.BadParameter(
            f"must be 1 to {MAX_HORIZON_QUARTERS} quarters, not {horizon}", param_hint="--horizon"
        )
    if first_quarter is not None and not QUARTER_PATTERN.match(first_quarter):
        raise typer.BadParameter(
            f"{first_quarter!r} is not a quarter: write it like 2027-Q1",
            param_hint="--first-quarter",
        )
    if time_limit is not None and not (math.isfinite(time_limit) and 0 < time_limit <= 3600):
        raise typer.BadParameter(
            "must be more than 0 and at most 3600 seconds", param_hint="--time-limit"
        )

    hints = {"name": "--scenario", "first_quarter": "--first-quarter", "quarters": "--horizon"}
    chosen = Scenario.objects.filter(name=name.strip()).first()
    try:
        if chosen is None:
            chosen = services.scenario_create(
                name=name,
                first_quarter=first_quarter or quarter_add(quarter_of(timezone.localdate()), 1),
                quarters=horizon or 4,
                discount_rate=0,
                time_limit_s=Scenario._meta.get_field("time_limit_s").default,
                created_by=None,
            )
            typer.echo(f"Created the scenario {chosen.name!r}.", err=True)
        elif (horizon, first_quarter) != (None, None) and (
            (horizon or chosen.quarters, first_quarter or chosen.first_quarter)
            != (chosen.quarters, chosen.first_quarter)
        ):
            services.scenario_update(scenario=chosen, quarters=horizon, first_quarter=first_quarter)
            typer.echo(f"Changed the horizon of the scenario {chosen.name!r}.", err=True)
        run = services.plan_run_create(scenario=chosen, requested_by=None)
    except services.PlanRunActive as error:
        typer.echo(error.message, err=True)
        raise typer.Exit(code=1) from error
    except services.PlanningError as error:
        if error.field in hints:
            raise typer.BadParameter(error.message, param_hint=hints[error.field]) from error
        typer.echo(error.message, err=True)
        raise typer.Exit(code=1) from error

    last = quarter_add(chosen.first_quarter, chosen.quarters - 1)
    limit = time_limit or chosen.time_limit_s
    typer.echo(
        f"Planning {chosen.name!r}, {chosen.first_quarter} to {last}: "
        f"{len(run.problem['initiatives'])} initiatives, {len(run.problem['teams'])} teams, "
        f"up to {limit:g} s (Ctrl-C stops and keeps the best plan).",
        err=True,
    )
    for note in run.problem.get("capacity_notes", []):
        typer.echo(f"Note: {note}", err=True)
    interrupted = _InterruptToStop()
    with interrupted:
        run = services.plan_run_execute(
            plan_run_id=run.pk,
            on_progress=_show_progress,
            time_limit_s=time_limit,
            should_stop=interrupted.asked,
        )
    _print_run_summary(run)
    path = reverse("planning:scenario-run", kwargs={"scenario_id": chosen.pk, "run_id": run.pk})
    typer.echo(f"Run {run.pk}: {path}")
    if run.status not in {PlanRun.Status.DONE, PlanRun.Status.STOPPED} or (
        run.result["status"] == "infeasible"
    ):
        raise typer.Exit(code=1)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productorg.settings")
    import django

    django.setup()


class _InterruptToStop:
    """While planning, the first Ctrl-C asks the search to stop (keeping the best plan so
    far); the second interrupts as usual."""

    def __init__(self) -> None:
        self.stop = False
        self.previous = None

    def asked(self) -> bool:
        return self.stop

    def _handle(self, signum, frame) -> None:
        if self.stop:
            raise KeyboardInterrupt
        self.stop = True
        typer.echo("Stopping: the best plan so far is kept (Ctrl-C again to abort).", err=True)

    def __enter__(self) -> _InterruptToStop:
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc_info) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def _print_run_summary(run) -> None:
    """The run's outcome on stdout: status, value, gap, counts, where capacity pays most."""
    from productorg.people.models import Team

    if run.result is None:
        typer.echo(f"{run.get_status_display()}: {run.error or 'no plan'}")
        return
    result = run.result
    status = result["status"] + (" (stopped early)" if run.status == "stopped" else "")
    typer.echo(
        f"{status}: value {result['objective']:,.1f}, bound {result['bound']:,.1f}, "
        f"gap {result['gap']:.2%} ({result.get('elapsed_s', 0):.1f} s)"
    )
    if result["status"] == "infeasible":
        typer.echo("No plan satisfies every constraint. In conflict:")
        for conflict in result.get("conflicts", []):
            typer.echo(f"  - {conflict}")
        return
    typer.echo(
        f"{len(result['starts'])} initiatives planned, {len(result['left_out'])} left out; "
        f"the greedy plan's value: {result.get('greedy_objective', 0):,.1f}."
    )
    values = sorted(result.get("capacity_values", []), key=lambda row: (-row["dual"], row["team"]))[
        :5
    ]
    if values and values[0]["dual"] > 0:
        names = dict(
            Team.objects.filter(pk__in=[int(row["team"]) for row in values]).values_list(
                "pk", "name"
            )
        )
        typer.echo("One more person-week per quarter would add most in:")
        for row in values:
            gain = row.get("resolved_gain")
            measured = "" if gain is None else f" (planned again: +{gain:,.1f})"
            team = names.get(int(row["team"]), row["team"])
            typer.echo(f"  {team:<28} {row['quarter']}  +{row['dual']:,.1f}{measured}")


@plan_app.command("solve")
def plan_solve(
    input_file: Annotated[
        str,
        typer.Argument(
            metavar="INPUT.json", help="The problem as JSON (docs/planning.md); - for stdin."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False, help="Write the result here, not stdout."),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            help="Seconds to search (default 10); overrides the file's time_limit_s.",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress lines and no summary.")
    ] = False,
) -> None:
    """Plan the problem in a JSON file and write the result as JSON.

    Exit code 0: a plan; 1: the problem is infeasible (conflicts on stderr); 2: bad input.
    """
    if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
        raise typer.BadParameter("must be more than 0 seconds", param_hint="--time-limit")
    source = "stdin" if input_file == "-" else input_file
    text = _read_input(input_file, source)
    try:
        problem, file_time_limit = read_problem_json(text)
    except InputErrors as error:
        for problem_error in error.errors:
            typer.echo(f"{source}: {problem_error}", err=True)
        typer.echo(f"{len(error.errors)} error(s): nothing was planned.", err=True)
        raise typer.Exit(code=2) from error

    # Imported here so that every other productorg command starts without loading the solver.
    from productorg.planning.engine.model import result_as_dict
    from productorg.planning.engine.solve import solve

    result = solve(
        problem,
        time_limit_s=time_limit or file_time_limit or DEFAULT_TIME_LIMIT_S,
        on_progress=None if quiet else _show_progress,
    )
    _write_output(json.dumps(result_as_dict(result), indent=2, allow_nan=False) + "\n", output)
    if result.status == "infeasible":
        typer.echo("Infeasible: no plan satisfies every constraint. In conflict:", err=True)
        for conflict in result.conflicts:
            typer.echo(f"  - {conflict}", err=True)
        raise typer.Exit(code=1)
    if not quiet:
        typer.echo(
            f"{result.status}: value {result.objective:,.1f}, bound {result.bound:,.1f}, "
            f"gap {result.gap:.2%}, {len(result.starts)} planned, "
            f"{len(result.left_out)} left out ({result.elapsed_s:.1f} s)",
            err=True,
        )


def _read_input(input_file: str, source: str) -> str:
    try:
        if input_file == "-":
            return sys.stdin.read()
        return Path(input_file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        typer.echo(f"{source}: cannot read the input: {reason}", err=True)
        raise typer.Exit(code=2) from error


def _write_output(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        typer.echo(f"{output}: cannot write the result: {error.strerror}", err=True)
        raise typer.Exit(code=2) from error


def _show_progress(point) -> None:
    # The gap as the engine reports it: how far the best bound is above the plan's value.
    gap = (point.bound - point.objective) / abs(point.bound) if point.bound else 0.0
    typer.echo(
        f"{point.elapsed_s:7.1f} s  value {point.objective:>14,.1f}  "
        f"bound {point.bound:>14,.1f}  gap {gap:7.2%}  {point.phase}",
        err=True,
    )
