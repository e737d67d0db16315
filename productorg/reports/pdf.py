"""A report as a print-quality PDF (A4 or Letter) through WeasyPrint, with the same SVG charts
as the page. WeasyPrint fetches nothing but the app's own static files: a status text that
links an image on another server, or a file on this one, makes no request at all.

WeasyPrint lays out about thirty initiatives a second on one core, so a long report is laid
out in parts on every core at once, merged, and its pages numbered afterwards."""

from __future__ import annotations

import io
import logging
import mimetypes
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
)
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from productorg.reports.document import document_context

# The address the PDF's HTML is read from: a host that cannot exist (RFC 2606), so even a
# mistake in the fetcher could not reach a real server.
BASE_URL = "https://productorg.invalid/"
PAPERS = {"a4": "A4", "letter": "Letter"}
# From this many initiatives a PDF is laid out in parallel parts.
PARALLEL_FROM = 60
MAX_WORKERS = 4
GLANCE_ROWS_PER_PART = 100
DETAILS_PER_PART = 40

logger = logging.getLogger(__name__)


class FetchRefused(ValueError):
    """WeasyPrint asked for something outside the app's static files."""


def static_path(url: str) -> Path | None:
    """The file behind one of the app's own static URLs, or None for any other URL."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    if not parts.path.startswith(prefix):
        return None
    relative = unquote(parts.path[len(prefix) :])
    pure = PurePosixPath(relative)
    if not relative or pure.is_absolute() or ".." in pure.parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    in_root = Path(settings.STATIC_ROOT) / relative
    return in_root if in_root.is_file() else None


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's static files (through the staticfiles finders, else STATIC_ROOT) and
    refuses every other URL: http(s) elsewhere, file:, data:, ftp:, anything."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"https"}, allow_redirects=False)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        path = static_path(url)
        if path is None:
            self.refused.append(url)
            logger.info("A report's PDF asked for %s; refused.", url[:200])
            raise FetchRefused(f"Only the app's static files are served to reports: {url[:200]}")
        self.served.append(url)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, path.read_bytes(), headers={"Content-Type": mime_type}, status=200
        )


def report_html_for_pdf(snapshot: dict, *, paper: str = "a4", inline_css: str = "") -> str:
    """The standalone HTML of the printed report: no navigation, print CSS only (linked from
    the static files, or inlined when given)."""
    return _html(document_context(snapshot), paper=paper, inline_css=inline_css)


def _html(context: dict, *, paper: str, inline_css: str = "", part: dict | None = None) -> str:
    return render_to_string(
        "reports/report_pdf.html",
        {**context, "paper": PAPERS.get(paper, "A4"), "inline_css": inline_css, **(part or {})},
    )


def _render(html: str, fetcher: URLFetcher | None = None) -> bytes:
    return HTML(
        string=html, base_url=BASE_URL, url_fetcher=fetcher or StaticOnlyFetcher()
    ).write_pdf()


def _parts(initiatives: list[dict]) -> list[dict]:
    """The report cut into parts of about a second's layout each, in document order: the
    summary with the first rows of the glance table, its further rows, the charts, then the
    initiatives' details a few dozen at a time."""
    rows = [
        initiatives[start : start + GLANCE_ROWS_PER_PART]
        for start in range(0, len(initiatives), GLANCE_ROWS_PER_PART)
    ]
    nothing = {
        "show_head": False,
        "glance_rows": [],
        "show_charts": False,
        "show_key_results": False,
        "detail_initiatives": [],
        "show_details_heading": False,
        # A link to a detail in another part would point nowhere.
        "glance_links": False,
        "unnumbered": True,
    }
    parts = [{**nothing, "show_head": True, "glance_rows": rows[0]}]
    parts += [{**nothing, "glance_rows": more} for more in rows[1:]]
    parts.append({**nothing, "show_charts": True})
    parts.append({**nothing, "show_key_results": True})
    for start in range(0, len(initiatives), DETAILS_PER_PART):
        parts.append(
            {
                **nothing,
                "detail_initiatives": initiatives[start : start + DETAILS_PER_PART],
                "show_details_heading": start == 0,
            }
        )
    return parts


