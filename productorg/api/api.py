"""The JSON API: one NinjaAPI under /api/v1/, its authentication, errors and resources.

OpenAPI at /api/v1/openapi.json, the interactive page at /api/v1/docs (ninja's bundled
Swagger UI, served from /static/ninja/: no CDN).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI

from productorg.accounts.services import ApiTokenRejected
from productorg.api.auth import ApiTokenAuth, SignedInSession
from productorg.api.errors import UNAUTHENTICATED, exception_handlers_add
from productorg.api.routers import growth, one_on_ones, org, planning, strategy


def docs_signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and /docs need a session or a token unless API_DOCS_PUBLIC (development):
    the schema lists every operation, which is nobody's business before signing in. The page
    sends a browser to sign in; the schema answers a JSON 401, as the API does."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if settings.API_DOCS_PUBLIC or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        try:
            if ApiTokenAuth()(request):
                return view(request, *args, **kwargs)
        except ApiTokenRejected as error:
            return JsonResponse({"detail": error.message}, status=401)
        if request.path.endswith(".json"):
            return JsonResponse({"detail": UNAUTHENTICATED}, status=401)
        return redirect_to_login(request.get_full_path())

    return guarded


api = NinjaAPI(
    title="ProductOrg API",
    version="1",
    description=(
        "The portfolio, strategy, people data and plans of a ProductOrg installation, with "
        "the same permission rules as its pages. Authenticate with a personal API token "
        "(`Authorization: Bearer po_…`, made on your profile page) or the browser session. "
        "Lists take `limit` (at most 200) and `offset` and answer `{items, count}`; every "
        'refusal is JSON `{"detail": "…"}`; an object you may not see is a 404.'
    ),
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=docs_signed_in,
    auth=[ApiTokenAuth(), SignedInSession()],
)
exception_handlers_add(api)

api.add_router("/", strategy.router)
api.add_router("/", org.router)
api.add_router("/", one_on_ones.router)
api.add_router("/", growth.router)
api.add_router("/", planning.router)
