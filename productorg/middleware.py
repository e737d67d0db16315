"""Project middleware: what every page the app renders answers besides its content."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers
from django_htmx.http import HttpResponseClientRedirect


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


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` on every response: no page of ours uses the camera, microphone,
    location or payments, so nothing injected into one may either. Django has no setting for
    it (SecurityMiddleware covers Referrer-Policy, COOP and nosniff)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# Session keys: when the session signed in, and when it last made a request (epoch seconds).
SESSION_STARTED_KEY = "_session_started"
SESSION_SEEN_KEY = "_session_seen"
# The last-activity stamp is written at most this often, so a busy user costs one session
# write a minute, not one per request (SESSION_SAVE_EVERY_REQUEST would write every time).
ACTIVITY_RESOLUTION_SECONDS = 60


class SessionTimeoutMiddleware:
    """Signs out a session idle for SESSION_IDLE_TIMEOUT or older than SESSION_COOKIE_AGE.

    Django's own expiry alone would not do: writing the activity stamp renews the cookie's
    age, so without the start stamp a session in use would never end. After the sign-out the
    request goes on as anonymous: LoginRequiredMiddleware sends a page to the sign-in page and
    the API answers 401; an htmx request is told to load the sign-in page as a whole
    (HX-Redirect), coming back to the page the user was on, rather than swap it into a fragment.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and self._expired(request):
            logout(request)
            htmx = getattr(request, "htmx", None)
            if htmx:
                back_to = htmx.current_url_abs_path or "/"
                return HttpResponseClientRedirect(
                    f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back_to})}"
                )
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest) -> bool:
        session = request.session
        now = int(time.time())
        started = session.get(SESSION_STARTED_KEY)
        if started is None:
            # Just signed in (by any path: the sign-in page, Django admin, a test's
            # force_login). Its sign-in time is the user's last_login, so the first pages
            # after signing in need no session write; the stamps come with the first one due.
            last_login = request.user.last_login
            started = int(last_login.timestamp()) if last_login else now
        seen = session.get(SESSION_SEEN_KEY, started)
        if now - started > settings.SESSION_COOKIE_AGE:
            return True
        if now - seen > settings.SESSION_IDLE_TIMEOUT.total_seconds():
            return True
        if now - seen >= ACTIVITY_RESOLUTION_SECONDS:
            session[SESSION_STARTED_KEY] = started
            session[SESSION_SEEN_KEY] = now
        return False
