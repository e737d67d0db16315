from __future__ import annotations

import pytest

from productorg.demo import generator
from productorg.demo import planning as planning_demo
from productorg.planning.models import PlanRun, Scenario


@pytest.fixture
def quick_demo_plan(monkeypatch):
    monkeypatch.setattr(planning_demo, "DEMO_PLAN_TIME_LIMIT_S", 0.5)


def test_the_demo_has_a_planned_base_scenario_and_a_copy_with_one_more_engineer(
    db, quick_demo_plan
):
    generator.demo_organisation_create(size="small", seed=1)

    base = Scenario.objects.get(name="Base plan")
    assert (base.first_quarter, base.quarters) == ("2027-Q2", 4)
    run = PlanRun.objects.get(scenario=base)
    assert run.status == PlanRun.Status.DONE
    assert run.result["status"] in {"optimal", "feasible"}
    assert run.result["starts"], "the demo's plan places work"
    bigger = Scenario.objects.get(name__startswith="One more engineer in ")
    assert bigger.name.startswith("One more engineer in ")
    assert bigger.copied_from == base
    overrides = list(bigger.capacities.values_list("team__name", "team__capacity_per_quarter"))
    capacities = set(bigger.capacities.values_list("capacity", flat=True))
    assert len(overrides) == 4
    assert bigger.name.endswith(overrides[0][0])
    assert capacities == {overrides[0][1] + planning_demo.ENGINEER_PERSON_WEEKS}


def test_a_second_demo_beside_the_first_leaves_the_scenarios_alone(db, quick_demo_plan):
    generator.demo_organisation_create(size="small", seed=1)
    generator.demo_organisation_create(size="small", seed=2)

    assert Scenario.objects.count() == 3
    assert PlanRun.objects.count() == 2


def test_the_demo_plans_a_looser_mix_that_plans_more_than_the_base(db, quick_demo_plan):
    generator.demo_organisation_create(size="small", seed=1)

    base = PlanRun.objects.get(scenario__name="Base plan")
    looser = PlanRun.objects.get(scenario__name=planning_demo.LOOSER_MIX_SCENARIO)
    wider = dict(looser.scenario.mix_bounds.values_list("category", "max_share"))
    assert all(
        wider[category] >= high
        for category, high in base.scenario.mix_bounds.values_list("category", "max_share")
    )
    # Wider bounds can only let more value in: the base plan is a plan of the looser scenario.
    assert looser.result["objective"] >= base.result["objective"] * 0.99
