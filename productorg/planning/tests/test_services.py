from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from productorg.accounts import permissions
from productorg.factories import InitiativeFactory, TeamFactory
from productorg.planning import selectors, services
from productorg.planning.engine.check import plan_violations
from productorg.planning.engine.io import problem_from_dict
from productorg.planning.engine.model import Problem, ProgressPoint, Result
from productorg.planning.engine.solve import solve
from productorg.planning.models import PlanRun, Scenario, ScenarioChoice
from productorg.strategy.models import (
    BalanceDimension,
    Dependency,
    DimensionValue,
    Initiative,
    InitiativeEffort,
    MixTarget,
)


def _scenario(name: str = "Base plan", first_quarter: str = "2027-Q1", quarters: int = 4):
    return services.scenario_create(
        name=name,
        first_quarter=first_quarter,
        quarters=quarters,
        discount_rate=0,
        time_limit_s=5,
        created_by=None,
    )


def _initiatives(problem: Problem) -> dict[str, object]:
    return {initiative.title: initiative for initiative in problem.initiatives}


def _result(problem: Problem, starts: dict[str, str], *, stopped: bool = False) -> Result:
    """What the engine answers, made by hand: the given starts, the rest left out."""
    point = ProgressPoint(elapsed_s=0.5, objective=float(len(starts)), bound=10.0, phase="lns")
    return Result(
        status="feasible",
        objective=float(len(starts)),
        bound=10.0,
        gap=0.1,
        starts=starts,
        left_out={i.id: "team full" for i in problem.initiatives if i.id not in starts},
        load={},
        mix={},
        capacity_values=[],
        greedy_objective=0.0,
        history=[point],
        stopped=stopped,
    )


@pytest.fixture
def fake_solve(monkeypatch):
    """Replace the engine by one that starts what `plan` says (initiative title -> quarter)."""
    plan: dict[str, str] = {}

    def solve(problem, *, time_limit_s, on_progress=None, should_stop=None):
        titles = {i.title: i.id for i in problem.initiatives}
        return _result(problem, {titles[title]: quarter for title, quarter in plan.items()})

    monkeypatch.setattr(services, "solve", solve)
    return plan


# The adapter: the org's portfolio as the engine's problem.


def test_the_problem_has_every_team_with_its_capacity_unless_the_scenario_overrides_it(org):
    scenario = _scenario(quarters=2)
    services.scenario_capacity_set(
        scenario=scenario, team=org.checkout, quarter="2027-Q2", capacity=Decimal(65)
    )

    problem = selectors.problem_for_scenario(scenario=scenario)

    assert problem.quarters == ("2027-Q1", "2027-Q2")
    capacity = {team.id: team.capacity for team in problem.teams}
    assert capacity == {
        str(org.checkout.pk): (52.0, 65.0),
        str(org.search.pk): (52.0, 52.0),
        str(org.billing.pk): (52.0, 52.0),
    }


def test_an_initiatives_effort_per_quarter_is_each_teams_effort_spread_over_its_duration(org):
    shared = InitiativeFactory(
        title="Shared wallet", team=org.checkout, duration_quarters=3, value_estimate=300
    )
    InitiativeEffort.objects.create(initiative=shared, team=org.checkout, effort=30)
    InitiativeEffort.objects.create(initiative=shared, team=org.search, effort=12)

    problem = selectors.problem_for_scenario(scenario=_scenario())

    wallet = _initiatives(problem)["Shared wallet"]
    assert wallet.effort == {str(org.checkout.pk): 10.0, str(org.search.pk): 4.0}
    assert wallet.duration == 3
    assert wallet.value == 300.0
    assert wallet.id == str(shared.pk)


def test_an_initiative_without_team_efforts_counts_its_estimate_for_its_owning_team(org):
    problem = selectors.problem_for_scenario(scenario=_scenario())

    reorder = _initiatives(problem)["One-click reorder"]
    assert reorder.effort == {str(org.checkout.pk): 10.0}
    assert reorder.category == "feature"


def test_done_dropped_and_unplaceable_work_stays_out_of_the_problem(org):
    InitiativeFactory(title="Shipped", team=org.checkout, status=Initiative.Status.DONE)
    InitiativeFactory(title="Given up", team=org.checkout, status=Initiative.Status.DROPPED)
    InitiativeFactory(title="Nobody's", team=None)

    titles = set(_initiatives(selectors.problem_for_scenario(scenario=_scenario())))

    assert titles == {"One-click reorder", "Typo-tolerant search", "Invoice dunning"}


