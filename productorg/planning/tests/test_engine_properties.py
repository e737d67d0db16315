"""Properties of every answer the engine gives, held against the independent plan validator;
and the validator itself, on plans that break each rule."""

from __future__ import annotations

import pytest
from hypothesis import given

from productorg.planning.engine.check import plan_load, plan_value, plan_violations
from productorg.planning.engine.greedy import greedy_plan
from productorg.planning.engine.model import Initiative, Problem, Team
from productorg.planning.engine.solve import solve
from productorg.planning.engine.validation import problem_errors
from productorg.planning.tests.strategies import ENGINE_SETTINGS, problems

# Short: these problems are small, and a plan must come back valid whenever the search stops.
TIME_LIMIT_S = 1.5


def close_enough(figure: float) -> float:
    """Room for solver rounding around a figure."""
    return 1e-6 * max(1.0, abs(figure))


@ENGINE_SETTINGS
@given(problems())
def test_every_plan_the_engine_returns_keeps_every_rule_and_accounts_for_all_work(problem):
    assert problem_errors(problem) == []
    result = solve(problem, time_limit_s=TIME_LIMIT_S)
    if result.status == "infeasible":
        assert result.conflicts
        return
    assert plan_violations(problem, result.starts) == []
    ids = {initiative.id for initiative in problem.initiatives}
    assert set(result.starts) | set(result.left_out) == ids
    assert not set(result.starts) & set(result.left_out)
    assert all(reason.strip() for reason in result.left_out.values()), result.left_out


@ENGINE_SETTINGS
@given(problems())
def test_the_reported_value_load_and_mix_are_those_of_the_plan_and_within_the_bound(problem):
    result = solve(problem, time_limit_s=TIME_LIMIT_S)
    if result.status == "infeasible":
        assert result.conflicts
        return
    assert result.objective == pytest.approx(plan_value(problem, result.starts), abs=1e-6)
    assert result.objective <= result.bound + close_enough(result.bound)
    assert result.gap >= 0
    for team_id, by_quarter in plan_load(problem, result.starts).items():
        assert result.load[team_id] == pytest.approx(by_quarter, abs=1e-6), team_id
    planned = [i for i in problem.initiatives if i.id in result.starts]
    total = sum(initiative.total_effort for initiative in planned)
    if total > 0:
        for category, share in result.mix.items():
            in_category = sum(i.total_effort for i in planned if i.category == category)
            assert share == pytest.approx(in_category / total, abs=1e-6), category


@ENGINE_SETTINGS
@given(problems(commitments=False))
def test_the_greedy_baseline_never_beats_the_engine(problem):
    greedy = plan_value(problem, greedy_plan(problem))
    result = solve(problem, time_limit_s=TIME_LIMIT_S)
    # Without must-do or fixed work the empty plan keeps every rule: there is always a plan.
    assert result.status in ("optimal", "feasible")
    assert result.objective >= greedy - close_enough(greedy)


@ENGINE_SETTINGS
@given(problems(commitments=False))
def test_the_greedy_baseline_keeps_every_rule(problem):
    assert plan_violations(problem, greedy_plan(problem)) == []


# The validator on hand-made plans.

Q1, Q2, Q3 = "2027-Q1", "2027-Q2", "2027-Q3"


def checked_problem(**changes) -> Problem:
    """Two teams over three quarters; every initiative fits, alone, somewhere."""
    initiatives = {
        "base": Initiative(id="base", value=10, effort={"core": 4}, duration=2),
        "app": Initiative(id="app", value=6, effort={"core": 2}, depends_on=("base",)),
        "dated": Initiative(id="dated", value=5, effort={"data": 2}, earliest=Q2, deadline=Q2),
        "legal": Initiative(id="legal", value=1, effort={"data": 1}, must=True),
        "wip": Initiative(id="wip", value=3, effort={"data": 1}, fixed_start=Q1),
        "banned": Initiative(id="banned", value=9, effort={"data": 1}, never=True),
    }
    initiatives.update(changes)
    return Problem(
        quarters=(Q1, Q2, Q3),
        teams=(Team(id="core", capacity=(5, 5, 5)), Team(id="data", capacity=(3, 3, 3))),
        initiatives=tuple(initiatives.values()),
        discount_rate=0.1,
    )


