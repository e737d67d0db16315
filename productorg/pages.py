"""What pages of every app share."""

from __future__ import annotations

from typing import TypeVar

from django.http import HttpRequest, HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.text import slugify

ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


def htmx_partial(request: HttpRequest, page: str, partial: str) -> str:
    """The page, or only its swappable region for an htmx request that is not boosted."""
    if request.htmx and not request.htmx.boosted:
        return f"{page}#{partial}"
    return page


def as_download(response: ResponseT, *, filename: str, inline: bool = False) -> ResponseT:
    """The response named `filename`, saved as a file (or shown in the browser with `inline`).

    Django's header builder quotes the name and encodes a non-ASCII one (RFC 6266), so a
    person's or survey's name in the file name never breaks the header."""
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def file_stem(*parts: object) -> str:
    """A file name's stem from its parts: lower case, words joined by dashes, letters of any
    alphabet kept (no slash, quote or dot can reach the name)."""
    return "-".join(filter(None, (slugify(str(part), allow_unicode=True) for part in parts)))
