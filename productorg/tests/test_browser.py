"""A real Chromium signs in through the login form and sees the product manager's home page."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


def install_chromium() -> str | None:
    """Installs Debian's chromium package; returns why it could not, or None."""
    apt_get = shutil.which("apt-get")
    if apt_get is None:
        return "Chromium is missing and apt-get is not available to install it"
    if os.geteuid() != 0:
        return "Chromium is missing and installing it needs root (apt-get install chromium)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in ([apt_get, "update"], [apt_get, "install", "-y", "chromium"]):
        try:
            result = subprocess.run(  # noqa: S603 - apt-get with fixed arguments
                command, env=env, capture_output=True, text=True, timeout=900, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"{' '.join(command)} failed: {error}"
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            return f"{' '.join(command)} failed ({result.returncode}): {' / '.join(tail)}"
    return None if CHROMIUM.exists() else "apt-get install chromium left no /usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The path of a Chromium binary, installed from Debian if missing, or the test skips."""
    if not CHROMIUM.exists():
        # Test workers (pytest-xdist) install one at a time; the next finds it installed.
        with open(Path(tempfile.gettempdir()) / "productorg-chromium.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            reason = None if CHROMIUM.exists() else install_chromium()
        if reason:
            pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def page(chromium, live_server, monkeypatch) -> Iterator:
    """A fresh browser page; closed, with its browser, after the test."""
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an asyncio loop on this thread, which makes Django refuse
    # ORM calls here (fixtures, the database flush) as if they came from async code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            browser_page = browser.new_page()
            browser_page.set_default_timeout(15_000)
            yield browser_page
        finally:
            browser.close()
            # Under Playwright the ORM runs in a context of its own with connections of its
            # own; left open, they stop the test database from being dropped at the end.
            connections.close_all()


def sign_in(page, live_server, username: str, then: str = "/") -> None:
    """Sign in through the login form, as a person would, and wait for the next page."""
    page.goto(f"{live_server.url}/accounts/login/?next={then}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{then}")


def test_pm_signs_in_and_sees_their_team_and_its_initiatives(page, live_server, org):
    from playwright.sync_api import expect

    sign_in(page, live_server, "pia")
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.get_by_text("One-click reorder")).to_be_visible()
    screenshots = Path(settings.VAR_DIR) / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshots / "pm-home.png"), full_page=True)
    assert (screenshots / "pm-home.png").stat().st_size > 0


def test_typing_a_search_narrows_the_initiatives_in_place(page, live_server, org):
    from playwright.sync_api import expect

    sign_in(page, live_server, "sam", then="/initiatives/")
    expect(page.get_by_text("3 initiatives")).to_be_visible()

    page.evaluate("window.notReloaded = true")
    page.fill("input[name=q]", "dunning")
    expect(page.get_by_text("1 initiative", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Invoice dunning")).to_be_visible()
    expect(page.get_by_role("link", name="One-click reorder")).to_have_count(0)
    # htmx swapped the results in: the page itself never reloaded, and the URL can be shared.
    assert page.evaluate("window.notReloaded") is True
    assert "q=dunning" in page.url
