"""Every answer of the app carries a strict Content-Security-Policy and the other browser
security headers, and no template needs the policy relaxed: no inline script, style or
event handler."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from productorg.accounts import services
from productorg.planning.models import MAX_HORIZON_QUARTERS
from productorg.reports.charts import CATEGORY_COLOURS

TEMPLATES = Path(settings.BASE_DIR) / "productorg" / "templates"
STATIC_CSS = Path(settings.BASE_DIR) / "productorg" / "static" / "css"
# Rendered into a PDF by WeasyPrint (and the CLI's HTML file), never served to a browser, so
# the page's policy does not apply; its stylesheet is inlined to make the file self-contained.
NOT_SERVED = {"reports/report_pdf.html"}


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_secure_headers(response) -> None:
    policy = policy_of(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(), payment=()"


def test_a_page_and_its_htmx_fragment_carry_the_policy(client_for, org):
    client = client_for(org.pia)
    page = client.get("/initiatives/")
    assert page.status_code == 200
    assert_secure_headers(page)
    fragment = client.get("/initiatives/?q=reorder", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert_secure_headers(fragment)


def test_a_download_carries_the_policy(client_for, org):
    download = client_for(org.gabe).get(f"/people/{org.pia.pk}/readiness/promotion-case.md")
    assert download.status_code == 200
    assert_secure_headers(download)


def test_the_api_and_the_sign_in_page_carry_the_policy(client, org):
    secret = services.api_token_create(user=org.pia.user, name="script", scope="read").secret
    answer = client.get("/api/v1/initiatives", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    assert_secure_headers(answer)
    assert_secure_headers(client.get("/accounts/login/"))


def test_an_error_page_carries_the_policy(client_for, org):
    missing = client_for(org.pia).get("/initiatives/999999/")
    assert missing.status_code == 404
    assert_secure_headers(missing)


def templates() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.rglob("*.html")
        if path.relative_to(TEMPLATES).as_posix() not in NOT_SERVED
    )


# Django comments may say "<script>" or "style=" in prose; only markup counts.
COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}|<!--.*?-->", re.S)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize("template", templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_style_or_event_handlers(template):
    markup = COMMENT.sub("", template.read_text())
    assert not INLINE_SCRIPT.search(markup), "an inline <script>: move it to static/js/app.js"
    assert not INLINE_STYLE.search(markup), "inline style: use a class of static/css/"
    assert not EVENT_HANDLER.search(markup), "an on…= handler: listen in static/js/app.js"


def test_the_roadmap_stylesheet_has_the_charts_category_colours():
    css = (STATIC_CSS / "roadmap.css").read_text()
    for category, colour in CATEGORY_COLOURS.items():
        assert f".cat-{category} {{ --category: {colour}; }}" in css


def test_the_layout_classes_cover_every_quarter_and_percentage_a_page_draws():
    css = (STATIC_CSS / "app.css").read_text()
    for quarter in range(1, MAX_HORIZON_QUARTERS + 1):
        assert f".q-{quarter} {{ --quarters: {quarter}; }}" in css
        assert f".gc-{quarter} {{ grid-column-start: {quarter}; }}" in css
        assert f".gs-{quarter} {{ grid-column-end: span {quarter}; }}" in css
    for percent in range(101):
        assert f".w-{percent} {{ width: {percent}%; }}" in css