def test_dependencies_on_done_work_are_met_and_on_dropped_work_rule_the_dependent_out(org):
    done = InitiativeFactory(title="Shipped", team=org.checkout, status=Initiative.Status.DONE)
    dropped = InitiativeFactory(title="Given up", team=org.search, status="dropped")
    open_work = Initiative.objects.get(title="Invoice dunning")
    after_done = InitiativeFactory(title="After shipped", team=org.checkout)
    after_dropped = InitiativeFactory(title="After given up", team=org.search)
    after_open = InitiativeFactory(title="After dunning", team=org.billing)
    Dependency.objects.create(initiative=after_done, depends_on=done)
    Dependency.objects.create(initiative=after_dropped, depends_on=dropped)
    Dependency.objects.create(initiative=after_open, depends_on=open_work)

    built = selectors.scenario_problem(scenario=_scenario())

    initiatives = _initiatives(built.problem)
    assert initiatives["After shipped"].depends_on == ()
    assert not initiatives["After shipped"].never
    assert initiatives["After dunning"].depends_on == (str(open_work.pk),)
    assert initiatives["After given up"].never
    assert built.notes == {str(after_dropped.pk): "It depends on Given up, which was dropped"}


def test_work_in_progress_is_fixed_where_it_runs_for_what_remains_of_it(org):
    InitiativeFactory(
        title="Started last year",
        team=org.checkout,
        status=Initiative.Status.IN_PROGRESS,
        start_quarter="2026-Q4",
        duration_quarters=3,
        effort_estimate=30,
    )
    InitiativeFactory(
        title="Starting in spring",
        team=org.search,
        status=Initiative.Status.IN_PROGRESS,
        start_quarter="2027-Q2",
        duration_quarters=2,
        effort_estimate=20,
    )
    InitiativeFactory(
        title="Late",
        team=org.billing,
        status=Initiative.Status.IN_PROGRESS,
        start_quarter="2026-Q1",
        duration_quarters=2,
        deadline=datetime.date(2026, 6, 30),
    )

    initiatives = _initiatives(selectors.problem_for_scenario(scenario=_scenario()))

    started = initiatives["Started last year"]
    assert (started.fixed_start, started.duration) == ("2027-Q1", 2)
    assert started.effort == {str(org.checkout.pk): 10.0}
    spring = initiatives["Starting in spring"]
    assert (spring.fixed_start, spring.duration) == ("2027-Q2", 2)
    # Overdue work still takes the first quarter, and its passed deadline is history.
    late = initiatives["Late"]
    assert (late.fixed_start, late.duration, late.deadline, late.never) == (
        "2027-Q1",
        1,
        None,
        False,
    )


def test_a_team_over_committed_by_work_in_progress_gets_just_enough_capacity_for_it(org):
    for title in ("Started A", "Started B"):
        InitiativeFactory(
            title=title,
            team=org.checkout,
            status=Initiative.Status.IN_PROGRESS,
            start_quarter="2026-Q3",
            duration_quarters=3,
            effort_estimate=100,
        )

    built = selectors.scenario_problem(scenario=_scenario(quarters=2))

    capacity = {team.id: team.capacity for team in built.problem.teams}
    # 66.7 holds the 66.67 of running work; the second quarter keeps the team's 52.
    assert capacity[str(org.checkout.pk)] == (66.7, 52.0)
    assert built.capacity_notes == [
        "Checkout: work in progress alone needs 66.7 person-weeks in 2027-Q1, more than its "
        "52; the plan counts the team as full there."
    ]


def test_dates_become_quarters_and_a_deadline_before_the_horizon_rules_the_initiative_out(org):
    InitiativeFactory(
        title="Dated",
        team=org.checkout,
        earliest_start=datetime.date(2027, 5, 1),
        deadline=datetime.date(2027, 8, 15),
    )
    InitiativeFactory(
        title="Open-ended",
        team=org.checkout,
        earliest_start=datetime.date(2026, 5, 1),
        deadline=datetime.date(2029, 1, 1),
    )
    missed = InitiativeFactory(
        title="Missed", team=org.search, deadline=datetime.date(2026, 11, 30)
    )

    built = selectors.scenario_problem(scenario=_scenario())

    initiatives = _initiatives(built.problem)
    assert (initiatives["Dated"].earliest, initiatives["Dated"].deadline) == (
        "2027-Q2",
        "2027-Q3",
    )
    assert (initiatives["Open-ended"].earliest, initiatives["Open-ended"].deadline) == (
        None,
        None,
    )
    assert initiatives["Missed"].never
    assert built.notes[str(missed.pk)] == "Its deadline (2026-Q4) is before the horizon"


