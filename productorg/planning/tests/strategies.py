"""Hypothesis strategies for planning problems, and the settings engine property tests share."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from productorg.planning.engine.model import Initiative, Problem, Team

# CI-friendly: the same examples on every run (no example database, no random seed), no
# deadline (a solve takes what it takes on a busy 2-core runner).
ENGINE_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

CATEGORIES = ("feature", "growth", "scaling", "")
# (min share, max share) pairs a mix target may take: loose, tight, a floor, a cap.
SHARES = st.tuples(
    st.sampled_from((0.0, 0.1, 0.2, 0.3, 0.5)), st.sampled_from((0.2, 0.4, 0.5, 0.7, 1.0))
).map(lambda pair: (min(pair), max(pair)))


@st.composite
def problems(
    draw: st.DrawFn,
    *,
    max_initiatives: int = 25,
    max_teams: int = 4,
    max_quarters: int = 5,
    max_capacity: int = 20,
    max_effort: int = 10,
    commitments: bool = True,
) -> Problem:
    """A valid planning problem: random teams, capacity, efforts, dependencies (on earlier
    initiatives only, so acyclic), dates and mix targets; with `commitments`, some must-do,
    never and fixed starts too (which may make it infeasible)."""
    horizon = draw(st.integers(1, max_quarters))
    quarters = tuple(f"2027-Q{k + 1}" if k < 4 else f"2028-Q{k - 3}" for k in range(horizon))
    team_ids = [f"team{k}" for k in range(draw(st.integers(1, max_teams)))]
    teams = tuple(
        Team(
            id=team_id,
            capacity=tuple(
                float(amount)
                for amount in draw(
                    st.lists(st.integers(0, max_capacity), min_size=horizon, max_size=horizon)
                )
            ),
        )
        for team_id in team_ids
    )
    count = draw(st.integers(1, max_initiatives))
    initiatives = []
    for k in range(count):
        working = draw(
            st.lists(
                st.sampled_from(team_ids), min_size=1, max_size=min(3, len(team_ids)), unique=True
            )
        )
        depends_on = (
            draw(st.lists(st.integers(0, k - 1), max_size=2, unique=True))
            if k and draw(st.integers(0, 2)) == 0
            else []
        )
        commitment = ""
        if commitments:
            commitment = draw(st.sampled_from(("",) * 14 + ("must", "never", "fixed")))
        initiatives.append(
            Initiative(
                id=f"init{k}",
                value=float(draw(st.integers(0, 50))),
                effort={team_id: float(draw(st.integers(1, max_effort))) for team_id in working},
                # Up to a quarter longer than a short horizon: some work can never fit.
                duration=draw(st.integers(1, min(3, horizon + 1))),
                category=draw(st.sampled_from(CATEGORIES)),
                depends_on=tuple(f"init{p}" for p in depends_on),
                earliest=draw(st.none() | st.none() | st.sampled_from(quarters)),
                deadline=draw(st.none() | st.none() | st.sampled_from(quarters)),
                must=commitment == "must",
                never=commitment == "never",
                fixed_start=draw(st.sampled_from(quarters)) if commitment == "fixed" else None,
            )
        )
    mix = draw(st.dictionaries(st.sampled_from(CATEGORIES[:3]), SHARES, max_size=2))
    return Problem(
        quarters=quarters,
        teams=teams,
        initiatives=tuple(initiatives),
        discount_rate=draw(st.sampled_from((0.0, 0.05, 0.1))),
        mix=mix,
    )
