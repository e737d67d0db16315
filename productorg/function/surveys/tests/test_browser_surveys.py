"""In a real Chromium: a leader makes a survey round and copies a personal link, someone with
no login answers it in a browser context of their own, and the leader sees the answer count."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from productorg.tests.test_browser import chromium, page, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_leader_sends_a_survey_link_that_a_stranger_answers_without_signing_in(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    from playwright.sync_api import expect

    sign_in(page, live_server, "gabe", then="/function/surveys/")
    page.get_by_label("Title").fill("Spring pulse")
    page.get_by_role("button", name="Make the survey").click()
    expect(page.get_by_role("heading", name="Spring pulse")).to_be_visible()
    # A draft's questions are editable: the standard set fills the question fields.
    expect(page.locator("input[value^='How clear is it to you']")).to_have_count(1)

    page.get_by_label("Others by email").fill("Kim Lee <kim@partner.example>")
    page.get_by_label("Team they mostly work with").select_option(label="Checkout")
    page.get_by_role("button", name="Make the links").click()
    expect(page.get_by_role("heading", name="New links: copy them now")).to_be_visible()
    link = page.get_by_label("Link for Kim Lee").input_value()
    assert "/function/surveys/r/" in link

    stranger = page.context.browser.new_context()
    try:
        answering = stranger.new_page()
        answering.goto(link)
        expect(answering.get_by_role("heading", name="Spring pulse")).to_be_visible()
        for group in answering.locator("fieldset.survey-rating").all():
            group.get_by_label("4", exact=True).check()
        answering.get_by_label("What should the product-management function").fill(
            "More roadmap reviews, please."
        )
        answering.get_by_role("button", name="Send my answers").click()
        expect(answering.get_by_role("heading", name="Thank you")).to_be_visible()
        answering.goto(link)
        expect(answering.get_by_text("This link has been used")).to_be_visible()
    finally:
        stranger.close()

    page.get_by_role("link", name="See the results").click()
    expect(page.locator("#response-count")).to_have_text("1 response")
    expect(page.get_by_text("fewer than 3 answers").first).to_be_visible()
    screenshots = Path(settings.VAR_DIR) / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshots / "survey-results.png"), full_page=True)