def test_durations_are_clipped_to_the_horizon(org):
    InitiativeFactory(title="Long haul", team=org.checkout, duration_quarters=6, effort_estimate=60)

    long_haul = _initiatives(selectors.problem_for_scenario(scenario=_scenario(quarters=4)))[
        "Long haul"
    ]

    assert long_haul.duration == 4
    assert long_haul.effort == {str(org.checkout.pk): 10.0}


def test_must_and_never_come_from_the_scenarios_choices(org):
    scenario = _scenario()
    reorder = Initiative.objects.get(title="One-click reorder")
    dunning = Initiative.objects.get(title="Invoice dunning")
    services.scenario_choice_set(scenario=scenario, initiative=reorder, choice="must")
    services.scenario_choice_set(scenario=scenario, initiative=dunning, choice="never")

    initiatives = _initiatives(selectors.problem_for_scenario(scenario=scenario))

    assert initiatives["One-click reorder"].must and not initiatives["One-click reorder"].never
    assert initiatives["Invoice dunning"].never and not initiatives["Invoice dunning"].must
    assert not initiatives["Typo-tolerant search"].must


def test_a_must_do_that_cannot_be_planned_is_left_out_with_the_real_obstacle(org):
    scenario = _scenario()
    missed = InitiativeFactory(title="Missed", team=org.search, deadline=datetime.date(2026, 3, 1))
    services.scenario_choice_set(scenario=scenario, initiative=missed, choice="must")

    built = selectors.scenario_problem(scenario=scenario)

    assert _initiatives(built.problem)["Missed"].never
    assert not _initiatives(built.problem)["Missed"].must
    assert built.notes[str(missed.pk)].startswith("Must-do, but cannot be planned")


def test_mix_bounds_come_from_the_scenario(org):
    scenario = _scenario()
    services.scenario_mix_bound_set(
        scenario=scenario, category="growth", min_share=Decimal("0.2"), max_share=Decimal("0.5")
    )

    problem = selectors.problem_for_scenario(scenario=scenario)

    assert problem.mix == {"growth": (0.2, 0.5)}


def test_work_with_no_category_is_planned_under_no_categorys_bound(org):
    Initiative.objects.filter(title="Invoice dunning").update(category="", effort_estimate=6)
    scenario = _scenario()
    services.scenario_mix_bound_set(
        scenario=scenario, category="scaling", min_share=Decimal("0"), max_share=Decimal("0")
    )

    problem = selectors.problem_for_scenario(scenario=scenario)

    # Not counted as Feature, nor as Scaling (which it was before nobody chose): no bound
    # on a chosen category holds it out.
    assert _initiatives(problem)["Invoice dunning"].category == ""
    assert problem.mix == {"scaling": (0.0, 0.0)}
    result = solve(problem, time_limit_s=5)
    assert not plan_violations(problem, result.starts)
    dunning = _initiatives(problem)["Invoice dunning"].id
    assert dunning in result.starts


def test_building_the_problem_takes_the_same_few_queries_however_big_the_portfolio(
    org, django_assert_max_num_queries
):
    scenario = _scenario()
    teams = [org.checkout, org.search, org.billing]
    previous = None
    for count in (5, 60):
        for index in range(count):
            initiative = InitiativeFactory(team=teams[index % 3], duration_quarters=2)
            InitiativeEffort.objects.create(initiative=initiative, team=teams[index % 3], effort=8)
            if previous is not None:
                Dependency.objects.create(initiative=initiative, depends_on=previous)
            previous = initiative
        with django_assert_max_num_queries(7):
            problem = selectors.problem_for_scenario(scenario=scenario)
        assert len(problem.initiatives) >= count


# Scenarios.


