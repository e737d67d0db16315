"""Imports: remembered settings per source, and the one entry point every face calls."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from productorg import once
from productorg.accounts.models import User
from productorg.interchange.importers.reading import ReadError
from productorg.interchange.importers.report import ImportReport, Progress, no_progress
from productorg.interchange.models import ImportProfile, ImportRun
from productorg.people.models import Team
from productorg.strategy.models import ImportSource


def import_profile_options(*, source: str) -> dict[str, Any]:
    """The options last used for this source's imports ({} the first time)."""
    profile = ImportProfile.objects.filter(source=source).first()
    return dict(profile.options) if profile else {}


def import_profile_save(*, source: str, options: dict[str, Any]) -> ImportProfile:
    """Remember options for the next import from this source."""
    profile, _ = ImportProfile.objects.update_or_create(
        source=source, defaults={"options": options}
    )
    return profile


def remembered_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """The options a source remembers: all but a mapped file's columns, which presets keep."""
    return {name: value for name, value in options.items() if name not in {"columns", "preset"}}


def import_file(
    *,
    source: str,
    target: str,
    file: IO[bytes],
    name: str,
    options: dict[str, Any],
    dry_run: bool,
    user: User | None,
    progress: Progress = no_progress,
    team_mapping: Mapping[str, Team | None] | None = None,
) -> ImportReport:
    """Read an export with the importer for its source and, unless a dry run, apply it.

    `team_mapping` (team value → team) answers before the remembered mappings. Raises
    ReadError when the file is not a table the importer can read at all, ValueError for
    options it cannot take.
    """
    # Imported here: each importer pulls in only what its own format needs.
    from productorg.interchange.importers import jira, linear, mapped

    common = {
        "file": file,
        "name": name,
        "options": options,
        "dry_run": dry_run,
        "user": user,
        "progress": progress,
        "team_mapping": team_mapping,
    }
    if source == ImportSource.JIRA:
        return jira.jira_import(**common)
    if source == ImportSource.LINEAR:
        return linear.linear_import(**common)
    return mapped.mapped_import(source=source, target=target, **common)


class ImportRefused(Exception):
    """An import step that cannot be taken now; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# How long an upload that was never confirmed is kept before its file is removed.
ABANDONED_AFTER = dt.timedelta(days=7)
PROGRESS_INTERVAL_S = 0.5
UNEXPECTED = "The import stopped on an unexpected error; nothing was written."


def needs_columns(source: str) -> bool:
    """Whether the user maps columns first: every source but Jira and Linear follows its
    user's columns."""
    return source not in {ImportSource.JIRA, ImportSource.LINEAR}


def import_run_create(
    *,
    source: str,
    target: str,
    upload: File,
    options: dict[str, Any],
    user: User,
    form_token: uuid.UUID | None = None,
) -> ImportRun:
    """Keep the upload and queue its dry run (or wait for its columns to be chosen). The same
    form token twice (a double-clicked Upload) gives back the first run, its file kept once."""
    earlier = once.created_before(ImportRun, user_id=user.pk, token=form_token)
    if earlier is not None:
        return earlier
    _abandoned_runs_prune()
    directory = Path(settings.IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.name or "").suffix.lower()[:10]
    stored = directory / f"{uuid.uuid4().hex}{suffix if suffix.isascii() else ''}"
    with stored.open("wb") as destination:
        for chunk in upload.chunks():
            destination.write(chunk)
    # Even a file that waits for its columns is read by the worker (its header), never here:
    # the web process does not open uploads (a hostile workbook costs the worker alone).
    status = ImportRun.Status.QUEUED

    def create(stored_token: uuid.UUID | None) -> ImportRun:
        run = ImportRun.objects.create(
            source=source,
            target=target,
            filename=Path(upload.name or "upload").name[:255],
            stored_file=str(stored),
            size=stored.stat().st_size,
            options=options,
            status=status,
            requested_by=user,
            form_token=stored_token,
        )
        _enqueue(run)
        return run

    run = once.create_once(ImportRun, user_id=user.pk, token=form_token, create=create)
    if run.stored_file != str(stored):
        # A concurrent twin won the race: its file is the one kept.
        stored.unlink(missing_ok=True)
    return run


def import_run_columns_set(
    *, import_run: ImportRun, columns: dict[str, str], preset_name: str, user: User
) -> ImportRun:
    """Take the chosen column mapping (saving it as a preset when named) and check the file."""
    from productorg.interchange.importers.mapped import mapping_preset_save

    if import_run.status not in {ImportRun.Status.COLUMNS, ImportRun.Status.CHECKED}:
        raise ImportRefused("This import is not waiting for its columns.")
    with transaction.atomic():
        if preset_name:
            mapping_preset_save(
                name=preset_name,
                source=import_run.source,
                target=import_run.target,
                columns=columns,
                user=user,
            )
        import_run.options = {**import_run.options, "columns": columns}
        _requeue(import_run, dry_run=True)
    return import_run


def import_run_teams_map(
    *, import_run: ImportRun, field: str, mapping: dict[str, Team | None]
) -> ImportRun:
    """Remember which team each unmapped value means, then check the file again."""
    from productorg.interchange.importers.initiatives import team_mappings_save

    if import_run.status != ImportRun.Status.CHECKED:
        raise ImportRefused("Teams can be mapped once the file has been checked.")
    with transaction.atomic():
        team_mappings_save(source=import_run.source, field=field, mapping=mapping)
        _requeue(import_run, dry_run=True)
    return import_run


