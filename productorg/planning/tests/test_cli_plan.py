from __future__ import annotations

import signal
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from productorg.cli import app
from productorg.factories import ScenarioFactory
from productorg.planning import services
from productorg.planning.models import PlanRun, Scenario

runner = CliRunner()


@pytest.fixture(autouse=True)
def ctrl_c_is_given_back():
    before = signal.getsignal(signal.SIGINT)
    yield
    assert signal.getsignal(signal.SIGINT) is before


def test_planning_a_new_scenario_creates_it_and_records_a_run_with_its_page(org):
    result = runner.invoke(
        app, ["plan", "--scenario", "Base plan", "--horizon", "2", "--first-quarter", "2027-Q3"]
    )

    assert result.exit_code == 0, result.output
    scenario = Scenario.objects.get(name="Base plan")
    assert (scenario.first_quarter, scenario.quarters) == ("2027-Q3", 2)
    run = PlanRun.objects.get(scenario=scenario)
    assert run.status == PlanRun.Status.DONE
    assert "Created the scenario 'Base plan'" in result.stderr
    assert "2027-Q3 to 2027-Q4" in result.stderr
    # A progress line per point: elapsed, value, bound, gap and phase.
    assert " s  value " in result.stderr and "gap" in result.stderr
    assert "initiatives planned" in result.stdout
    assert f"Run {run.pk}: /plan/scenarios/{scenario.pk}/runs/{run.pk}/" in result.stdout


def test_a_new_scenario_starts_next_quarter_and_plans_four_quarters(org, time_machine):
    time_machine.move_to(datetime(2027, 5, 10, 12, tzinfo=UTC), tick=False)

    result = runner.invoke(app, ["plan", "--scenario", "Next year", "--time-limit", "1"])

    assert result.exit_code == 0, result.output
    scenario = Scenario.objects.get(name="Next year")
    assert (scenario.first_quarter, scenario.quarters) == ("2027-Q3", 4)


def test_an_existing_scenario_is_planned_again_and_a_new_horizon_is_saved(org):
    scenario = ScenarioFactory(
        name="Base plan",
        first_quarter="2027-Q1",
        quarters=4,
        discount_rate=0,
        time_limit_s=5,
    )

    result = runner.invoke(app, ["plan", "--scenario", "Base plan", "--horizon", "2"])

    assert result.exit_code == 0, result.output
    assert "Created" not in result.stderr
    assert "Changed the horizon" in result.stderr
    scenario.refresh_from_db()
    assert (scenario.first_quarter, scenario.quarters) == ("2027-Q1", 2)
    assert scenario.runs.count() == 1


@pytest.mark.parametrize("horizon", ["0", "13", "four"])
def test_a_bad_horizon_exits_2_and_plans_nothing(org, horizon):
    result = runner.invoke(app, ["plan", "--scenario", "Base plan", "--horizon", horizon])

    assert result.exit_code == 2
    assert "--horizon" in result.output
    assert not Scenario.objects.exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [("--first-quarter", "2027Q1"), ("--time-limit", "0"), ("--time-limit", "nan")],
)
def test_a_bad_first_quarter_or_time_limit_exits_2(org, option, value):
    result = runner.invoke(app, ["plan", "--scenario", "Base plan", option, value])

    assert result.exit_code == 2
    assert option in result.output
    assert not PlanRun.objects.exists()


def test_options_of_the_database_plan_without_a_scenario_exit_2(org):
    result = runner.invoke(app, ["plan", "--horizon", "2"])

    assert result.exit_code == 2
    assert "--scenario" in result.output


def test_an_unknown_option_exits_2(org):
    result = runner.invoke(app, ["plan", "--scenario", "Base plan", "--quarters", "2"])

    assert result.exit_code == 2
    assert "--quarters" in result.output


def test_a_scenario_already_being_planned_is_not_planned_twice(org):
    scenario = ScenarioFactory(
        name="Base plan",
        first_quarter="2027-Q1",
        quarters=2,
        discount_rate=0,
        time_limit_s=5,
    )
    services.plan_run_create(scenario=scenario, requested_by=None)

    result = runner.invoke(app, ["plan", "--scenario", "Base plan"])

    assert result.exit_code == 1
    assert "being planned already" in result.stderr
    assert scenario.runs.count() == 1


def test_plan_without_options_explains_itself(org):
    result = runner.invoke(app, ["plan"])

    assert result.exit_code == 0
    assert "--scenario" in result.output and "solve" in result.output
