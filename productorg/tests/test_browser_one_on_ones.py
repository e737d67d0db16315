"""In a real Chromium: a manager writes a private note and an agenda item in a 1:1; the report,
signed in on their own browser, sees the agenda item and not the private note."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from productorg.factories import MeetingFactory, OneOnOneFactory
from productorg.people.models import AgendaItem, PrivateNote
from productorg.tests.test_browser import chromium, page, sign_in  # noqa: F401

pytestmark = pytest.mark.browser

PRIVATE_TEXT = "Pia seems stretched by the checkout launch; ask gently about workload"
AGENDA_TEXT = "Roadmap review: what moves to Q3"


def test_a_report_sees_the_shared_agenda_item_and_not_the_managers_private_note(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    from playwright.sync_api import expect

    one_on_one = OneOnOneFactory(manager=org.gabe, report=org.pia, cadence="weekly")
    meeting = MeetingFactory(one_on_one=one_on_one, date=timezone.localdate())
    meeting_path = f"/one-on-ones/meetings/{meeting.pk}/"

    sign_in(page, live_server, "gabe", then=meeting_path)
    expect(page.get_by_role("heading", name="1:1 with Pia")).to_be_visible()
    expect(page.get_by_text("Only you can read this.")).to_be_visible()

    page.evaluate("window.notReloaded = true")
    page.get_by_label("My private notes (only you can read this)").fill(PRIVATE_TEXT)
    page.get_by_role("button", name="Save private note").click()
    expect(page.locator("#private_note").get_by_role("status")).to_have_text("Saved.")

    page.get_by_label("New agenda item").fill(AGENDA_TEXT)
    page.get_by_label("Recurring").check()
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#agenda").get_by_text(AGENDA_TEXT)).to_be_visible()
    # htmx swapped the sections in place: the page itself never reloaded.
    assert page.evaluate("window.notReloaded") is True
    assert PrivateNote.objects.get(author=org.gabe).text == PRIVATE_TEXT
    assert AgendaItem.objects.get(meeting=meeting).recurring

    # Pia, on a browser of her own (no cookie of Gabe's), opens the same meeting.
    pia_context = page.context.browser.new_context()
    try:
        pia_page = pia_context.new_page()
        pia_page.set_default_timeout(15_000)
        sign_in(pia_page, live_server, "pia", then=meeting_path)
        expect(pia_page.get_by_role("heading", name="1:1 with Gabe")).to_be_visible()
        expect(pia_page.locator("#agenda").get_by_text(AGENDA_TEXT)).to_be_visible()
        expect(pia_page.get_by_text(PRIVATE_TEXT)).to_have_count(0)
        assert PRIVATE_TEXT not in pia_page.content()
        expect(pia_page.get_by_label("My private notes (only you can read this)")).to_have_value("")
        screenshots = Path(settings.VAR_DIR) / "screenshots"
        screenshots.mkdir(parents=True, exist_ok=True)
        pia_page.screenshot(path=str(screenshots / "one-on-one-report.png"), full_page=True)
    finally:
        pia_context.close()
