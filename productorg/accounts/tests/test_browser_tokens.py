"""In a real Chromium: a leader makes an API token on their profile, the API answers to it,
and after they revoke it the API refuses it."""

from __future__ import annotations

import pytest
from django.test import Client

from productorg.accounts.models import ApiToken
from productorg.tests.test_browser import chromium, page, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


def api_get(path: str, token: str) -> tuple[int, dict]:
    """A script's call: the token alone, no browser session."""
    response = Client().get(f"/api/v1/{path}", headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.json()


def test_a_token_made_on_the_profile_works_once_shown_and_stops_when_revoked(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    from playwright.sync_api import expect

    sign_in(page, live_server, "gabe", then="/accounts/profile/")
    page.get_by_label("Name").fill("Roadmap sync")
    page.get_by_label("Scope").select_option(label="Read only")
    page.get_by_role("button", name="Create token").click()

    secret = page.locator("pre code").first.inner_text().strip()
    assert secret.startswith("po_")
    assert not ApiToken.objects.filter(key_hash=secret).exists()  # only its hash is kept
    status, body = api_get("initiatives", secret)
    assert status == 200 and body["count"] >= 1

    page.reload()
    expect(page.get_by_text(secret)).to_have_count(0)  # shown once

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    status, body = api_get("initiatives", secret)
    assert status == 401
    assert "revoked" in body["detail"]
