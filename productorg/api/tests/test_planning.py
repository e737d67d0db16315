"""Scenarios and plan runs through the API: leaders only (a 404 to everyone else), runs in the
background (here at once: the immediate task backend)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from productorg.factories import ScenarioFactory
from productorg.planning.models import PlanRun, Scenario


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


SCENARIO = {"name": "Base 2027", "first_quarter": "2027-Q1", "quarters": 4, "time_limit_s": 2}


def test_a_leader_makes_lists_and_changes_a_scenario(org, api):
    client = api(org.gabe)
    created = client.post("/scenarios", SCENARIO)
    assert created.status_code == 201, created.json()
    scenario_id = created.json()["id"]
    assert [row["name"] for row in client.get("/scenarios").json()["items"]] == ["Base 2027"]
    changed = client.patch(f"/scenarios/{scenario_id}", {"quarters": 6, "discount_rate": "0.05"})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["quarters"] == 6
    assert Decimal(changed.json()["discount_rate"]) == Decimal("0.05")


def test_a_taken_scenario_name_is_a_400_naming_the_field(org, api):
    client = api(org.gabe)
    client.post("/scenarios", SCENARIO)
    response = client.post("/scenarios", SCENARIO)
    assert response.status_code == 400
    assert response.json()["field"] == "name"


@pytest.mark.parametrize("who", ["pia", "sam", "ada"])
def test_planning_is_a_404_to_everyone_but_leaders(org, api, who):
    scenario = ScenarioFactory()
    client = api(getattr(org, who))
    assert client.get("/scenarios").status_code == 404
    assert client.get(f"/scenarios/{scenario.pk}").status_code == 404
    assert client.post("/scenarios", SCENARIO).status_code == 404
    assert client.post(f"/scenarios/{scenario.pk}/runs").status_code == 404
    assert not Scenario.objects.filter(name="Base 2027").exists()
    assert not PlanRun.objects.exists()


def test_a_leader_starts_a_run_and_reads_the_plan(org, api, django_capture_on_commit_callbacks):
    scenario = ScenarioFactory(time_limit_s=2)
    client = api(org.dana)
    # The run is queued once the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/scenarios/{scenario.pk}/runs")
    assert started.status_code == 202, started.json()
    run_id = started.json()["id"]
    runs = client.get(f"/scenarios/{scenario.pk}/runs").json()
    assert [row["id"] for row in runs["items"]] == [run_id]
    run = client.get(f"/scenarios/{scenario.pk}/runs/{run_id}").json()
    assert run["status"] == "done"
    assert run["result"]["objective"] >= 0
    assert set(run["result"]["starts"]) | set(run["result"]["left_out"])
    assert client.get(f"/scenarios/{scenario.pk}/runs/424242").status_code == 404
