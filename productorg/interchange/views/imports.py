"""The import pages: choose a source, upload, map columns and teams, read the dry run, import.

Leaders import initiatives, admins people and teams; to anyone else every page is a 404, and a
run is its uploader's alone."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from productorg.interchange import selectors, services
from productorg.interchange.forms import ColumnsForm, RunOptionsForm, TeamMapForm, UploadForm
from productorg.interchange.importers import mapped
from productorg.interchange.importers.report import Action, ImportReport
from productorg.interchange.models import ImportRun, ImportTarget
from productorg.middleware import takes_upload
from productorg.pages import form_status, htmx_partial
from productorg.strategy.models import WorkCategory

RUN = "interchange/import_run.html"
ROWS_SHOWN = 500
# A queued run nobody picked up this long: the worker is probably not running.
NO_WORKER = dt.timedelta(seconds=30)
# A running import writes its progress at least every second while it reads; this long
# without a write, its worker has gone (restarted or killed) and it will not finish.
STALLED = dt.timedelta(minutes=10)


def import_home(request: HttpRequest) -> HttpResponse:
    choices = selectors.import_choices(user=request.user)
    if not choices:
        raise Http404
    runs = selectors.import_runs_recent(user=request.user)
    return render(request, "interchange/import_home.html", {"choices": choices, "runs": runs})


@takes_upload(
    lambda: settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024,
    command="productorg import {source} FILE",
)
def import_upload(request: HttpRequest, source: str) -> HttpResponse:
    choice = _choice_or_404(request, source)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        source=source,
        targets=choice.targets,
        initial_options=services.import_profile_options(source=source),
    )
    if request.method == "POST" and form.is_valid():
        run = services.import_run_create(
            source=source,
            target=form.cleaned_data["target"],
            upload=form.cleaned_data["file"],
            options=form.options(),
            user=request.user,
            form_token=form.cleaned_data["form_token"],
        )
        return redirect("interchange:import-run", run.pk)
    context = {"choice": choice, "form": form}
    return render(
        request, "interchange/import_upload.html", context, status=form_status(request, form)
    )


def import_columns(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(request, run_id)
    if run.status not in {ImportRun.Status.COLUMNS, ImportRun.Status.CHECKED} or not (
        services.needs_columns(run.source)
    ):
        return redirect("interchange:import-run", run.pk)
    columns = selectors.import_run_columns(import_run=run)
    presets = mapped.mapping_presets_for(source=run.source, target=run.target)
    form = ColumnsForm(
        request.POST or None,
        mapping_fields=mapped.mapping_fields(run.target),
        columns=columns,
        initial=_columns_initial(request, run, columns, presets),
    )
    if request.method == "POST" and form.is_valid():
        services.import_run_columns_set(
            import_run=run,
            columns=form.columns(),
            preset_name=form.cleaned_data["save_as"],
            user=request.user,
        )
        return redirect("interchange:import-run", run.pk)
    context = {"run": run, "form": form, "presets": presets, "columns": columns}
    return render(
        request, "interchange/import_columns.html", context, status=form_status(request, form)
    )


def _columns_initial(request, run: ImportRun, columns: list[str], presets) -> dict[str, str]:
    chosen = next((p for p in presets if str(p.pk) == request.GET.get("preset")), None)
    if chosen is not None:
        mapping = chosen.columns
    elif run.options.get("columns"):
        mapping = run.options["columns"]
    else:
        mapping = mapped.suggest_columns(target=run.target, header_names=columns, source=run.source)
    return {f"column_{name}": column for name, column in mapping.items() if column in columns}


def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(request, run_id)
    if run.status == ImportRun.Status.COLUMNS:
        # The worker has read the file's columns: on to choosing them (the poll too).
        columns_url = reverse("interchange:import-columns", args=[run.pk])
        if request.htmx:
            return HttpResponseClientRedirect(columns_url)
        return redirect(columns_url)
    show = request.GET.get("show", "all")
    context = {"run": run, "show": show, **_run_context(run, show)}
    return render(request, htmx_partial(request, RUN, "run"), context)


def _run_context(run: ImportRun, show: str) -> dict:
    active = run.status in {ImportRun.Status.QUEUED, ImportRun.Status.RUNNING}
    context: dict = {"active": active, "reading_columns": services.wants_header(run)}
    if active:
        quiet_for = timezone.now() - run.updated_at
        context["percent"] = round(100 * run.done / run.total) if run.total else 0
        context["no_worker"] = run.status == ImportRun.Status.QUEUED and quiet_for > NO_WORKER
        context["stalled"] = run.status == ImportRun.Status.RUNNING and quiet_for > STALLED
        return context
    if run.report is None:
        return context
    report = ImportReport.from_json(run.report)
    rows = report.outcomes if show == "all" else [o for o in report.outcomes if o.action == show]
    context.update(
        report=report,
        counts=report.counts,
        rows=rows[:ROWS_SHOWN],
        rows_hidden=max(0, len(rows) - ROWS_SHOWN),
        filters=[("all", "All rows", len(report.outcomes))]
        + [(action.value, action.label, report.counts[action.value]) for action in Action],
        team_forms=[
            (field, TeamMapForm(values=values, prefix=f"map{index}"))
            for index, (field, values) in enumerate(report.unmapped.items())
            if values
        ],
        options_form=RunOptionsForm(options=run.options, target=run.target)
        if run.status == ImportRun.Status.CHECKED
        else None,
        is_initiatives=run.target == ImportTarget.INITIATIVES,
        options_summary=_options_summary(run),
    )
    return context


def _options_summary(run: ImportRun) -> str:
    """The options the dry run read the file with, in a sentence."""
    options = run.options or {}
    said = [f"Numbers read with the decimal mark “{options.get('decimal_mark') or '.'}”."]
    if run.target != ImportTarget.INITIATIVES:
        return " ".join(said)
    column = options.get("category_column") or (options.get("columns") or {}).get("category")
    default = dict(WorkCategory.choices).get(options.get("default_category") or "")
    said.append(
        (f"Work category from {column}" if column else "No work category column")
        + (
            f"; rows without one get {default} (marked default)."
            if default
            else "; rows without one get none (pick a default below to give them one)."
        )
    )
    return " ".join(said)


@require_POST
def import_teams(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(request, run_id)
    report = ImportReport.from_json(run.report) if run.report else None
    unmapped = [(field, values) for field, values in (report.unmapped.items() if report else [])]
    index = request.POST.get("index", "")
    if not index.isdigit() or int(index) >= len(unmapped):
        messages.error(request, "There are no unmapped teams to map in this import.")
        return redirect("interchange:import-run", run.pk)
    field, values = unmapped[int(index)]
    form = TeamMapForm(request.POST, values=values, prefix=f"map{index}")
    if not form.is_valid():
        messages.error(request, "Choose a team (or “No team”) for every value.")
        return redirect("interchange:import-run", run.pk)
    try:
        services.import_run_teams_map(import_run=run, field=field, mapping=form.mapping())
    except services.ImportRefused as error:
        messages.error(request, error.message)
    return redirect("interchange:import-run", run.pk)


@require_POST
def import_options(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(request, run_id)
    form = RunOptionsForm(request.POST, options=run.options, target=run.target)
    if not form.is_valid():
        messages.error(request, "Choose a decimal mark and a work category (or leave it unchosen).")
        return redirect("interchange:import-run", run.pk)
    try:
        services.import_run_options_set(import_run=run, options=form.options())
    except services.ImportRefused as error:
        messages.error(request, error.message)
    return redirect("interchange:import-run", run.pk)


@require_POST
def import_confirm(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(request, run_id)
    try:
        services.import_run_confirm(import_run=run)
    except services.ImportRefused as error:
        messages.error(request, error.message)
    return redirect("interchange:import-run", run.pk)


def _choice_or_404(request: HttpRequest, source: str) -> selectors.ImportChoice:
    for choice in selectors.import_choices(user=request.user):
        if choice.source == source:
            return choice
    raise Http404


def _run_or_404(request: HttpRequest, run_id: int) -> ImportRun:
    run = selectors.import_run_for(user=request.user, import_run_id=run_id)
    if run is None or not selectors.import_choices(user=request.user):
        raise Http404
    return run


urlpatterns = [
    path("import/", import_home, name="import-home"),
    path("import/<slug:source>/", import_upload, name="import-upload"),
    path("import/runs/<int:run_id>/", import_run, name="import-run"),
    path("import/runs/<int:run_id>/columns/", import_columns, name="import-columns"),
    path("import/runs/<int:run_id>/teams/", import_teams, name="import-teams"),
    path("import/runs/<int:run_id>/options/", import_options, name="import-options"),
    path("import/runs/<int:run_id>/confirm/", import_confirm, name="import-confirm"),
]