def test_a_new_scenario_takes_its_mix_bounds_from_the_orgs_category_targets(org):
    category = BalanceDimension.objects.get(initiative_field="category")
    for key, share in (("feature", 50), ("growth", 30), ("scaling", 20)):
        MixTarget.objects.create(
            dimension=category,
            value=DimensionValue.objects.get(dimension=category, key=key),
            period="2027-H1",
            share=share,
            tolerance=5 if key != "scaling" else 25,
        )

    scenario = _scenario(first_quarter="2027-Q2")

    bounds = {b.category: (b.min_share, b.max_share) for b in scenario.mix_bounds.all()}
    assert bounds == {
        "feature": (Decimal("0.450"), Decimal("0.550")),
        "growth": (Decimal("0.250"), Decimal("0.350")),
        "scaling": (Decimal("0.000"), Decimal("0.450")),
    }


def test_a_new_scenario_without_targets_has_no_mix_bounds(org):
    assert not _scenario().mix_bounds.exists()


def test_a_scenario_name_is_taken_once(org):
    _scenario(name="Base plan")

    with pytest.raises(services.PlanningError) as refused:
        _scenario(name="Base plan")

    assert refused.value.field == "name"


def test_a_scenario_refuses_a_discount_of_a_hundred_percent(org):
    with pytest.raises(services.PlanningError) as refused:
        services.scenario_update(scenario=_scenario(), discount_rate=1)

    assert refused.value.field == "discount_rate"


def test_copying_a_scenario_copies_its_capacities_bounds_and_choices(org):
    base = _scenario()
    reorder = Initiative.objects.get(title="One-click reorder")
    services.scenario_capacity_set(scenario=base, team=org.checkout, quarter="2027-Q1", capacity=60)
    services.scenario_mix_bound_set(scenario=base, category="growth", min_share=0.1, max_share=0.4)
    services.scenario_choice_set(scenario=base, initiative=reorder, choice="must")

    copy = services.scenario_copy(scenario=base, name="One more engineer", created_by=None)

    assert copy.copied_from == base
    assert (copy.first_quarter, copy.quarters) == (base.first_quarter, base.quarters)
    assert list(copy.capacities.values_list("team", "quarter", "capacity")) == [
        (org.checkout.pk, "2027-Q1", Decimal(60))
    ]
    assert list(copy.mix_bounds.values_list("category", "min_share", "max_share")) == [
        ("growth", Decimal("0.1"), Decimal("0.4"))
    ]
    assert list(copy.choices.values_list("initiative", "choice")) == [(reorder.pk, "must")]


def test_setting_a_capacity_to_none_goes_back_to_the_teams_own(org):
    scenario = _scenario()
    services.scenario_capacity_set(
        scenario=scenario, team=org.search, quarter="2027-Q1", capacity=1
    )

    services.scenario_capacity_set(
        scenario=scenario, team=org.search, quarter="2027-Q1", capacity=None
    )

    assert not scenario.capacities.exists()


@pytest.mark.parametrize(
    ("low", "high", "field"),
    [(0.6, 0.4, "min_share"), (-0.1, 0.5, "min_share"), (0.1, 1.5, "max_share")],
)
def test_mix_bounds_outside_zero_to_one_or_the_wrong_way_round_are_refused(org, low, high, field):
    with pytest.raises(services.PlanningError) as refused:
        services.scenario_mix_bound_set(
            scenario=_scenario(), category="growth", min_share=low, max_share=high
        )

    assert refused.value.field == field


def test_clearing_a_choice_frees_the_initiative(org):
    scenario = _scenario()
    reorder = Initiative.objects.get(title="One-click reorder")
    services.scenario_choice_set(scenario=scenario, initiative=reorder, choice="never")

    services.scenario_choice_set(scenario=scenario, initiative=reorder, choice=None)

    assert not ScenarioChoice.objects.filter(scenario=scenario).exists()


def test_deleting_a_scenario_deletes_its_runs(org):
    scenario = _scenario()
    services.plan_run_create(scenario=scenario, requested_by=None)

    services.scenario_delete(scenario=scenario)

    assert not Scenario.objects.exists() and not PlanRun.objects.exists()


# Plan runs.


