"""The planning problem and its answer as plain dataclasses: what goes into the engine and out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Status = Literal["optimal", "feasible", "infeasible"]


@dataclass(frozen=True)
class Team:
    """A team and its capacity in person-weeks for each quarter of the horizon."""

    id: str
    capacity: tuple[float, ...]
    # What explanations call the team; the id when empty.
    name: str = ""


@dataclass(frozen=True)
class Initiative:
    """One piece of work the planner may start in one quarter of the horizon, or leave out.

    `effort` is person-weeks per team for every quarter the initiative runs (the per-quarter
    figure); `earliest` is the first quarter it may start, `deadline` the last quarter it may
    finish in, `fixed_start` a start already decided (work in progress).
    """

    id: str
    value: float
    effort: dict[str, float]
    duration: int = 1
    category: str = ""
    depends_on: tuple[str, ...] = ()
    earliest: str | None = None
    deadline: str | None = None
    must: bool = False
    never: bool = False
    fixed_start: str | None = None
    title: str = ""

    @property
    def total_effort(self) -> float:
        """Person-weeks over the whole duration, all teams together."""
        return sum(self.effort.values()) * self.duration


@dataclass(frozen=True)
class Problem:
    """Teams, initiatives and mix bounds over a horizon of quarters."""

    quarters: tuple[str, ...]
    teams: tuple[Team, ...]
    initiatives: tuple[Initiative, ...]
    # Value of an initiative starting k quarters into the horizon is value / (1 + rate) ** k.
    discount_rate: float = 0.0
    # Category -> (min share, max share) of the planned effort.
    mix: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class CapacityValue:
    """What one more person-week of a team's capacity in a quarter would add to the plan."""

    team: str
    quarter: str
    dual: float
    # The gain measured by planning again with one more person-week; None where not re-solved.
    resolved_gain: float | None = None


@dataclass(frozen=True)
class ProgressPoint:
    """The best plan's value and the best bound at a moment of the search."""

    elapsed_s: float
    objective: float
    bound: float
    phase: str


@dataclass
class Result:
    """The plan found, how good it provably is, and why the rest was left out."""

    status: Status
    objective: float
    bound: float
    gap: float
    starts: dict[str, str]
    left_out: dict[str, str]
    # team -> quarter -> person-weeks planned
    load: dict[str, dict[str, float]]
    # category -> share of planned effort (0-1)
    mix: dict[str, float]
    capacity_values: list[CapacityValue]
    greedy_objective: float
    history: list[ProgressPoint]
    # When infeasible: the smallest set of conflicting items found, in words.
    conflicts: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    stopped: bool = False


def result_as_dict(result: Result) -> dict:
    """The result as JSON-ready data: the file interface's output and what a plan run stores."""
    return asdict(result)


def result_from_dict(data: dict) -> Result:
    """A result read back from `result_as_dict`'s data."""
    fields = dict(data)
    fields["capacity_values"] = [CapacityValue(**row) for row in data["capacity_values"]]
    fields["history"] = [ProgressPoint(**row) for row in data["history"]]
    return Result(**fields)