def import_run_options_set(*, import_run: ImportRun, options: dict[str, Any]) -> ImportRun:
    """Change some options of a checked import (its decimal mark, default category) and
    check the file again."""
    if import_run.status != ImportRun.Status.CHECKED:
        raise ImportRefused("Options can be changed once the file has been checked.")
    with transaction.atomic():
        import_run.options = {**import_run.options, **options}
        _requeue(import_run, dry_run=True)
    return import_run


def import_run_confirm(*, import_run: ImportRun) -> ImportRun:
    """Apply a checked import whose dry run found nothing wrong."""
    report = import_run.report and ImportReport.from_json(import_run.report)
    if import_run.status != ImportRun.Status.CHECKED or not report or not report.ok:
        raise ImportRefused("Only a checked import without errors or unmapped teams can be run.")
    with transaction.atomic():
        _requeue(import_run, dry_run=False)
    return import_run


def import_run_execute(*, import_run_id: int) -> ImportRun:
    """Run a queued import (reading its header for the column step, its dry run, or the real
    one) and store what came of it. Errors the file causes fail the run with their reason;
    any other exception is the task's to record (import_run_fail)."""
    run = ImportRun.objects.get(pk=import_run_id)
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, phase="reading", updated_at=timezone.now()
    )
    if wants_header(run):
        return _header_read(run)
    recorder = _ProgressRecorder(run.pk)
    try:
        with open(run.stored_file, "rb") as file:
            report = import_file(
                source=run.source,
                target=run.target,
                file=file,
                name=run.filename,
                options=run.options,
                dry_run=run.dry_run,
                user=run.requested_by,
                progress=recorder,
            )
    except (ReadError, ValueError, OSError) as error:
        return _run_finished(run, status=ImportRun.Status.FAILED, error=_reason(error))
    if report.applied:
        import_profile_save(source=run.source, options=remembered_options(run.options))
        Path(run.stored_file).unlink(missing_ok=True)
        return _run_finished(run, status=ImportRun.Status.APPLIED, report=report)
    return _run_finished(run, status=ImportRun.Status.CHECKED, report=report)


def import_run_fail(*, import_run_id: int, error: BaseException) -> None:
    """Mark a run that stopped on an unexpected error failed, with the error, so its page
    stops polling; written alone, so what could not be saved (the report) is not sent again."""
    ImportRun.objects.filter(
        pk=import_run_id, status__in=[ImportRun.Status.QUEUED, ImportRun.Status.RUNNING]
    ).update(
        status=ImportRun.Status.FAILED,
        error=f"{UNEXPECTED} ({_first_line(error)})",
        phase="",
        finished_at=timezone.now(),
    )


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:300]}" if text else type(error).__name__


def wants_header(run: ImportRun) -> bool:
    """Whether the run's next step is reading its file's column names for the mapping."""
    return needs_columns(run.source) and "columns" not in (run.options or {})


def _header_read(run: ImportRun) -> ImportRun:
    """The column names of the upload, for the mapping step (status COLUMNS), or why the
    file cannot be read at all (FAILED). Opening the table checks the whole file's encoding
    and an XLSX's archive, so a file refused here is refused before any column is chosen."""
    from productorg.interchange.importers.reading import open_table

    try:
        with open(run.stored_file, "rb") as file:
            table = open_table(file, name=run.filename)
            names = list(dict.fromkeys(name for name in table.header.names if name))
    except (ReadError, OSError) as error:
        return _run_finished(run, status=ImportRun.Status.FAILED, error=_reason(error))
    run.columns = names
    run.save(update_fields=["columns"])
    return _run_finished(run, status=ImportRun.Status.COLUMNS)


def _reason(error: Exception) -> str:
    if isinstance(error, ReadError):
        return error.message
    if isinstance(error, OSError):
        return "The uploaded file is no longer there; upload it again."
    return str(error)


def _run_finished(
    run: ImportRun, *, status: str, report: ImportReport | None = None, error: str = ""
) -> ImportRun:
    run.status = status
    run.report = report.to_json() if report else None
    run.error = error
    run.phase = ""
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "report", "error", "phase", "finished_at"])
    return run


class _ProgressRecorder:
    """Writes an import's progress to its run at most twice a second, for the page to poll."""

    def __init__(self, import_run_id: int) -> None:
        self.import_run_id = import_run_id
        self.written_at = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.written_at >= PROGRESS_INTERVAL_S or done >= total:
            ImportRun.objects.filter(pk=self.import_run_id).update(
                phase=phase, done=done, total=total, updated_at=timezone.now()
            )
            self.written_at = now


def _requeue(run: ImportRun, *, dry_run: bool) -> None:
    run.dry_run = dry_run
    run.status = ImportRun.Status.QUEUED
    run.report = None
    run.error = ""
    run.done = run.total = 0
    run.save()
    _enqueue(run)


def _enqueue(run: ImportRun) -> None:
    from productorg.interchange.tasks import import_run_execute_task

    # Enqueued after commit, so the worker never looks for a row it cannot see yet.
    transaction.on_commit(lambda: import_run_execute_task.enqueue(run.pk))


def _abandoned_runs_prune() -> None:
    stale = ImportRun.objects.filter(created_at__lt=timezone.now() - ABANDONED_AFTER).exclude(
        stored_file=""
    )
    for run in stale:
        Path(run.stored_file).unlink(missing_ok=True)
    stale.update(stored_file="")