def test_a_started_plan_runs_with_the_immediate_backend_and_ends_done_with_a_result(
    org, django_capture_on_commit_callbacks
):
    scenario = _scenario()

    with django_capture_on_commit_callbacks(execute=True):
        run = services.plan_run_start(scenario=scenario, requested_by=org.cora.user)

    run.refresh_from_db()
    assert run.status == PlanRun.Status.DONE
    assert run.requested_by == org.cora.user
    assert run.started_at and run.finished_at
    ids = {str(pk) for pk in Initiative.objects.values_list("pk", flat=True)}
    assert set(run.result["starts"]) | set(run.result["left_out"]) == ids
    assert run.progress, "the progress trail has at least the final point"
    assert {row["id"] for row in run.problem["initiatives"]} == ids


def test_a_runs_input_reads_back_through_the_file_interface(org):
    InitiativeFactory(
        title="Missed", team=org.search, deadline=datetime.date(2026, 3, 1), duration_quarters=2
    )
    run = services.plan_run_create(scenario=_scenario(), requested_by=None)

    problem = problem_from_dict(selectors.plan_run_input(plan_run=run))

    assert problem == selectors.problem_for_scenario(scenario=run.scenario)


def test_a_second_run_is_refused_while_one_is_under_way(org):
    scenario = _scenario()
    first = services.plan_run_create(scenario=scenario, requested_by=None)

    with pytest.raises(services.PlanRunActive) as refused:
        services.plan_run_start(scenario=scenario, requested_by=None)

    assert refused.value.plan_run == first
    assert PlanRun.objects.count() == 1


def test_a_run_whose_worker_died_does_not_block_the_next(org):
    scenario = _scenario()
    dead = services.plan_run_create(scenario=scenario, requested_by=None)
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    PlanRun.objects.filter(pk=dead.pk).update(status="running", started_at=long_ago)

    services.plan_run_create(scenario=scenario, requested_by=None)

    dead.refresh_from_db()
    assert dead.status == PlanRun.Status.FAILED
    assert "worker" in dead.error


def test_a_portfolio_with_a_dependency_cycle_is_refused_naming_the_initiatives(org):
    reorder = Initiative.objects.get(title="One-click reorder")
    search = Initiative.objects.get(title="Typo-tolerant search")
    # The edit forms refuse cycles; rows written around them must not crash the planner.
    Dependency.objects.bulk_create(
        [
            Dependency(initiative=reorder, depends_on=search),
            Dependency(initiative=search, depends_on=reorder),
        ]
    )

    with pytest.raises(services.PlanningError) as refused:
        services.plan_run_create(scenario=_scenario(), requested_by=None)

    assert "cycle" in refused.value.message
    assert "One-click reorder" in refused.value.message


def test_a_stop_asked_while_planning_ends_the_run_stopped_with_the_best_plan_so_far(
    org, monkeypatch
):
    run = services.plan_run_create(scenario=_scenario(), requested_by=None)
    # Every read of the stop flag is a fresh one in this test.
    monkeypatch.setattr(services, "PROGRESS_INTERVAL_S", 0)

    def solve(problem, *, time_limit_s, on_progress=None, should_stop=None):
        best = {}
        for number, initiative in enumerate(problem.initiatives):
            best[initiative.id] = "2027-Q1"
            on_progress(ProgressPoint(float(number), float(number + 1), 10.0, "lns"))
            if number == 0:
                services.plan_run_stop(plan_run=run)
            if should_stop():
                return _result(problem, best, stopped=True)
        return _result(problem, best)

    monkeypatch.setattr(services, "solve", solve)

    services.plan_run_execute(plan_run_id=run.pk)

    run.refresh_from_db()
    assert run.status == PlanRun.Status.STOPPED
    assert len(run.result["starts"]) == 1
    assert run.stop_requested


def test_stopping_a_queued_run_ends_it_before_it_starts(org):
    run = services.plan_run_create(scenario=_scenario(), requested_by=None)

    services.plan_run_stop(plan_run=run)
    services.plan_run_execute(plan_run_id=run.pk)

    run.refresh_from_db()
    assert run.status == PlanRun.Status.STOPPED
    assert run.result is None and run.started_at is None


def test_a_failing_engine_marks_the_run_failed_with_the_error(org, monkeypatch):
    def solve(problem, **options):
        raise RuntimeError("HiGHS fell over")

    monkeypatch.setattr(services, "solve", solve)
    run = services.plan_run_create(scenario=_scenario(), requested_by=None)

    services.plan_run_execute(plan_run_id=run.pk)

    run.refresh_from_db()
    assert run.status == PlanRun.Status.FAILED
    assert run.error == "RuntimeError: HiGHS fell over"
    assert run.finished_at is not None


