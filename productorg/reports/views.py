"""The Reports pages: the list with its New report form, a report (page, PDF, Markdown), and
the comparison of two reports. Every signed-in role reads; leaders make reports."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path

from productorg.accounts import permissions
from productorg.pages import as_download, file_stem, form_status
from productorg.paging import page_of
from productorg.reports import selectors, services
from productorg.reports.document import changes_context, document_context
from productorg.reports.forms import CompareForm, ReportForm
from productorg.reports.markdown import report_markdown
from productorg.reports.models import LeadershipReport
from productorg.reports.pdf import PAPERS, report_pdf

REPORTS_PER_PAGE = 25


def _report_or_404(request: HttpRequest, report_id: int) -> LeadershipReport:
    report = selectors.report_detail(user=request.user, report_id=report_id)
    if report is None:
        raise Http404
    return report


def _filename(report: LeadershipReport, extension: str) -> str:
    """`leadership-report-2027-q1-2027-03-31.md`: the period and the date its status is from."""
    return f"{file_stem('leadership-report', report.period, report.as_of)}.{extension}"


def report_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_reports(request.user):
        raise Http404
    can_write = permissions.can_write_reports(request.user)
    form = ReportForm(request.POST or None) if can_write else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                report = services.leadership_report_create(
                    period=form.cleaned_data["period"],
                    scope=form.report_scope(),
                    created_by=request.user,
                    form_token=form.cleaned_data["form_token"],
                )
            except selectors.ReportError as error:
                form.add_report_error(error)
            else:
                messages.success(request, f"Leadership report {report.period} saved.")
                return redirect("reports:report-detail", report.pk)
    reports = selectors.reports_visible_to(user=request.user)
    page = page_of(reports, REPORTS_PER_PAGE, request.GET.get("page"))
    context = {"page": page, "form": form, "can_write": can_write}
    return render(request, "reports/report_list.html", context, status=form_status(request, form))


def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report_or_404(request, report_id)
    others = selectors.reports_visible_to(user=request.user).exclude(pk=report.pk)[:50]
    return render(
        request,
        "reports/report_detail.html",
        {"report": report, "others": others, **document_context(report.snapshot)},
    )


def report_pdf_download(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report_or_404(request, report_id)
    paper = request.GET.get("paper", "a4").lower()
    if paper not in PAPERS:
        return HttpResponseBadRequest("paper: choose a4 or letter.", content_type="text/plain")
    response = HttpResponse(
        report_pdf(report.snapshot, paper=paper), content_type="application/pdf"
    )
    # Shown in the browser's viewer by default; `?download=1` saves it as a file.
    inline = request.GET.get("download") != "1"
    return as_download(response, filename=_filename(report, "pdf"), inline=inline)


def report_markdown_download(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report_or_404(request, report_id)
    response = HttpResponse(
        report_markdown(report.snapshot), content_type="text/markdown; charset=utf-8"
    )
    # A browser shows text/markdown inline as raw text; the reader wants the file.
    return as_download(response, filename=_filename(report, "md"))


def report_compare(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_reports(request.user):
        raise Http404
    form = CompareForm(request.GET or None)
    changes, pair = None, None
    if form.is_valid():
        earlier, later = form.cleaned_data["a"], form.cleaned_data["b"]
        # Loaded with their snapshots only now: the form's choices leave them out.
        pair = [_report_or_404(request, earlier.pk), _report_or_404(request, later.pk)]
        changes = changes_context(
            selectors.snapshot_diff(before=pair[0].snapshot, after=pair[1].snapshot)
        )
    return render(request, "reports/compare.html", {"form": form, "changes": changes, "pair": pair})


urlpatterns = [
    path("reports/", report_list, name="report-list"),
    path("reports/compare/", report_compare, name="report-compare"),
    path("reports/<int:report_id>/", report_detail, name="report-detail"),
    path("reports/<int:report_id>.pdf", report_pdf_download, name="report-pdf"),
    path("reports/<int:report_id>.md", report_markdown_download, name="report-markdown"),
]