VALID = {"base": Q1, "app": Q3, "dated": Q2, "legal": Q1, "wip": Q1}


def test_the_validator_accepts_a_plan_that_keeps_every_rule():
    problem = checked_problem()
    assert problem_errors(problem) == []
    assert plan_violations(problem, VALID) == []


@pytest.mark.parametrize(
    ("starts", "expected"),
    [
        pytest.param(
            {**VALID, "ghost": Q1}, "'ghost' is planned but is not an initiative", id="id"
        ),
        pytest.param({**VALID, "app": "2031-Q1"}, "not a quarter of the horizon", id="quarter"),
        pytest.param({**VALID, "banned": Q2}, "banned is marked never", id="never"),
        pytest.param(
            {k: q for k, q in VALID.items() if k != "legal"}, "legal is must-do", id="must"
        ),
        pytest.param(
            {k: q for k, q in VALID.items() if k != "wip"},
            "wip has a fixed start in 2027-Q1 but is not planned",
            id="fixed left out",
        ),
        pytest.param({**VALID, "wip": Q2}, "not in its fixed start 2027-Q1", id="fixed moved"),
        pytest.param(
            {**VALID, "dated": Q1}, "dated starts in 2027-Q1, before its earliest", id="earliest"
        ),
        pytest.param({**VALID, "dated": Q3}, "finishes after its deadline 2027-Q2", id="deadline"),
        pytest.param({**VALID, "base": Q3, "app": Q3}, "beyond the horizon", id="horizon"),
        pytest.param(
            {k: q for k, q in VALID.items() if k != "base"},
            "app is planned but its dependency base is not",
            id="dependency left out",
        ),
        pytest.param(
            {**VALID, "app": Q2}, "app starts before its dependency base has finished", id="order"
        ),
    ],
)
def test_the_validator_names_each_broken_rule(starts, expected):
    violations = plan_violations(checked_problem(), starts)
    assert any(expected in violation for violation in violations), violations


def test_the_validator_catches_a_team_over_capacity_but_not_a_rounding_hair():
    problem = checked_problem(
        extra=Initiative(id="extra", value=1, effort={"core": 1.0 + 1e-9}),
        heavy=Initiative(id="heavy", value=1, effort={"core": 2}),
    )
    # base (4) and extra (1 + 1e-9) in Q1: over 5 by a rounding hair only.
    assert plan_violations(problem, {**VALID, "extra": Q1}) == []
    violations = plan_violations(problem, {**VALID, "heavy": Q2})
    assert violations == ["core has 6 person-weeks planned in 2027-Q2, over its capacity of 5"]


def test_the_validator_checks_mix_shares_only_when_effort_is_planned():
    problem = Problem(
        quarters=(Q1,),
        teams=(Team(id="core", capacity=(10,)),),
        initiatives=(
            Initiative(id="checkout", value=5, effort={"core": 6}, category="feature"),
            Initiative(id="caching", value=1, effort={"core": 2}, category="scaling"),
        ),
        mix={"feature": (0.0, 0.7), "scaling": (0.3, 1.0)},
    )
    assert plan_violations(problem, {}) == []
    violations = plan_violations(problem, {"checkout": Q1, "caching": Q1})
    assert violations == [
        "'feature' has 75.0000% of the effort, above its 70.0000%",
        "'scaling' has 25.0000% of the effort, below its 30.0000%",
    ]
    assert plan_violations(problem, {"caching": Q1}) == []


def test_plan_value_discounts_each_start_and_plan_load_spreads_effort_over_the_duration():
    problem = checked_problem()
    assert plan_value(problem, {"base": Q1, "app": Q3}) == pytest.approx(10 + 6 / 1.1**2)
    load = plan_load(problem, {"base": Q1, "app": Q3, "dated": Q2})
    assert load == {
        "core": {Q1: 4.0, Q2: 4.0, Q3: 2.0},
        "data": {Q1: 0.0, Q2: 2.0, Q3: 0.0},
    }
