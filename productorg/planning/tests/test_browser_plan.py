"""In a real Chromium: a leader opens a scenario, presses Plan, reads the plan and opens it as a
roadmap."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from productorg.factories import ScenarioFactory
from productorg.planning import selectors, services
from productorg.planning.engine.model import result_as_dict
from productorg.planning.models import PlanRun
from productorg.strategy.models import Initiative
from productorg.tests.test_browser import chromium, page, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_leader_plans_a_scenario_reads_the_plan_and_opens_it_as_a_roadmap(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    from playwright.sync_api import expect

    # Jobs run at once inside the request that queues them (the planner tests' conftest sets
    # the immediate backend): no worker beside the live server.
    for team in (org.checkout, org.search, org.billing):
        team.capacity_per_quarter = Decimal(20)
        team.save()
    Initiative.objects.filter(title="One-click reorder").update(
        effort_estimate=30, duration_quarters=2, value_estimate=90, status="planned"
    )
    Initiative.objects.filter(title="Typo-tolerant search").update(
        effort_estimate=25, value_estimate=40, status="planned"
    )
    scenario = ScenarioFactory(
        name="Next year",
        first_quarter="2027-Q1",
        quarters=4,
        discount_rate=Decimal("0.05"),
        time_limit_s=5,
    )

    sign_in(page, live_server, "gabe", then="/plan/")
    page.get_by_role("link", name="Next year").click()
    expect(page.get_by_role("heading", name="Next year")).to_be_visible()
    expect(page.get_by_text("Not planned yet.")).to_be_visible()

    page.get_by_role("button", name="Plan", exact=True).click()
    expect(page.get_by_role("heading", name="The plan")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("value (discounted)")).to_be_visible()
    grid = page.locator(".plan-grid")
    expect(grid.get_by_role("link", name="One-click reorder").first).to_be_visible()
    expect(page.get_by_role("heading", name="Value of capacity")).to_be_visible()

    screenshots = Path(settings.VAR_DIR) / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshots / "plan.png"), full_page=True)

    page.get_by_role("button", name="Roadmap of the plan").click()
    expect(page.get_by_role("heading", name="Roadmap of Next year")).to_be_visible()
    bar = page.locator(".rm-bar", has_text="One-click reorder").first
    expect(bar).to_contain_text("2027-Q1–2027-Q2")
    assert page.url.endswith(f"/plan/scenarios/{scenario.pk}/roadmap/")
    page.screenshot(path=str(screenshots / "plan-roadmap.png"), full_page=True)


def test_the_progress_panel_follows_a_running_plan_and_shows_the_plan_when_it_ends(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    from playwright.sync_api import expect

    scenario = ScenarioFactory(
        name="Long one",
        first_quarter="2027-Q1",
        quarters=4,
        discount_rate=0,
        time_limit_s=60,
    )
    run = services.plan_run_create(scenario=scenario, requested_by=None)
    PlanRun.objects.filter(pk=run.pk).update(
        status=PlanRun.Status.RUNNING,
        progress=[{"elapsed_s": 1.0, "objective": 40.0, "bound": 80.0, "phase": "greedy"}],
    )

    sign_in(page, live_server, "gabe", then=f"/plan/scenarios/{scenario.pk}/")
    page.evaluate("window.notReloaded = true")
    expect(page.get_by_text("50 %", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Plan", exact=True)).to_be_disabled()

    # The worker reports progress, then finishes: the panel follows without a reload.
    PlanRun.objects.filter(pk=run.pk).update(
        progress=[
            {"elapsed_s": 1.0, "objective": 40.0, "bound": 80.0, "phase": "greedy"},
            {"elapsed_s": 2.0, "objective": 60.0, "bound": 80.0, "phase": "MILP"},
        ]
    )
    expect(page.get_by_text("25 %", exact=True)).to_be_visible()
    PlanRun.objects.filter(pk=run.pk).update(
        status=PlanRun.Status.DONE, result=result_as_dict(services.solve(problem(run)))
    )
    expect(page.get_by_role("heading", name="The plan")).to_be_visible()
    expect(page.get_by_role("button", name="Plan", exact=True)).to_be_enabled()
    assert page.evaluate("window.notReloaded") is True


def problem(run: PlanRun):
    return selectors.problem_from_stored(run.problem).problem