# The footer of a report laid out in parts, drawn on each page afterwards: PDF's built-in
# Helvetica needs no embedding, and appending a content stream needs no parsing of the page.
FOOTER_FONT_SIZE = 8.5
FOOTER_GREY = "0.4 0.4 0.4 rg"
MM = 72 / 25.4


def _footer_stream(writer: PdfWriter, number: int, pages: int, width: float) -> IndirectObject:
    right = f"Page {number} of {pages}"
    # Helvetica's digits and most letters are about half an em wide: close enough to align
    # the right-hand text with the margin, which is all a footer needs.
    right_x = width - 16 * MM - len(right) * FOOTER_FONT_SIZE * 0.52
    content = (
        f"BT /PORFooter {FOOTER_FONT_SIZE} Tf {FOOTER_GREY} {16 * MM:.2f} {10 * MM:.2f} Td "
        f"(ProductOrg \267 leadership report) Tj ET "
        f"BT /PORFooter {FOOTER_FONT_SIZE} Tf {FOOTER_GREY} {right_x:.2f} {10 * MM:.2f} Td "
        f"({right}) Tj ET"
    )
    stream = DecodedStreamObject()
    stream.set_data(content.encode("latin-1"))
    return writer._add_object(stream)


def _merged_and_numbered(pieces: list[bytes]) -> bytes:
    """The parts as one PDF, with the footer every page of a one-piece report has."""
    writer = PdfWriter()
    for piece in pieces:
        writer.append(PdfReader(io.BytesIO(piece)))
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    save, restore = (writer._add_object(_stream(text)) for text in (b"q", b"Q"))
    pages = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        contents = page.get("/Contents")
        existing = (
            list(contents.get_object())
            if isinstance(contents.get_object(), ArrayObject)
            else [contents]
        )
        footer = _footer_stream(writer, number, pages, float(page.mediabox.width))
        # The page's own drawing is wrapped in q/Q, so whatever state it leaves does not
        # move the footer.
        page[NameObject("/Contents")] = ArrayObject([save, *existing, restore, footer])
        resources = page["/Resources"].get_object()
        fonts = resources.get("/Font")
        if fonts is None:
            fonts = DictionaryObject()
            resources[NameObject("/Font")] = fonts
        fonts.get_object()[NameObject("/PORFooter")] = font
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


# What a forked worker lays out: set once per worker, before its first part.
_WORKER_STATE: dict = {}


def _part_worker_setup(context: dict, parts: list[dict], paper: str) -> None:
    _WORKER_STATE.update(context=context, parts=parts, paper=paper)


def _part_render(index: int) -> bytes:
    state = _WORKER_STATE
    return _render(_html(state["context"], paper=state["paper"], part=state["parts"][index]))


def report_pdf(snapshot: dict, *, paper: str = "a4", fetcher: URLFetcher | None = None) -> bytes:
    """The report as PDF bytes on A4 (default) or Letter paper."""
    count = len(snapshot["initiatives"])
    workers = min(MAX_WORKERS, os.cpu_count() or 1)
    if fetcher is not None or count < PARALLEL_FROM or workers < 2:
        return _render(report_html_for_pdf(snapshot, paper=paper), fetcher)
    context = document_context(snapshot)
    parts = _parts(context["initiatives"])
    # The costliest parts first (the charts, then the rest in order), so no core is left with
    # a big one at the end; the pieces are put back in document order after.
    order = sorted(
        range(len(parts)),
        key=lambda index: not (parts[index]["show_charts"] or parts[index]["show_key_results"]),
    )
    # Forked workers inherit the context and lay out their parts: no database, no request.
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_part_worker_setup,
        initargs=(context, parts, paper),
    ) as pool:
        laid_out = dict(zip(order, pool.map(_part_render, order), strict=True))
    pieces = [laid_out[index] for index in range(len(parts))]
    return _merged_and_numbered(pieces)