def test_progress_goes_to_the_run_at_most_once_a_second_and_every_point_is_kept(org, monkeypatch):
    def solve(problem, *, time_limit_s, on_progress=None, should_stop=None):
        for number in range(200):
            on_progress(ProgressPoint(number / 1000, float(number), 300.0, "lns"))
            should_stop()
        return _result(problem, {})

    monkeypatch.setattr(services, "solve", solve)
    run = services.plan_run_create(scenario=_scenario(), requested_by=None)
    seen = []

    with CaptureQueriesContext(connection) as queries:
        services.plan_run_execute(plan_run_id=run.pk, on_progress=seen.append)

    writes = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    # Claim, one progress write (the first point), the result: not one per point.
    assert len(writes) <= 4
    run.refresh_from_db()
    assert len(seen) == 200
    assert [point["objective"] for point in run.progress[:200]] == [float(n) for n in range(200)]


def test_the_adapters_reason_replaces_the_engines_for_an_impossible_initiative(org):
    missed = InitiativeFactory(title="Missed", team=org.search, deadline=datetime.date(2026, 3, 1))
    run = services.plan_run_create(scenario=_scenario(), requested_by=None)

    services.plan_run_execute(plan_run_id=run.pk)

    run.refresh_from_db()
    assert run.result["left_out"][str(missed.pk)] == "Its deadline (2026-Q1) is before the horizon"


def test_the_time_limit_can_be_given_for_one_run(org, monkeypatch):
    limits = []

    def solve(problem, *, time_limit_s, on_progress=None, should_stop=None):
        limits.append(time_limit_s)
        return _result(problem, {})

    monkeypatch.setattr(services, "solve", solve)
    run = services.plan_run_create(scenario=_scenario(), requested_by=None)

    services.plan_run_execute(plan_run_id=run.pk, time_limit_s=2)

    assert limits == [2.0]


# Applying a plan.


def test_applying_a_plan_sets_start_quarters_and_bumps_versions(org, fake_solve):
    fake_solve.update({"One-click reorder": "2027-Q2", "Typo-tolerant search": "2027-Q1"})
    Initiative.objects.filter(title="Typo-tolerant search").update(start_quarter="2027-Q1")
    run = services.plan_run_create(scenario=_scenario(), requested_by=None)
    run = services.plan_run_execute(plan_run_id=run.pk)

    changed = services.plan_apply(plan_run=run, applied_by=org.cora.user)

    assert changed == 1
    reorder = Initiative.objects.get(title="One-click reorder")
    assert (reorder.start_quarter, reorder.version) == ("2027-Q2", 2)
    search = Initiative.objects.get(title="Typo-tolerant search")
    assert (search.start_quarter, search.version) == ("2027-Q1", 1)
    run.refresh_from_db()
    assert run.applied_at is not None


def test_applying_leaves_work_in_progress_and_left_out_work_where_it_is(org, fake_solve):
    InitiativeFactory(
        title="Running", team=org.search, status="in_progress", start_quarter="2026-Q4"
    )
    Initiative.objects.filter(title="Invoice dunning").update(start_quarter="2027-Q3")
    fake_solve.update({"Running": "2027-Q1"})
    run = services.plan_run_create(scenario=_scenario(), requested_by=None)
    run = services.plan_run_execute(plan_run_id=run.pk)

    assert selectors.plan_changes(plan_run=run) == []
    assert services.plan_apply(plan_run=run, applied_by=None) == 0
    assert Initiative.objects.get(title="Running").start_quarter == "2026-Q4"
    assert Initiative.objects.get(title="Invoice dunning").start_quarter == "2027-Q3"


def test_a_run_without_a_plan_cannot_be_applied(org):
    run = services.plan_run_create(scenario=_scenario(), requested_by=None)

    with pytest.raises(services.PlanNotApplicable):
        services.plan_apply(plan_run=run, applied_by=None)


