"""Seeded synthetic portfolios for the planner's benchmark and tests (issue 5's spec).

Demand is about twice capacity, a quarter of the initiatives wait for a predecessor, most work
needs a supporting team or two, durations run one to three quarters, some initiatives have an
earliest start or a deadline (always reachable), and the mix bounds bind: features and
PMF expansion are the best value per person-week, so a plan that only chases value would take
too much of them and too little growth and scaling work.
"""

from __future__ import annotations

import math
import random

from productorg.planning.engine.model import Initiative, Problem, Team

# Size name -> (initiatives, teams, quarters), as issue 5's benchmark names them.
SIZES: dict[str, tuple[int, int, int]] = {
    "S": (200, 10, 4),
    "M": (2000, 50, 8),
    "L": (10000, 200, 8),
}

DEMAND_OVER_CAPACITY = 2.0
DISCOUNT_RATE = 0.03
# Category -> (share of the initiatives, value per person-week relative to the average).
CATEGORIES: dict[str, tuple[float, float]] = {
    "feature": (0.53, 1.3),
    "growth": (0.17, 0.6),
    "scaling": (0.12, 0.5),
    "pmf_expansion": (0.18, 1.7),
}
MIX: dict[str, tuple[float, float]] = {
    "feature": (0.0, 0.5),
    "growth": (0.15, 1.0),
    "scaling": (0.10, 1.0),
    "pmf_expansion": (0.0, 0.2),
}
PERSON_WEEKS_PER_QUARTER = 12  # thirteen weeks less holidays and leave
# An initiative may ask at most this share of a team's smallest quarter: no single piece of
# work should fill a team on its own.
MAX_SHARE_OF_TEAM = 0.6


def synthetic_problem(*, initiatives: int, teams: int, quarters: int, seed: int) -> Problem:
    """A random portfolio of the given size, always the same for the same arguments."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible benchmark, not a secret
    labels = tuple(f"{2027 + k // 4}-Q{k % 4 + 1}" for k in range(quarters))
    team_list = [_team(rng, k, quarters) for k in range(teams)]
    team_weights = [min(team.capacity) for team in team_list]
    categories = list(CATEGORIES)
    category_weights = [share for share, _ in CATEGORIES.values()]

    drafts = []
    # Earliest possible start of each initiative, after its own earliest start and its
    # predecessors' earliest finish: deadlines are drawn after it, so each one is reachable.
    earliest_start: list[int] = []
    width = len(str(max(initiatives - 1, 1)))
    for k in range(initiatives):
        owner = rng.choices(range(teams), weights=team_weights)[0]
        supporters = _supporters(rng, owner, teams)
        duration = min(rng.choices((1, 2, 3), weights=(5, 3, 2))[0], quarters)
        category = rng.choices(categories, weights=category_weights)[0]
        depends_on = _predecessor(rng, k, earliest_start, drafts, quarters)
        ready = max((earliest_start[p] + drafts[p]["duration"] for p in depends_on), default=0)
        duration = max(1, min(duration, quarters - ready))
        earliest, earliest_label = ready, None
        if rng.random() < 0.15 and quarters - duration > 0:
            earliest = rng.randint(max(ready, 1), max(ready, quarters - duration))
            earliest_label = labels[earliest]
        deadline = None
        if rng.random() < 0.15:
            deadline = rng.randint(earliest + duration - 1, quarters - 1)
        earliest_start.append(earliest)
        # Size of the work: skewed, a few large pieces among many small ones.
        size = min(rng.lognormvariate(0.0, 0.6), 4.0)
        effort = {team_list[owner].id: size}
        for supporter in supporters:
            effort[team_list[supporter].id] = size * rng.uniform(0.15, 0.5)
        drafts.append(
            {
                "id": f"i{k:0{width}d}",
                "effort": effort,
                "duration": duration,
                "category": category,
                "depends_on": depends_on,
                "earliest": earliest_label,
                "deadline": labels[deadline] if deadline is not None else None,
            }
        )
    _scale_efforts(drafts, team_list)
    initiative_list = []
    for draft in drafts:
        total = sum(draft["effort"].values()) * draft["duration"]
        density = CATEGORIES[draft["category"]][1] * rng.lognormvariate(0.0, 0.8)
        initiative_list.append(
            Initiative(
                id=draft["id"],
                value=round(max(total * density * 10, 1.0), 1),
                effort=draft["effort"],
                duration=draft["duration"],
                category=draft["category"],
                depends_on=tuple(drafts[p]["id"] for p in draft["depends_on"]),
                earliest=draft["earliest"],
                deadline=draft["deadline"],
                title=f"Synthetic initiative {draft['id']}",
            )
        )
    return Problem(
        quarters=labels,
        teams=tuple(team_list),
        initiatives=tuple(initiative_list),
        discount_rate=DISCOUNT_RATE,
        mix=dict(MIX),
    )


def _team(rng: random.Random, k: int, quarters: int) -> Team:
    people = rng.randint(4, 12)
    # Summer and year-end quarters lose a little more to holidays.
    capacity = tuple(
        float(
            people
            * PERSON_WEEKS_PER_QUARTER
            * (0.9 if q % 4 in (2, 3) and rng.random() < 0.5 else 1.0)
        )
        for q in range(quarters)
    )
    return Team(id=f"t{k:03d}", capacity=capacity)


def _supporters(rng: random.Random, owner: int, teams: int) -> list[int]:
    count = min(rng.choices((0, 1, 2), weights=(4, 4, 2))[0], teams - 1)
    others = [team for team in range(teams) if team != owner]
    return rng.sample(others, count)


def _predecessor(
    rng: random.Random, k: int, earliest_start: list[int], drafts: list[dict], quarters: int
) -> list[int]:
    """A lower-index predecessor for about a quarter of the initiatives (so never a cycle),
    one that can finish with a quarter of the horizon to spare."""
    if k == 0 or rng.random() >= 0.25:
        return []
    # Work depends on recent work more often than on old work: nearby ids, as a backlog grows.
    for _ in range(5):
        candidate = rng.randint(max(0, k - 50), k - 1)
        if earliest_start[candidate] + drafts[candidate]["duration"] < quarters:
            return [candidate]
    return []


def _scale_efforts(drafts: list[dict], team_list: list[Team]) -> None:
    """Scale efforts so that demand is DEMAND_OVER_CAPACITY times capacity, each piece of work
    at most MAX_SHARE_OF_TEAM of a team's smallest quarter, rounded to half person-weeks."""
    capacity = sum(sum(team.capacity) for team in team_list)
    smallest = {team.id: min(team.capacity) for team in team_list}
    # Clipping removes a little demand, so scale again on what is left: three rounds settle it.
    factor = 1.0
    for _ in range(3):
        demand = 0.0
        for draft in drafts:
            demand += (
                sum(
                    min(size * factor, MAX_SHARE_OF_TEAM * smallest[team_id])
                    for team_id, size in draft["effort"].items()
                )
                * draft["duration"]
            )
        factor *= DEMAND_OVER_CAPACITY * capacity / demand if demand else 1.0
    for draft in drafts:
        draft["effort"] = {
            team_id: max(
                0.5, math.floor(2 * min(size * factor, MAX_SHARE_OF_TEAM * smallest[team_id])) / 2
            )
            for team_id, size in draft["effort"].items()
        }
