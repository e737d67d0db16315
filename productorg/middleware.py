"""Project middleware: what every page the app renders answers besides its content."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Every response past the static files says `Cache-Control: no-store, private`.

    Pages carry people data and change in place through htmx, so no copy may be kept: a shared
    cache must not hand one person's page to another, and the browser must not show a page
    from its cache on Back or Forward, where the stale forms then refused the user's own save
    as someone else's. Downloads (exports, PDFs, backups) are covered too. Static files never
    get here: WhiteNoise, before this, answers them with their own long-lived headers. A view
    that decides its own Cache-Control keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
