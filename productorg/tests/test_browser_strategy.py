"""In a real Chromium: a closed objective of the strategy tree loads its key results,
initiatives and children when it is opened."""

from __future__ import annotations

import pytest

from productorg.factories import InitiativeFactory, ObjectiveFactory
from productorg.tests.test_browser import chromium, page, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


def test_opening_a_closed_objective_shows_the_initiatives_serving_it(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    from playwright.sync_api import expect

    company = ObjectiveFactory(title="Grow repeat purchases", period="2027-H1", owner=org.cora)
    team_level = ObjectiveFactory(title="Reorder in one click", period="2027-H1", parent=company)
    InitiativeFactory(title="Saved baskets", team=org.checkout).objectives.add(team_level)

    sign_in(page, live_server, "pia", then="/strategy/?period=2027-H1")
    objective = page.locator(f"#objective-{team_level.pk}")
    expect(objective).not_to_have_attribute("open", "")
    expect(page.get_by_role("link", name="Saved baskets")).to_have_count(0)
    objective.locator("summary").click()
    expect(objective.get_by_role("link", name="Saved baskets")).to_be_visible()