def test_plan_changes_list_each_initiatives_current_and_planned_start(org, fake_solve):
    fake_solve.update({"One-click reorder": "2027-Q3", "Invoice dunning": "2027-Q1"})
    Initiative.objects.filter(title="Invoice dunning").update(start_quarter="2027-Q2")
    run = services.plan_run_create(scenario=_scenario(), requested_by=None)
    run = services.plan_run_execute(plan_run_id=run.pk)

    changes = selectors.plan_changes(plan_run=run)

    assert [(c.title, c.team_name, c.current_start, c.planned_start) for c in changes] == [
        ("Invoice dunning", "Billing", "2027-Q2", "2027-Q1"),
        ("One-click reorder", "Checkout", "", "2027-Q3"),
    ]


# Reading scenarios and comparing plans.


def test_the_scenario_list_shows_each_scenarios_latest_run_in_two_queries(
    org, django_assert_num_queries
):
    base = _scenario(name="Base plan")
    _scenario(name="Bigger Checkout")
    services.plan_run_create(scenario=base, requested_by=None)
    PlanRun.objects.filter(scenario=base).update(status="failed")
    latest = services.plan_run_create(scenario=base, requested_by=None)

    with django_assert_num_queries(2):
        summaries = selectors.scenarios_with_latest_run()

    assert [(s.scenario.name, s.latest_run) for s in summaries] == [
        ("Base plan", latest),
        ("Bigger Checkout", None),
    ]
    assert selectors.plan_run_latest(scenario=base) == latest


def test_comparing_two_plans_lists_what_moved_and_why(org, fake_solve):
    base = _scenario(name="Base plan")
    fake_solve.update({"One-click reorder": "2027-Q2", "Invoice dunning": "2027-Q1"})
    run_a = services.plan_run_execute(
        plan_run_id=services.plan_run_create(scenario=base, requested_by=None).pk
    )
    bigger = services.scenario_copy(scenario=base, name="Bigger Checkout", created_by=None)
    services.scenario_capacity_set(
        scenario=bigger, team=org.checkout, quarter="2027-Q1", capacity=65
    )
    services.scenario_choice_set(
        scenario=bigger,
        initiative=Initiative.objects.get(title="Invoice dunning"),
        choice="never",
    )
    fake_solve.clear()
    fake_solve.update({"One-click reorder": "2027-Q1", "Typo-tolerant search": "2027-Q4"})
    run_b = services.plan_run_execute(
        plan_run_id=services.plan_run_create(scenario=bigger, requested_by=None).pk
    )

    comparison = selectors.plan_comparison(run_a=run_a, run_b=run_b)

    assert (comparison.a.scenario_name, comparison.b.scenario_name) == (
        "Base plan",
        "Bigger Checkout",
    )
    assert (comparison.a.planned, comparison.b.planned) == (2, 2)
    assert [
        (d.team_name, d.quarter, d.capacity_a, d.capacity_b)
        for d in comparison.capacity_differences
    ] == [("Checkout", "2027-Q1", 52.0, 65.0)]
    assert [(d.title, d.choice_a, d.choice_b) for d in comparison.choice_differences] == [
        ("Invoice dunning", "", "never")
    ]
    moved = {m.title: m for m in comparison.moved}
    assert set(moved) == {"One-click reorder", "Invoice dunning", "Typo-tolerant search"}
    assert (moved["One-click reorder"].change, moved["One-click reorder"].start_b) == (
        "moved",
        "2027-Q1",
    )
    assert moved["One-click reorder"].why == ["Checkout capacity in 2027-Q1: 52 → 65 pw"]
    assert moved["Invoice dunning"].change == "left_out"
    assert moved["Invoice dunning"].left_out_reason == "team full"
    assert moved["Invoice dunning"].why == ["free in A, never in B"]
    assert moved["Typo-tolerant search"].change == "added"
    assert moved["Typo-tolerant search"].why == [
        "a knock-on of the other changes (capacity freed or taken elsewhere)"
    ]


# Who may plan.


def test_only_leaders_may_plan(org):
    assert permissions.can_plan(org.cora.user)
    assert permissions.can_plan(org.gabe.user)
    assert not permissions.can_plan(org.pia.user)
    assert not permissions.can_plan(org.sam)
    assert not permissions.can_plan(org.ada)


def test_a_new_team_appears_in_the_next_problem(org):
    TeamFactory(name="Payments", capacity_per_quarter=Decimal("26.5"))

    problem = selectors.problem_for_scenario(scenario=_scenario(quarters=1))

    assert (26.5,) in {team.capacity for team in problem.teams}
