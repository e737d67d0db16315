"""Project middleware: what every response carries besides its content (caching, policies),
how large a request body it takes, and when a session ends."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.urls import Resolver404, ResolverMatch, resolve
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


# Room beside an upload's file for the form's other fields and the multipart boundaries.
FORM_FIELDS_ALLOWANCE = 256 * 1024


@dataclass(frozen=True)
class UploadLimit:
    """What a view that takes a file accepts: `max_bytes()` is read at request time (so a
    changed setting holds); `command` is the CLI command that takes a larger file, formatted
    with the URL's arguments."""

    max_bytes: Callable[[], int]
    command: str = ""


def takes_upload(
    max_bytes: Callable[[], int], *, command: str = ""
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Let this view take a body of one file up to `max_bytes()` (every other request is
    held to DATA_UPLOAD_MAX_MEMORY_SIZE by RequestBodyLimitMiddleware)."""

    def mark(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        view.upload_limit = UploadLimit(max_bytes, command)  # type: ignore[attr-defined]
        return view

    return mark


class _BodyCap(FileUploadHandler):
    """Stops reading files once they add up to more than the request may carry: under
    WSGI Django reads no more than Content-Length, which the middleware has checked, but a
    server that hands over a body without one (or with a wrong one) is held here too.
    StopUpload closes (and so deletes) the temporary file written so far."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class RequestBodyLimitMiddleware:
    """Answers 413 to a body larger than its view takes, before anything reads it.

    A view marked with `takes_upload` takes its file plus FORM_FIELDS_ALLOWANCE, every other
    request DATA_UPLOAD_MAX_MEMORY_SIZE. The Content-Length is checked first; then a form
    with files is read here, under a cap on its files, so that neither the CSRF check nor the
    view reads a body of 100 MB onto the disk before a form refuses it. Runs before the
    session and CSRF middleware for that reason; the API answers in JSON.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            match: ResolverMatch | None = resolve(request.path_info)
        except Resolver404:
            match = None
        upload: UploadLimit | None = getattr(match.func, "upload_limit", None) if match else None
        limit = (
            upload.max_bytes() + FORM_FIELDS_ALLOWANCE
            if upload
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if _content_length(request) > limit:
            return _too_large(request, match, upload, limit)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            cap = _BodyCap(request, limit)
            request.upload_handlers.insert(0, cap)
            # The API takes JSON only: a form sent to it is left for ninja, whose errors are
            # the API's JSON, rather than refused here on the site's HTML 400 page.
            if not _is_api(match):
                request.FILES  # noqa: B018 - read the body now, under the cap
                if cap.exceeded:
                    return _too_large(request, match, upload, limit)
        return self.get_response(request)


def _content_length(request: HttpRequest) -> int:
    # Django itself reads a missing or malformed Content-Length as an empty body.
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def api_too_large_detail(limit: int) -> str:
    """The API's reason for a 413 (here, and from a body Django itself found too large)."""
    return f"The request body is larger than the API takes ({_megabytes(limit)})."


def _megabytes(size: int) -> str:
    # 20 MB, 2.5 MB, 1.91 MB: as the setting reads, without float noise.
    return f"{size / (1024 * 1024):.2f}".rstrip("0").rstrip(".") + " MB"


def _is_api(match: ResolverMatch | None) -> bool:
    return match is not None and "api" in match.namespaces


def _too_large(
    request: HttpRequest, match: ResolverMatch | None, upload: UploadLimit | None, limit: int
) -> HttpResponse:
    if _is_api(match):
        return JsonResponse({"detail": api_too_large_detail(limit)}, status=413)
    context = {
        "upload_limit": _megabytes(upload.max_bytes()) if upload else "",
        "command": upload.command.format(**match.kwargs) if upload and match else "",
        "limit": _megabytes(limit),
    }
    # Drawn without the request, like Django's 400 and 500 pages: no session or user yet.
    return HttpResponse(render_to_string("413.html", context), status=413)


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
