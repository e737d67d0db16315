from __future__ import annotations

import io
import socket
import urllib.request

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from productorg.reports.pdf import BASE_URL, StaticOnlyFetcher, report_pdf, static_path
from productorg.reports.selectors import leadership_report_data
from productorg.reports.tests.portfolio import portfolio_create
from productorg.strategy.models import StatusUpdate


@pytest.fixture
def no_network(monkeypatch):
    """Records every attempt to open a URL or a socket (none is expected)."""
    attempts: list[str] = []

    def refuse_connect(self, address):
        attempts.append(f"socket {address}")
        raise OSError("no network in tests")

    def refuse_open(self, url, *args, **kwargs):
        attempts.append(f"urlopen {getattr(url, 'full_url', url)}")
        raise OSError("no network in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse_open)
    return attempts


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_is_a_valid_pdf_holding_every_initiative_title(org):
    work = portfolio_create(org)
    content = report_pdf(leadership_report_data(period=work.quarter, today=work.today))
    assert content.startswith(b"%PDF-")
    reader, text = pdf_text(content)
    assert len(reader.pages) >= 2
    for title in ("Checkout revamp", "Search relevance"):
        assert title in text
    assert f"Leadership report {work.quarter}" in text
    assert "Page 1 of" in text


@pytest.mark.parametrize(("paper", "width_mm"), [("a4", 210), ("letter", 215.9)])
def test_the_pdf_comes_on_a4_or_letter_paper(org, paper, width_mm):
    work = portfolio_create(org)
    content = report_pdf(leadership_report_data(period=work.quarter, today=work.today), paper=paper)
    reader, _ = pdf_text(content)
    width_points = float(reader.pages[0].mediabox.width)
    assert width_points == pytest.approx(width_mm / 25.4 * 72, abs=1)


def test_links_to_images_in_a_status_text_make_no_fetch_and_the_pdf_still_renders(org, no_network):
    work = portfolio_create(org)
    StatusUpdate.objects.create(
        initiative=work.revamp,
        date=work.today,
        health="red",
        progress=50,
        summary="See ![x](http://example.com/a.png) and <img src=file:///etc/passwd> here.",
    )
    fetcher = StaticOnlyFetcher()
    snapshot = leadership_report_data(period=work.quarter, today=work.today)
    content = report_pdf(snapshot, fetcher=fetcher)
    _, text = pdf_text(content)
    assert "Checkout revamp" in text
    assert no_network == []
    assert not any("example.com" in url or url.startswith("file:") for url in fetcher.served)
    # The app's own stylesheet is the one thing served.
    assert [url.rsplit("/", 1)[-1] for url in fetcher.served] == ["reports.css"]


def test_the_fetcher_refuses_every_url_but_the_apps_static_files(db, no_network):
    fetcher = StaticOnlyFetcher()
    html = (
        '<link rel="stylesheet" href="/static/css/reports.css">'
        '<img src="http://example.com/a.png"><img src="file:///etc/passwd">'
        '<img src="https://productorg.invalid/static/../../settings.py">'
        '<img src="data:image/png;base64,iVBORw0KGgo=">'
        '<img src="https://example.com/static/css/reports.css"><p>Still renders</p>'
    )
    content = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
    assert content.startswith(b"%PDF-")
    assert len(fetcher.refused) == 5
    assert fetcher.served == [f"{BASE_URL}static/css/reports.css"]
    assert no_network == []


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/a.png",
        "file:///etc/passwd",
        "https://productorg.invalid/etc/passwd",
        "https://productorg.invalid/static/../secret_key",
        "https://productorg.invalid/static/%2e%2e/secret_key",
        "https://productorg.invalid/static/",
        "ftp://productorg.invalid/static/css/reports.css",
    ],
)
def test_no_url_outside_the_static_files_maps_to_a_file(url):
    assert static_path(url) is None


def test_a_static_url_maps_to_the_apps_own_file():
    path = static_path(f"{BASE_URL}static/css/reports.css")
    assert path is not None and path.name == "reports.css" and path.is_file()


def test_a_long_report_is_laid_out_in_parts_and_numbered_as_one(org):
    from productorg.factories import InitiativeFactory
    from productorg.reports.pdf import PARALLEL_FROM
    from productorg.strategy.models import InitiativeEffort

    work = portfolio_create(org)
    for number in range(PARALLEL_FROM):
        initiative = InitiativeFactory(
            title=f"Long report item {number:02}",
            team=org.billing,
            start_quarter=work.quarter,
            status="in_progress",
        )
        for team in (org.billing, org.search):
            InitiativeEffort.objects.create(initiative=initiative, team=team, effort=2)
    snapshot = leadership_report_data(period=work.quarter, today=work.today)
    reader, text = pdf_text(report_pdf(snapshot))
    pages = len(reader.pages)
    flat = text.replace("\n", " ")
    for entry in snapshot["initiatives"]:
        assert entry["title"] in flat
    assert "Page 1 of" in text and f"Page {pages} of {pages}" in text
