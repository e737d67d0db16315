"""The benchmark's synthetic portfolios: reproducible, the right size and shape, mix that binds."""

from __future__ import annotations

from productorg.planning.engine.check import plan_violations
from productorg.planning.engine.model import Problem
from productorg.planning.engine.synthetic import SIZES, synthetic_problem
from productorg.planning.engine.validation import problem_errors


def small(seed: int = 1) -> Problem:
    initiatives, teams, quarters = SIZES["S"]
    return synthetic_problem(initiatives=initiatives, teams=teams, quarters=quarters, seed=seed)


def medium(seed: int = 1) -> Problem:
    initiatives, teams, quarters = SIZES["M"]
    return synthetic_problem(initiatives=initiatives, teams=teams, quarters=quarters, seed=seed)


def demand_over_capacity(problem: Problem) -> float:
    demand = sum(initiative.total_effort for initiative in problem.initiatives)
    return demand / sum(sum(team.capacity) for team in problem.teams)


def test_the_same_seed_gives_the_same_portfolio_and_another_seed_another():
    assert small(seed=7) == small(seed=7)
    assert small(seed=7) != small(seed=8)


def test_sizes_are_those_of_the_issue():
    assert SIZES == {"S": (200, 10, 4), "M": (2000, 50, 8), "L": (10000, 200, 8)}
    problem = medium()
    assert len(problem.initiatives) == 2000
    assert len(problem.teams) == 50
    assert len(problem.quarters) == 8
    assert len({initiative.id for initiative in problem.initiatives}) == 2000


def test_portfolios_are_valid_planning_problems():
    assert problem_errors(small()) == []
    assert problem_errors(medium()) == []


def test_demand_is_about_twice_capacity():
    for seed in (1, 2, 3):
        assert 1.7 <= demand_over_capacity(small(seed)) <= 2.3
    assert 1.7 <= demand_over_capacity(medium()) <= 2.3


def test_dependencies_point_only_to_earlier_initiatives_so_there_is_no_cycle():
    problem = medium()
    position = {initiative.id: k for k, initiative in enumerate(problem.initiatives)}
    for k, initiative in enumerate(problem.initiatives):
        assert all(position[dependency] < k for dependency in initiative.depends_on)
    with_predecessor = sum(1 for initiative in problem.initiatives if initiative.depends_on)
    assert 0.18 <= with_predecessor / len(problem.initiatives) <= 0.32


def test_the_shape_follows_the_benchmark_spec():
    problem = medium()
    count = len(problem.initiatives)
    assert {len(initiative.effort) - 1 for initiative in problem.initiatives} == {0, 1, 2}
    assert {initiative.duration for initiative in problem.initiatives} == {1, 2, 3}
    for field in ("earliest", "deadline"):
        share = sum(1 for i in problem.initiatives if getattr(i, field)) / count
        assert 0.08 <= share <= 0.22, field
    assert not any(i.must or i.never or i.fixed_start for i in problem.initiatives)
    assert set(problem.mix) == {"feature", "growth", "scaling", "pmf_expansion"}
    values = sorted(initiative.value for initiative in problem.initiatives)
    # Skewed: the top tenth holds far more than a tenth of the value.
    assert sum(values[-count // 10 :]) > 0.3 * sum(values)


def test_every_initiative_can_meet_its_dates_when_its_dependencies_come_first():
    problem = medium()
    index = {label: k for k, label in enumerate(problem.quarters)}
    by_id = {initiative.id: initiative for initiative in problem.initiatives}
    ready: dict[str, int] = {}
    for initiative in problem.initiatives:
        start = max(
            [index[initiative.earliest] if initiative.earliest else 0]
            + [ready[p] + by_id[p].duration for p in initiative.depends_on]
        )
        last = index[initiative.deadline] if initiative.deadline else len(problem.quarters) - 1
        assert start + initiative.duration - 1 <= last, initiative.id
        ready[initiative.id] = start


def rank_order_plan(problem: Problem) -> dict[str, str]:
    """Value per person-week first, each into its first quarter with room: mix ignored."""
    index = {label: k for k, label in enumerate(problem.quarters)}
    room = {team.id: list(team.capacity) for team in problem.teams}
    finish: dict[str, int] = {}
    starts: dict[str, str] = {}
    ranked = sorted(problem.initiatives, key=lambda i: -i.value / i.total_effort)
    for initiative in ranked:
        if any(dependency not in finish for dependency in initiative.depends_on):
            continue
        first = max(
            [index[initiative.earliest] if initiative.earliest else 0]
            + [finish[dependency] + 1 for dependency in initiative.depends_on]
        )
        last = index[initiative.deadline] if initiative.deadline else len(problem.quarters) - 1
        for start in range(first, last - initiative.duration + 2):
            running = range(start, start + initiative.duration)
            if all(room[t][q] >= e for t, e in initiative.effort.items() for q in running):
                for team_id, effort in initiative.effort.items():
                    for q in running:
                        room[team_id][q] -= effort
                starts[initiative.id] = problem.quarters[start]
                finish[initiative.id] = start + initiative.duration - 1
                break
    return starts


def test_the_mix_bounds_bind_on_a_plan_that_only_chases_value():
    for problem in (small(), medium()):
        starts = rank_order_plan(problem)
        broken = [v for v in plan_violations(problem, starts) if "of the effort" in v]
        assert any(v.startswith("'feature'") and "above" in v for v in broken), broken
        assert any(v.startswith("'growth'") and "below" in v for v in broken), broken
        assert any(v.startswith("'scaling'") and "below" in v for v in broken), broken
        # Only the mix: the plan itself keeps capacity, dates and dependencies.
        assert len(broken) == len(plan_violations(problem, starts))
