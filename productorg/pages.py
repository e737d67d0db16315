"""What pages of every app share."""

from __future__ import annotations

from django.http import HttpRequest


def htmx_partial(request: HttpRequest, page: str, partial: str) -> str:
    """The page, or only its swappable region for an htmx request that is not boosted."""
    if request.htmx and not request.htmx.boosted:
        return f"{page}#{partial}"
    return page
