"""In a real Chromium: text pasted into a form arrives whole. A 10,000-character title is
refused with its field and limit and kept for shortening, not cut to 200 by the browser."""

from __future__ import annotations

import pytest

from productorg.strategy.models import Initiative
from productorg.tests.test_browser import chromium, page, sign_in  # noqa: F401

pytestmark = pytest.mark.browser

TOO_LONG = ("Saved baskets " * 715).strip()  # 10,009 characters


def test_a_pasted_ten_thousand_character_title_is_refused_and_kept(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    from playwright.sync_api import expect

    sign_in(page, live_server, "gabe", then="/initiatives/new/")
    title = page.get_by_label("Title")
    title.fill(TOO_LONG)
    assert len(title.input_value()) == len(TOO_LONG)
    page.get_by_role("button", name="Create the initiative").click()
    expect(page.get_by_text("at most 200 characters").first).to_be_visible()
    assert len(page.get_by_label("Title").input_value()) == len(TOO_LONG)
    assert not Initiative.objects.filter(title__startswith="Saved baskets").exists()
