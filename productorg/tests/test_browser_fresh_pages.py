"""In a real Chromium: forms post with the dates they show, and pages that htmx changed are
never shown stale by Back and Forward."""

from __future__ import annotations

import pytest

from productorg.strategy.models import Initiative
from productorg.tests.test_browser import chromium, page, sign_in  # noqa: F401

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
