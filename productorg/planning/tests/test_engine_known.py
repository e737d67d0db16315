"""The engine on instances whose best plan is known: solved by hand, one rule binding at a time,
and tiny random ones solved by trying every plan."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given

from productorg.planning.engine.check import plan_value, plan_violations
from productorg.planning.engine.model import Initiative, Problem, Result, Team
from productorg.planning.engine.solve import solve
from productorg.planning.tests.strategies import ENGINE_SETTINGS, problems

Q1, Q2, Q3 = "2027-Q1", "2027-Q2", "2027-Q3"


def team(team_id: str, *capacity: float) -> Team:
    return Team(id=team_id, capacity=tuple(float(amount) for amount in capacity))


def work(
    initiative_id: str, value: float, effort: float | dict[str, float], **fields
) -> Initiative:
    """An initiative; a bare number is its effort for the team called core."""
    if not isinstance(effort, dict):
        effort = {"core": effort}
    return Initiative(id=initiative_id, value=value, effort=effort, **fields)


def portfolio(
    quarters: tuple[str, ...], teams: list[Team], initiatives: list[Initiative], **fields
) -> Problem:
    return Problem(quarters=quarters, teams=tuple(teams), initiatives=tuple(initiatives), **fields)


def assert_best_plan(problem: Problem, result: Result, objective: float, starts: dict) -> None:
    """The engine proved this plan optimal, and accounted for everything it left out."""
    assert result.status == "optimal", (result.status, result.conflicts)
    assert result.objective == pytest.approx(objective)
    assert result.starts == starts
    assert plan_violations(problem, result.starts) == []
    left_out = {initiative.id for initiative in problem.initiatives} - set(starts)
    assert set(result.left_out) == left_out
    assert all(reason.strip() for reason in result.left_out.values()), result.left_out


def test_capacity_picks_the_pair_worth_more_than_the_densest_initiative():
    # Greedy by value per person-week takes big (10 for 6) and then nothing fits the 4 left.
    problem = portfolio(
        (Q1,), [team("core", 10)], [work("big", 10, 6), work("mid", 7, 5), work("small", 6, 5)]
    )
    result = solve(problem, time_limit_s=10)
    assert_best_plan(problem, result, 13, {"mid": Q1, "small": Q1})


def test_effort_is_spent_in_every_quarter_the_work_runs():
    # platform takes 6 of the 10 in both quarters, so audit (5) fits in neither; had its effort
    # counted only in its first quarter, audit would fit in Q2.
    problem = portfolio(
        (Q1, Q2),
        [team("core", 10, 10)],
        [work("platform", 30, 6, duration=2), work("audit", 9, 5), work("export", 8, 4)],
        discount_rate=0.1,
    )
    result = solve(problem, time_limit_s=10)
    assert_best_plan(problem, result, 30 + 8, {"platform": Q1, "export": Q1})


def test_a_dependent_starts_only_after_its_dependency_has_finished():
    # api runs Q1-Q2, so app, though there is room for it in Q1 and Q2, starts in Q3.
    problem = portfolio(
        (Q1, Q2, Q3),
        [team("core", 10, 10, 10)],
        [work("api", 10, 1, duration=2), work("app", 20, 1, depends_on=("api",))],
        discount_rate=0.1,
    )
    result = solve(problem, time_limit_s=10)
    assert_best_plan(problem, result, 10 + 20 / 1.1**2, {"api": Q1, "app": Q3})


def test_nothing_starts_before_its_earliest_start():
    # Without the earliest start, promo (worth more) would go first.
    problem = portfolio(
        (Q1, Q2),
        [team("core", 10, 10)],
        [work("promo", 10, 10, earliest=Q2), work("launch", 9, 10)],
        discount_rate=0.1,
    )
    result = solve(problem, time_limit_s=10)
    assert_best_plan(problem, result, 9 + 10 / 1.1, {"launch": Q1, "promo": Q2})


def test_work_finishes_by_its_deadline_or_is_left_out():
    # promo must finish in Q1, so it goes before launch; migration (two quarters) cannot finish
    # by Q1 at all, however much it is worth.
    problem = portfolio(
        (Q1, Q2),
        [team("core", 10, 10), team("data", 10, 10)],
        [
            work("launch", 10, 10),
            work("promo", 9, 10, deadline=Q1),
            work("migration", 50, {"data": 1}, duration=2, deadline=Q1),
        ],
        discount_rate=0.1,
    )
    result = solve(problem, time_limit_s=10)
    assert_best_plan(problem, result, 9 + 10 / 1.1, {"promo": Q1, "launch": Q2})


def test_must_do_work_is_planned_even_when_worth_less_than_what_it_displaces():
    problem = portfolio(
        (Q1,),
        [team("core", 10)],
        [work("big", 10, 6), work("compliance", 3, 5, must=True), work("small", 2, 5)],
    )
    result = solve(problem, time_limit_s=10)
    assert_best_plan(problem, result, 3 + 2, {"compliance": Q1, "small": Q1})


def test_never_keeps_work_out_and_its_dependents_with_it():
    # Without never, rewrite (20) would beat mid and small together (13), and report would follow.
    problem = portfolio(
        (Q1, Q2),
        [team("core", 10, 10), team("data", 5, 5)],
        [
            work("rewrite", 20, 6, never=True),
            work("mid", 7, 5),
            work("small", 6, 5),
            work("report", 30, {"data": 1}, depends_on=("rewrite",)),
        ],
        discount_rate=0.1,
    )
    result = solve(problem, time_limit_s=10)
    assert_best_plan(problem, result, 7 + 6, {"mid": Q1, "small": Q1})


def test_work_in_progress_keeps_its_fixed_start_even_when_worth_little():
    # Free to choose, launch and promo would fill Q1 and Q2 (9 + 8 / 1.1); legacy holds Q1.
    problem = portfolio(
        (Q1, Q2),
        [team("core", 10, 10)],
        [work("legacy", 1, 10, fixed_start=Q1), work("launch", 9, 10), work("promo", 8, 10)],
        discount_rate=0.1,
    )
    result = solve(problem, time_limit_s=10)
    assert_best_plan(problem, result, 1 + 9 / 1.1, {"legacy": Q1, "launch": Q2})


def test_a_mix_cap_keeps_a_category_to_its_share_of_the_effort():
    # Both features (19) would break the 50 % cap: the second gives way to growth work.
    problem = portfolio(
        (Q1,),
        [team("core", 10)],
        [
            work("checkout", 10, 5, category="feature"),
            work("search", 9, 5, category="feature"),
            work("onboarding", 4, 5, category="growth"),
        ],
        mix={"feature": (0.0, 0.5)},
    )
    result = solve(problem, time_limit_s=10)
    assert_best_plan(problem, result, 10 + 4, {"checkout": Q1, "onboarding": Q1})


def test_a_mix_floor_brings_in_work_of_a_category_worth_less():
    # At least 30 % scaling: caching alone (2 of 7 person-weeks) is not enough, caching and
    # sharding (5 of 10) are, and checkout is the feature that fits beside them.
    problem = portfolio(
        (Q1,),
        [team("core", 10)],
        [
            work("checkout", 10, 5, category="feature"),
            work("search", 9, 5, category="feature"),
            work("caching", 2, 2, category="scaling"),
            work("sharding", 1, 3, category="scaling"),
        ],
        mix={"scaling": (0.3, 1.0)},
    )
    result = solve(problem, time_limit_s=10)
    assert_best_plan(problem, result, 10 + 2 + 1, {"checkout": Q1, "caching": Q1, "sharding": Q1})


def test_discounting_starts_the_most_valuable_work_first():
    problem = portfolio(
        (Q1, Q2, Q3),
        [team("core", 10, 10, 10)],
        [work("search", 10, 10), work("checkout", 12, 10), work("onboarding", 5, 10)],
        discount_rate=0.2,
    )
    result = solve(problem, time_limit_s=10)
    assert_best_plan(
        problem,
        result,
        12 + 10 / 1.2 + 5 / 1.2**2,
        {"checkout": Q1, "search": Q2, "onboarding": Q3},
    )


def test_work_needing_several_teams_needs_room_in_each_of_them():
    # analytics fills data; reports (data 3) then fits nowhere, though core has room for it.
    problem = portfolio(
        (Q1,),
        [team("core", 10), team("data", 4)],
        [
            work("analytics", 15, {"core": 5, "data": 4}),
            work("checkout", 8, 5),
            work("search", 6, 5),
            work("reports", 7, {"data": 3}),
        ],
    )
    result = solve(problem, time_limit_s=10)
    assert_best_plan(problem, result, 15 + 8, {"analytics": Q1, "checkout": Q1})


@pytest.mark.parametrize(
    ("initiatives", "named"),
    [
        pytest.param(
            [
                work("checkout", 5, 6, duration=2, must=True),
                work("search", 5, 6, duration=2, must=True),
            ],
            {"checkout", "search"},
            id="two must-dos that do not fit together",
        ),
        pytest.param(
            [work("migration", 5, 1, must=True, earliest=Q2, deadline=Q1)],
            {"migration"},
            id="a must-do whose deadline is before its earliest start",
        ),
        pytest.param(
            [work("api", 5, 1, never=True), work("app", 5, 1, must=True, depends_on=("api",))],
            {"api", "app"},
            id="a must-do depending on never work",
        ),
    ],
)
def test_impossible_commitments_are_reported_naming_the_conflicting_work(initiatives, named):
    problem = portfolio((Q1, Q2), [team("core", 10, 10)], [*initiatives, work("other", 1, 1)])
    result = solve(problem, time_limit_s=10)
    assert result.status == "infeasible"
    assert result.conflicts
    text = " ".join(result.conflicts)
    assert all(initiative_id in text for initiative_id in named), result.conflicts


def best_by_trying_every_plan(problem: Problem) -> float | None:
    """The best value over every assignment the validator accepts; None when none is valid."""
    best = None
    choices = [(None, *problem.quarters)] * len(problem.initiatives)
    for assignment in itertools.product(*choices):
        starts = {
            initiative.id: quarter
            for initiative, quarter in zip(problem.initiatives, assignment, strict=True)
            if quarter is not None
        }
        if not plan_violations(problem, starts):
            value = plan_value(problem, starts)
            best = value if best is None else max(best, value)
    return best


@ENGINE_SETTINGS
@given(problems(max_initiatives=6, max_teams=2, max_quarters=3, max_capacity=10, max_effort=6))
def test_the_engine_finds_the_best_plan_that_trying_every_plan_finds(problem):
    best = best_by_trying_every_plan(problem)
    result = solve(problem, time_limit_s=10)
    if best is None:
        assert result.status == "infeasible"
        assert result.conflicts
        return
    assert result.status == "optimal", (result.status, result.conflicts)
    assert plan_violations(problem, result.starts) == []
    # HiGHS stops at a relative gap of 1e-4 by default, and calls that optimal.
    assert result.objective == pytest.approx(best, rel=1e-4, abs=1e-6)
