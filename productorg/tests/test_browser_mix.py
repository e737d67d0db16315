"""In a real Chromium: a leader changes a team's mix targets and sees the board flag the team,
then opens the initiatives behind one of its faders in place."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from productorg.factories import InitiativeFactory
from productorg.strategy.services import mix as services
from productorg.tests.test_browser import chromium, page, sign_in  # noqa: F401

pytestmark = pytest.mark.browser

PERIOD = "2027-H1"


def placed(team, title: str, category: str, effort: int) -> None:
    InitiativeFactory(
        title=title,
        team=team,
        category=category,
        effort_estimate=effort,
        start_quarter="2027-Q1",
        status="planned",
    )


def test_a_leader_changes_a_team_s_mix_target_and_sees_the_board_flag_the_team(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    from playwright.sync_api import expect

    # A live-server test starts from a flushed database: make the built-in dimensions again.
    category, _ = services.builtin_dimensions_ensure()
    placed(org.checkout, "Reorder reminders", "feature", 30)
    placed(org.checkout, "Referral credits", "growth", 10)
    placed(org.search, "Search suggestions", "feature", 7)
    placed(org.search, "Search onboarding", "growth", 3)
    services.mix_targets_set(
        dimension=category,
        team=None,
        period=PERIOD,
        shares={
            value.pk: Decimal({"feature": 70, "growth": 30}.get(value.key, 0))
            for value in category.values.all()
        },
        tolerance=Decimal(10),
    )

    sign_in(page, live_server, "gabe", then=f"/strategy/mix/?period={PERIOD}")
    board = page.locator("#board")
    expect(board.get_by_text("no team out of tolerance")).to_be_visible()
    checkout = page.locator(f"#scope-{org.checkout.pk}")
    expect(checkout.get_by_text("org target")).to_be_visible()

    checkout.get_by_role("link", name="Set targets for Checkout").click()
    expect(page.get_by_role("heading", name="Mix targets: Checkout")).to_be_visible()
    page.get_by_label("Feature").fill("40")
    page.get_by_label("Growth").fill("50")
    expect(page.locator("#running-sum")).to_contain_text("Sum: 90 %")
    page.get_by_label("Growth").fill("60")
    expect(page.locator("#running-sum")).to_contain_text("Sum: 100 %")
    page.get_by_role("button", name="Save targets").click()

    expect(page.get_by_text("Work category targets of Checkout in 2027-H1 saved.")).to_be_visible()
    checkout = page.locator(f"#scope-{org.checkout.pk}")
    expect(checkout.get_by_text("⚠ Out of tolerance: Feature, Growth")).to_be_visible()
    expect(checkout.get_by_text("own targets")).to_be_visible()
    expect(page.get_by_text("⚠ 1 of 3 teams out of tolerance")).to_be_visible()

    page.evaluate("window.notReloaded = true")
    checkout.get_by_role("link", name=re.compile(r"^Feature: 75 %")).click()
    drill = page.locator(f"#drill-{org.checkout.pk}")
    expect(drill.get_by_role("link", name="Reorder reminders")).to_be_visible()
    expect(drill.get_by_role("link", name="Referral credits")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True

    screenshots = Path(settings.VAR_DIR) / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshots / "mix-board.png"), full_page=True)
