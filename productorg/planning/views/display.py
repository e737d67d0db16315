"""A plan run shaped for its pages: the grid, loads, mix, left-out list, value of capacity,
progress and the roadmap bars, worked out from the run's problem and result in Python so the
templates only lay them out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from productorg.planning.engine.model import Problem, ProgressPoint, Result
from productorg.strategy.models import WorkCategory

# A team at or above this share of its capacity in a quarter is shown as nearly full.
NEAR_FULL = 0.9
# Value-of-capacity rows shown before "show all".
TOP_CAPACITY_VALUES = 10
CATEGORY_LABELS = dict(WorkCategory.choices)
STATUS_WORDS = {"optimal": "Optimal", "feasible": "Feasible", "infeasible": "Infeasible"}


def team_names(problem: Problem) -> dict[str, str]:
    """Team id -> the name the plan shows (the planner's input carries each team's name)."""
    return {team.id: team.name or team.id for team in problem.teams}


def initiative_pk(initiative_id: str) -> int | None:
    """The database id behind an engine id, when the id is one (plans of the org's data)."""
    return int(initiative_id) if initiative_id.isdigit() else None


def gap_of(objective: float, bound: float) -> float | None:
    """The relative distance of the best bound above the plan's value, None before a bound."""
    if bound <= 0:
        return 0.0 if bound == objective else None
    return max(bound - objective, 0.0) / bound


@dataclass(frozen=True)
class Summary:
    """How good the plan is, in the words and figures the page shows."""

    status: str
    status_label: str
    objective: float
    bound: float
    gap_percent: float
    greedy: float
    # The plan's value over the greedy baseline's; None when the baseline is worth nothing.
    ratio: float | None
    stopped: bool
    conflicts: list[str]
    elapsed_s: float
    planned: int
    left_out: int


def summary(result: Result) -> Summary:
    ratio = result.objective / result.greedy_objective if result.greedy_objective > 0 else None
    return Summary(
        status=result.status,
        status_label=STATUS_WORDS.get(result.status, result.status),
        objective=result.objective,
        bound=result.bound,
        gap_percent=result.gap * 100,
        greedy=result.greedy_objective,
        ratio=ratio,
        stopped=result.stopped,
        conflicts=list(result.conflicts),
        elapsed_s=result.elapsed_s,
        planned=len(result.starts),
        left_out=len(result.left_out),
    )


@dataclass(frozen=True)
class GridEntry:
    """An initiative in a team's quarter: starting there, or still running from before."""

    initiative_id: str
    pk: int | None
    title: str
    category: str
    starts: bool
    effort: float


@dataclass(frozen=True)
class GridCell:
    quarter: str
    entries: list[GridEntry]
    load: float
    capacity: float
    # Load as a share of capacity in percent, capped at 100 for the bar.
    bar_percent: int
    near_full: bool
    over: bool


@dataclass(frozen=True)
class GridRow:
    team_id: str
    team_name: str
    cells: list[GridCell]


@dataclass(frozen=True)
class MixRow:
    category: str
    label: str
    achieved_percent: float
    min_percent: float | None
    max_percent: float | None
    within: bool
    verdict: str


@dataclass(frozen=True)
class LeftOutRow:
    initiative_id: str
    pk: int | None
    title: str
    value: float
    reason: str


@dataclass(frozen=True)
class CapacityValueRow:
    team_name: str
    quarter: str
    dual: float
    resolved_gain: float | None


@dataclass(frozen=True)
class PlanView:
    """Everything the result panel of a finished run shows."""

    summary: Summary
    quarters: list[str]
    grid: list[GridRow]
    mix: list[MixRow]
    left_out: list[LeftOutRow]
    capacity_values: list[CapacityValueRow]
    top_capacity_values: list[CapacityValueRow] = field(default_factory=list)


def plan_view(problem: Problem, result: Result, team_names: Mapping[str, str]) -> PlanView:
    """The finished run's panel; `team_names` maps the problem's team ids to names."""
    quarters = list(problem.quarters)
    position = {quarter: index for index, quarter in enumerate(quarters)}
    by_id = {initiative.id: initiative for initiative in problem.initiatives}
    running: dict[tuple[str, int], list[GridEntry]] = {}
    for initiative_id, start in sorted(
        result.starts.items(), key=lambda item: (position.get(item[1], 0), item[0])
    ):
        initiative = by_id.get(initiative_id)
        if initiative is None or start not in position:
            continue
        first = position[start]
        for offset in range(initiative.duration):
            if first + offset >= len(quarters):
                break
            for team_id, effort in initiative.effort.items():
                running.setdefault((team_id, first + offset), []).append(
                    GridEntry(
                        initiative_id=initiative_id,
                        pk=initiative_pk(initiative_id),
                        title=initiative.title or initiative_id,
                        category=initiative.category,
                        starts=offset == 0,
                        effort=effort,
                    )
                )
    grid = []
    for team in sorted(problem.teams, key=lambda team: team_names.get(team.id, team.id).lower()):
        loads = result.load.get(team.id, {})
        cells = []
        for index, quarter in enumerate(quarters):
            capacity = team.capacity[index] if index < len(team.capacity) else 0.0
            load = float(loads.get(quarter, 0.0))
            share = load / capacity if capacity > 0 else (1.0 if load > 0 else 0.0)
            cells.append(
                GridCell(
                    quarter=quarter,
                    entries=running.get((team.id, index), []),
                    load=load,
                    capacity=capacity,
                    bar_percent=min(round(share * 100), 100),
                    near_full=load > 0 and share >= NEAR_FULL,
                    over=load > capacity + 1e-6,
                )
            )
        grid.append(GridRow(team.id, team_names.get(team.id, team.id), cells))
    values = capacity_value_rows(result, team_names)
    return PlanView(
        summary=summary(result),
        quarters=quarters,
        grid=grid,
        mix=mix_rows(problem, result),
        left_out=left_out_rows(problem, result),
        capacity_values=values,
        top_capacity_values=values[:TOP_CAPACITY_VALUES],
    )


def mix_rows(problem: Problem, result: Result) -> list[MixRow]:
    """Each category's share of planned effort against the scenario's bounds."""
    categories = sorted(
        {*problem.mix, *result.mix}, key=lambda category: CATEGORY_LABELS.get(category, category)
    )
    rows = []
    for category in categories:
        achieved = result.mix.get(category, 0.0)
        low, high = problem.mix.get(category, (None, None))
        below = low is not None and achieved < low - 1e-6
        above = high is not None and achieved > high + 1e-6
        verdict = "✓ within bounds" if low is not None or high is not None else "no bounds"
        if below:
            verdict = "⚠ below the least"
        elif above:
            verdict = "⚠ above the most"
        rows.append(
            MixRow(
                category=category,
                label=CATEGORY_LABELS.get(category, category or "No category"),
                achieved_percent=achieved * 100,
                min_percent=None if low is None else low * 100,
                max_percent=None if high is None else high * 100,
                within=not (below or above),
                verdict=verdict,
            )
        )
    return rows


def left_out_rows(problem: Problem, result: Result) -> list[LeftOutRow]:
    """Initiatives not planned, the most valuable first, each with the reason."""
    by_id = {initiative.id: initiative for initiative in problem.initiatives}
    rows = [
        LeftOutRow(
            initiative_id=initiative_id,
            pk=initiative_pk(initiative_id),
            title=(by_id[initiative_id].title or initiative_id)
            if initiative_id in by_id
            else initiative_id,
            value=by_id[initiative_id].value if initiative_id in by_id else 0.0,
            reason=_category_labels(reason),
        )
        for initiative_id, reason in result.left_out.items()
    ]
    return sorted(rows, key=lambda row: (-row.value, row.title.lower()))


def _category_labels(reason: str) -> str:
    """The engine names a mix bound's category by its id ("on pmf_expansion ("); the page says
    the category's label."""
    for category in WorkCategory:
        reason = reason.replace(f" on {category.value} (", f" on {category.label} (")
    return reason


def capacity_value_rows(result: Result, team_names: Mapping[str, str]) -> list[CapacityValueRow]:
    """What one more person-week is worth per team and quarter, the most valuable first."""
    rows = [
        CapacityValueRow(
            team_name=team_names.get(value.team, value.team),
            quarter=value.quarter,
            dual=value.dual,
            resolved_gain=value.resolved_gain,
        )
        for value in result.capacity_values
    ]
    return sorted(
        rows,
        key=lambda row: (-max(row.dual, row.resolved_gain or 0.0), row.team_name, row.quarter),
    )


@dataclass(frozen=True)
class Progress:
    """Where a running search is: the latest point and the points so far for the chart."""

    elapsed_s: float
    objective: float | None
    bound: float | None
    gap_percent: float | None
    phase: str
    points: list[ProgressPoint]


def progress(points: Sequence[ProgressPoint | Mapping]) -> Progress:
    """The progress panel's figures from a run's stored points (dicts) or a result's history."""
    history = [
        point if isinstance(point, ProgressPoint) else ProgressPoint(**point) for point in points
    ]
    if not history:
        return Progress(0.0, None, None, None, "waiting to start", [])
    last = history[-1]
    gap = gap_of(last.objective, last.bound)
    return Progress(
        elapsed_s=last.elapsed_s,
        objective=last.objective,
        bound=last.bound,
        gap_percent=None if gap is None else gap * 100,
        phase=last.phase,
        points=history,
    )


@dataclass(frozen=True)
class RoadmapBar:
    initiative_id: str
    pk: int | None
    title: str
    category: str
    start: str
    end: str
    column: int
    span: int
    effort: float


@dataclass(frozen=True)
class RoadmapBand:
    team_id: str
    team_name: str
    bars: list[RoadmapBar]


def roadmap_bands(
    problem: Problem, result: Result, team_names: Mapping[str, str]
) -> list[RoadmapBand]:
    """Per team, a bar across the quarters of every planned initiative it puts effort into."""
    quarters = list(problem.quarters)
    position = {quarter: index for index, quarter in enumerate(quarters)}
    by_team: dict[str, list[RoadmapBar]] = {team.id: [] for team in problem.teams}
    for initiative in problem.initiatives:
        start = result.starts.get(initiative.id)
        if start not in position:
            continue
        first = position[start]
        span = max(min(initiative.duration, len(quarters) - first), 1)
        for team_id, effort in initiative.effort.items():
            by_team.setdefault(team_id, []).append(
                RoadmapBar(
                    initiative_id=initiative.id,
                    pk=initiative_pk(initiative.id),
                    title=initiative.title or initiative.id,
                    category=initiative.category,
                    start=start,
                    end=quarters[first + span - 1],
                    column=first + 1,
                    span=span,
                    effort=effort,
                )
            )
    bands = [
        RoadmapBand(
            team_id=team_id,
            team_name=team_names.get(team_id, team_id),
            bars=sorted(bars, key=lambda bar: (bar.column, bar.title.lower())),
        )
        for team_id, bars in by_team.items()
    ]
    return sorted(bands, key=lambda band: band.team_name.lower())


def bounds_words(bounds: tuple[float, float] | None) -> str:
    """A category's share bounds as a reader writes them: "10–60 %", or "none"."""
    if bounds is None:
        return "none"
    return f"{bounds[0] * 100:g}–{bounds[1] * 100:g} %"


@dataclass(frozen=True)
class CompareSide:
    """One scenario's column of the comparison's headline table."""

    name: str
    status_label: str
    objective: float | None
    bound: float | None
    gap_percent: float | None
    planned: int
    left_out: int


@dataclass(frozen=True)
class CompareMixRow:
    label: str
    category: str
    a_percent: float | None
    b_percent: float | None
    bounds_a: str
    bounds_b: str
    bounds_differ: bool


CHANGE_WORDS = {"moved": "moved", "added": "newly planned", "left_out": "newly left out"}


def compare_side(figures) -> CompareSide:
    """The headline figures of one side of `selectors.plan_comparison`."""
    stopped = bool((figures.run.result or {}).get("stopped"))
    label = STATUS_WORDS.get(figures.status, str(figures.status).capitalize())
    return CompareSide(
        name=figures.scenario_name,
        status_label=f"{label} (stopped)" if stopped else label,
        objective=figures.objective,
        bound=figures.bound,
        gap_percent=None if figures.gap is None else figures.gap * 100,
        planned=figures.planned,
        left_out=figures.left_out,
    )


def compare_mix(comparison) -> list[CompareMixRow]:
    """Each category's achieved share and bounds in both plans."""
    a, b = comparison.a, comparison.b
    categories = {*a.mix, *b.mix, *a.mix_bounds, *b.mix_bounds}
    rows = [
        CompareMixRow(
            label=CATEGORY_LABELS.get(category, category or "No category"),
            category=category,
            a_percent=None if category not in a.mix else a.mix[category] * 100,
            b_percent=None if category not in b.mix else b.mix[category] * 100,
            bounds_a=bounds_words(a.mix_bounds.get(category)),
            bounds_b=bounds_words(b.mix_bounds.get(category)),
            bounds_differ=a.mix_bounds.get(category) != b.mix_bounds.get(category),
        )
        for category in categories
    ]
    return sorted(rows, key=lambda row: row.label)
