"""In a real Chromium: a download follows the filters the reader just set on the page (which
htmx applied without reloading it), and the Markdown report is saved as a file, not shown."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from productorg.reports import services as report_services
from productorg.reports.tests.portfolio import portfolio_create
from productorg.strategy.models import Initiative
from productorg.tests.test_browser import chromium, page, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


def test_the_initiatives_download_holds_what_the_filters_just_selected(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    from playwright.sync_api import expect

    Initiative.objects.filter(title="Invoice dunning").update(status="in_progress")
    sign_in(page, live_server, "pia", then="/initiatives/")
    expect(page.get_by_text("3 initiatives", exact=True)).to_be_visible()
    page.get_by_label("Status").select_option(label="In progress")
    expect(page.get_by_text("1 initiative", exact=True)).to_be_visible()

    with page.expect_download() as started:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = started.value
    with Path(download.path()).open(encoding="utf-8", newline="") as file:
        assert [row["title"] for row in csv.DictReader(file)] == ["Invoice dunning"]
    assert "-filtered-" in download.suggested_filename


def test_the_markdown_report_is_saved_as_a_file(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    work = portfolio_create(org)
    report = report_services.leadership_report_create(period=work.quarter, created_by=org.cora.user)
    sign_in(page, live_server, "sam", then=f"/reports/{report.pk}/")
    with page.expect_download() as started:
        page.get_by_role("button", name="Markdown").click()
    download = started.value
    assert download.suggested_filename == (
        f"leadership-report-{report.period.lower()}-{report.as_of.isoformat()}.md"
    )
    assert Path(download.path()).read_text(encoding="utf-8").startswith("# ")
    assert page.url.endswith(f"/reports/{report.pk}/")
