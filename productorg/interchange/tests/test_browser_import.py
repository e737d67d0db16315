"""In a real Chromium: a leader uploads a Jira export, maps its project to a team, reads the
dry run and imports it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from productorg.interchange.tests.test_import_pages import JIRA_CSV
from productorg.strategy.models import Initiative
from productorg.tests.test_browser import chromium, page, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    # Jobs run inside the request that queues them: no worker beside the live server.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    settings.IMPORT_DIR = tmp_path / "imports"


def test_a_leader_imports_a_jira_export_through_the_page(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
    tmp_path,
):
    from playwright.sync_api import expect

    export = tmp_path / "Jira.csv"
    export.write_text(JIRA_CSV, encoding="utf-8", newline="")

    sign_in(page, live_server, "gabe", then="/import/")
    page.get_by_role("button", name="Import from Jira").click()
    page.get_by_label("File").set_input_files(str(export))
    page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_role("heading", name="Which team is each Project key?")).to_be_visible()
    page.get_by_label("CHK").select_option(label="Checkout")
    page.get_by_role("button", name="Save and check again").click()

    expect(page.get_by_role("cell", name="Faster checkout")).to_be_visible()
    # No category in the file and none chosen: the row says so instead of showing Feature.
    expect(page.get_by_role("cell", name="No category not chosen")).to_be_visible()
    page.get_by_text("Check again with other options").click()
    page.get_by_label("Default work category").select_option(label="Growth")
    page.get_by_role("button", name="Check again").click()
    expect(page.get_by_role("cell", name="Growth default")).to_be_visible()
    screenshots = Path(settings.VAR_DIR) / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshots / "import-dry-run.png"), full_page=True)
    assert not Initiative.objects.filter(source="jira").exists()

    page.get_by_role("button", name="Import: create 1, update 0").click()
    expect(page.get_by_text("Imported: 1 created")).to_be_visible()
    initiative = Initiative.objects.get(source="jira", source_key="CHK-1")
    assert initiative.team == org.checkout
    assert initiative.category == "growth"
