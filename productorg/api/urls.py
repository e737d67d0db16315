"""The API's URLs: ninja's operations, with every answer JSON, 404 and 405 included."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, re_path

from productorg.api.api import api
from productorg.api.errors import NOT_FOUND

patterns, _, namespace = api.urls


def _json_refusals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ninja answers a method a path does not take with Django's empty 405, and its root page
    raises Http404 outside the API's handlers; say both in JSON."""

    @wraps(view)
    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _not_found(request)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        allowed = response.get("Allow", "")
        refusal = JsonResponse(
            {"detail": f"{request.method} is not allowed here; allowed: {allowed}."}, status=405
        )
        refusal["Allow"] = allowed
        return refusal

    return answer


def _not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """A path under /api/v1/ that names no operation: a JSON 404, not the site's page."""
    return JsonResponse({"detail": NOT_FOUND}, status=404)


def _api_pattern(pattern: URLPattern) -> URLPattern:
    view = _json_refusals(pattern.callback)
    # The API authenticates each request itself (token or session) and answers 401 in JSON:
    # the site-wide LoginRequiredMiddleware must not send its clients to the sign-in page.
    view.login_required = False  # type: ignore[attr-defined]
    return URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)


_not_found.login_required = False  # type: ignore[attr-defined]

app_name = namespace
urlpatterns = [
    *(_api_pattern(pattern) for pattern in patterns),
    re_path(r"^.*$", _not_found, name="not-found"),
]
