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
    run = PlanRun.objects.get()
    assert run.scenario == base and run.status == PlanRun.Status.DONE
    assert run.result["status"] in {"optimal", "feasible"}
    assert run.result["starts"], "the demo's plan places work"
    bigger = Scenario.objects.exclude(pk=base.pk).get()
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

    assert Scenario.objects.count() == 2
    assert PlanRun.objects.count() == 1
