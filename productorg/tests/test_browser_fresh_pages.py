"""In a real Chromium: forms post with the dates they show, and pages that htmx changed are
never shown stale by Back and Forward."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connections

from productorg.factories import GrowthActionFactory, GrowthGoalFactory, GrowthPlanFactory
from productorg.strategy.models import Initiative
from productorg.tests.test_browser import CHROMIUM_ARGS, chromium, page, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


def test_pm_posts_a_status_update_without_touching_the_date(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    from playwright.sync_api import expect

    initiative = Initiative.objects.get(title="One-click reorder")
    url = f"/initiatives/{initiative.pk}/"
    sign_in(page, live_server, "pia", then=url)
    page.get_by_text("Post a status update").click()
    page.get_by_label("Progress (% done)").fill("40")
    page.get_by_label("Summary").fill("Basket reuse is in beta")
    page.get_by_role("button", name="Post the update").click()
    expect(page.get_by_text("Status update posted.")).to_be_visible()
    expect(page.get_by_text("Basket reuse is in beta")).to_be_visible()
    assert initiative.status_updates.get().summary == "Basket reuse is in beta"


def test_back_after_ticking_an_action_shows_it_ticked_and_the_next_tick_saves(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    from playwright.sync_api import expect

    plan = GrowthPlanFactory(person=org.pia, target_level=org.pia.level, status="active")
    goal = GrowthGoalFactory(plan=plan, title="Own pricing discovery")
    GrowthActionFactory(goal=goal, title="Shadow a pricing review")
    GrowthActionFactory(goal=goal, title="Run five customer interviews")
    first = page.get_by_role("button", name="Mark “Shadow a pricing review” done")
    second = page.get_by_role("button", name="Mark “Run five customer interviews” done")

    sign_in(page, live_server, "gabe", then=f"/growth-plans/{plan.pk}/")
    first.click()  # htmx swaps the plan in place
    expect(
        page.get_by_role("button", name="Mark “Shadow a pricing review” not done")
    ).to_be_visible()
    page.get_by_role("link", name="Growth of Pia").click()
    page.wait_for_url(f"{live_server.url}/people/{org.pia.pk}/growth/")
    page.go_back()

    expect(
        page.get_by_role("button", name="Mark “Shadow a pricing review” not done")
    ).to_be_visible()
    second.click()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(
        page.get_by_role("button", name="Mark “Run five customer interviews” not done")
    ).to_be_visible()
    assert set(goal.actions.values_list("done", flat=True)) == {True}


@pytest.fixture
def context_with_bfcache(chromium, live_server, monkeypatch) -> Iterator:  # noqa: F811
    """A browser as people have it: Playwright turns the back-forward cache off, this does not."""
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium),
            args=CHROMIUM_ARGS,
            ignore_default_args=["--disable-back-forward-cache"],
        )
        try:
            context = browser.new_context()
            context.set_default_timeout(15_000)
            yield context
        finally:
            browser.close()
            connections.close_all()


def test_back_to_the_app_shows_a_change_made_meanwhile(context_with_bfcache, live_server, org):
    """With the back-forward cache on, as people have it, Back shows the plan as it is now.

    Chromium 156 keeps a no-store page there only while no cookie changed (Django renews the
    CSRF cookie with every page, so ours leave it); static/js/app.js reloads a page
    restored from it anyway, for browsers that keep no-store pages regardless."""
    from playwright.sync_api import expect

    from productorg.people.services import growth

    plan = GrowthPlanFactory(person=org.pia, target_level=org.pia.level, status="active")
    goal = GrowthGoalFactory(plan=plan, title="Own pricing discovery")
    action = GrowthActionFactory(goal=goal, title="Shadow a pricing review")
    page = context_with_bfcache.new_page()  # noqa: F811 - not the fixture: a page of this browser
    sign_in(page, live_server, "gabe")
    page.goto(f"{live_server.url}/growth-plans/{plan.pk}/")
    expect(page.get_by_role("button", name="Mark “Shadow a pricing review” done")).to_be_visible()
    page.goto(f"{live_server.url}/static/vendor/README.md")  # away from the app's pages

    growth.growth_action_set_done(user=org.pia.user, action=action, version=plan.version, done=True)
    page.go_back()
    expect(
        page.get_by_role("button", name="Mark “Shadow a pricing review” not done")
    ).to_be_visible()
