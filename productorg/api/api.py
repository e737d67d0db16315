"""The JSON API: one NinjaAPI under /api/v1/, its authentication, errors and resources.

OpenAPI at /api/v1/openapi.json, the interactive page at /api/v1/docs (ninja's bundled
Swagger UI, served from /static/ninja/: no CDN).
"""

from __future__ import annotations

from ninja import NinjaAPI

from productorg.api.auth import ApiTokenAuth, SignedInSession
from productorg.api.errors import exception_handlers_add
from productorg.api.routers import growth, one_on_ones, org, planning, strategy

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
    auth=[ApiTokenAuth(), SignedInSession()],
)
exception_handlers_add(api)

api.add_router("/", strategy.router)
api.add_router("/", org.router)
api.add_router("/", one_on_ones.router)
api.add_router("/", growth.router)
api.add_router("/", planning.router)
