"""In a real Chromium: a stakeholder opens a leadership report and sees its summary, charts
and initiatives; the screenshot is kept under var/screenshots for a look."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from productorg.reports import services
from productorg.reports.tests.portfolio import portfolio_create
from productorg.tests.test_browser import chromium, page, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_stakeholder_opens_a_report_and_sees_its_summary_charts_and_initiatives(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    from playwright.sync_api import expect

    work = portfolio_create(org)
    report = services.leadership_report_create(period=work.quarter, created_by=None)
    sign_in(page, live_server, "sam", then=f"/reports/{report.pk}/")
    expect(page.get_by_role("heading", name=f"Leadership report {work.quarter}")).to_be_visible()
    expect(page.get_by_role("heading", name="Checkout revamp")).to_be_visible()
    expect(page.locator("svg.health-by-team")).to_be_visible()
    expect(page.get_by_role("button", name="PDF (A4)")).to_be_visible()
    page.get_by_role("link", name="Search relevance").click()
    expect(page).to_have_url(
        f"{live_server.url}/reports/{report.pk}/#initiative-{work.relevance.pk}"
    )
    screenshots = Path(settings.VAR_DIR) / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.screenshot(path=str(screenshots / "report.png"), full_page=True)
