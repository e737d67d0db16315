"""Download endpoints: initiatives, objectives, the roadmap and a plan as CSV, XLSX or JSON.

Each answers to the same people as the page it mirrors; to anyone else it is a 404. The page's
query string comes along, so a download holds what the page shows."""

from __future__ import annotations

from io import BytesIO

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import re_path

from productorg.accounts import permissions
from productorg.interchange import exports, selectors
from productorg.pages import as_download


def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """One export as a dated attachment; the plan's scenario comes from `?scenario=<id>`."""
    if kind == "plan":
        if not permissions.can_plan(request.user):
            raise Http404
        scenario_id = request.GET.get("scenario", "")
        if scenario_id and not scenario_id.isdigit():
            raise Http404
        scenario = selectors.scenario_for_export(
            scenario_id=int(scenario_id) if scenario_id else None
        )
        if scenario is None:
            raise Http404
        try:
            data = selectors.plan_export(user=request.user, scenario=scenario)
        except selectors.NoPlanError as error:
            raise Http404(str(error)) from error
    else:
        if not permissions.can_see_portfolio(request.user):
            raise Http404
        data = selectors.portfolio_export(kind=kind, user=request.user, query=request.GET)
    if fmt == "xlsx":
        buffer = BytesIO()
        exports.write_xlsx(data, buffer)
        response: HttpResponse | StreamingHttpResponse = HttpResponse(
            buffer.getvalue(), content_type=exports.CONTENT_TYPES[fmt]
        )
    else:
        chunks = exports.csv_chunks(data) if fmt == "csv" else exports.json_chunks(data)
        response = StreamingHttpResponse(
            (chunk.encode() for chunk in chunks), content_type=exports.CONTENT_TYPES[fmt]
        )
    return as_download(response, filename=exports.filename(data, fmt))


urlpatterns = [
    re_path(
        r"^export/(?P<kind>initiatives|objectives|roadmap|plan)\.(?P<fmt>csv|xlsx|json)$",
        export,
        name="export",
    ),
]
