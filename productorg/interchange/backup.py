"""Backup and restore of the whole database as one versioned JSON Lines document.

The layout (documented in docs/backup.md): a header line, one line per saved object in
Django's serialisation (`{"model": ..., "pk": ..., "fields": {...}}`), and a trailer line
carrying the counts. Primary keys are kept so a restore gives back the same rows; references
to content types and permissions go by natural key, whose ids differ between databases.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

import django
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "productorg-backup"
VERSION = 1

# Rows that `productorg migrate` itself creates (the level ladder and built-in balance
# dimensions from data migrations, the shipped career framework): a database holding only
# these still counts as empty.
SEEDED_MODELS = frozenset(
    {
        "people.level",
        "people.competencycategory",
        "people.competency",
        "people.expectation",
        "strategy.balancedimension",
        "strategy.dimensionvalue",
    }
)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to the millisecond; a backup keeps every microsecond, so a
    restore gives back the very values (and a second backup the same file)."""

    def default(self, o: object) -> object:
        if isinstance(o, dt.datetime | dt.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class BackupError(Exception):
    """A backup file that cannot be restored, or a database that refuses it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class BackupSummary:
    """What a backup wrote or a restore loaded: object counts per model label."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def backup_models() -> list[type[models.Model]]:
    """The models a backup holds: auth groups, then every model of the project's apps."""
    project = [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("productorg.")
        for model in config.get_models()
        if not model._meta.proxy and model._meta.managed
    ]
    # Groups first: users name theirs by natural key, so they must exist when users load.
    return [Group, *project]


def _uses_natural_keys(model: type[models.Model]) -> bool:
    # Content type and permission ids depend on the order the database was migrated in.
    return model is Group or any(
        getattr(model_field, "related_model", None) in (ContentType, Permission)
        for model_field in model._meta.get_fields()
        if model_field.concrete or model_field.many_to_many
    )


def _auto_m2m_names(model: type[models.Model]) -> list[str]:
    # The serialiser writes only many-to-many fields without an explicit through model.
    return [
        m2m.name for m2m in model._meta.many_to_many if m2m.remote_field.through._meta.auto_created
    ]


def _applied_migrations(using: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _backed_up_app_labels() -> list[str]:
    return sorted({model._meta.app_label for model in backup_models()})


def backup_write(
    *, stream: IO[str], using: str = DEFAULT_DB_ALIAS, now: dt.datetime | None = None
) -> BackupSummary:
    """Write every backed-up row to a text stream, one object a line; return counts per model."""
    connection = connections[using]
    summary = BackupSummary()
    labels = _backed_up_app_labels()
    applied = _applied_migrations(using)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": (now or timezone.now()).isoformat(),
        "django": django.get_version(),
        "database": connection.vendor,
        "apps": [{"label": label, "migrations": applied.get(label, [])} for label in labels],
    }
    stream.write(json.dumps(header, ensure_ascii=False) + "\n")
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table, so the backup is consistent while people work.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for model in backup_models():
            label = model._meta.label_lower
            queryset = model._base_manager.using(using).order_by("pk")
            m2m_names = _auto_m2m_names(model)
            if m2m_names:
                queryset = queryset.prefetch_related(*m2m_names)

            def counted(rows: Iterable[models.Model], label: str = label) -> Iterator[models.Model]:
                for row in rows:
                    summary.counts[label] = summary.counts.get(label, 0) + 1
                    yield row

            summary.counts[label] = 0
            serializers.serialize(
                "jsonl",
                counted(queryset.iterator(chunk_size=2000)),
                stream=stream,
                use_natural_foreign_keys=_uses_natural_keys(model),
                cls=ExactJSONEncoder,
            )
    trailer = {"end": FORMAT, "objects": summary.total, "counts": summary.counts}
    stream.write(json.dumps(trailer) + "\n")
    return summary


def database_is_empty(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when no backed-up model holds rows beyond what `productorg migrate` loads."""
    return not any(
        model._base_manager.using(using).exists()
        for model in backup_models()
        if model._meta.label_lower not in SEEDED_MODELS
    )


def _wipe(using: str) -> None:
    connection = connections[using]
    tables = []
    for model in backup_models():
        tables.append(model._meta.db_table)
        tables.extend(
            m2m.remote_field.through._meta.db_table
            for m2m in model._meta.local_many_to_many
            if m2m.remote_field.through._meta.auto_created
        )
    # Cascade: rows elsewhere pointing at users (the admin's log) go with them.
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=False, allow_cascade=True
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with foreign-key checks still pending from earlier writes
            # in this transaction: run those checks now, and defer them again for the load.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _reset_sequences(using: str) -> None:
    connection = connections[using]
    # Rows came in with their ids; new rows must not collide with them (PostgreSQL).
    statements = connection.ops.sequence_reset_sql(no_style(), backup_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _header_checked(line: str, using: str) -> dict:
    try:
        header = json.loads(line)
    except ValueError as error:
        raise BackupError(
            "This is not a ProductOrg backup: it does not start with JSON."
        ) from error
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError("This is not a ProductOrg backup (its format is not productorg-backup).")
    if header.get("version") != VERSION:
        raise BackupError(
            f"This backup has format version {header.get('version')!r}; this ProductOrg "
            f"restores version {VERSION} only."
        )
    applied = _applied_migrations(using)
    for app in header.get("apps") or []:
        missing = [
            name
            for name in app.get("migrations", [])
            if name not in applied.get(app.get("label"), [])
        ]
        if missing:
            raise BackupError(
                f"The backup comes from a newer ProductOrg: the database lacks migration "
                f"{app['label']}.{missing[0]}. Upgrade and run `productorg migrate` first."
            )
    return header


def _lines(stream: IO[str]) -> Iterator[tuple[int, str]]:
    try:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                yield number, line
    except UnicodeDecodeError as error:
        raise BackupError("The file is not UTF-8 text: it is not a ProductOrg backup.") from error
    except (EOFError, OSError, zlib.error) as error:
        # gzip reports a cut-off or damaged archive this way.
        raise BackupError(f"The compressed file is damaged or cut off ({error}).") from error


def _load(
    lines: Iterator[tuple[int, str]],
    *,
    using: str,
    progress: Callable[[int], None] | None,
) -> BackupSummary:
    allowed = {model._meta.label_lower for model in backup_models()}
    summary = BackupSummary()
    trailer = None
    for number, line in lines:
        if trailer is not None:
            raise BackupError(f"Line {number}: content after the end of the backup.")
        try:
            row = json.loads(line)
        except ValueError as error:
            raise BackupError(
                f"Line {number} is not JSON: the file is damaged or cut off."
            ) from error
        if isinstance(row, dict) and row.get("end") == FORMAT:
            trailer = row
            continue
        if not isinstance(row, dict) or str(row.get("model", "")).lower() not in allowed:
            raise BackupError(f"Line {number} is not an object of a backed-up model.")
        _refuse_nul(row, number)
        try:
            for deserialized in serializers.deserialize("python", [row], using=using):
                # Raw saves: no save() overrides, auto_now fields keep the backed-up times.
                deserialized.save(using=using, force_insert=True)
        except (DeserializationError, FieldDoesNotExist, ValueError, LookupError) as error:
            raise BackupError(f"Line {number} cannot be loaded: {error}") from error
        label = row["model"].lower()
        summary.counts[label] = summary.counts.get(label, 0) + 1
        if progress is not None:
            progress(summary.total)
    if trailer is None:
        raise BackupError("The backup is cut off: its end line is missing.")
    if trailer.get("objects") != summary.total:
        raise BackupError(
            f"The backup's end line counts {trailer.get('objects')} objects but "
            f"{summary.total} were read."
        )
    return summary


def _refuse_nul(row: dict, number: int) -> None:
    """A NUL character in any text of a row (SQLite stores one, PostgreSQL refuses it) is
    refused naming the row, before it is written, instead of failing the load in the database."""
    for name, value in (row.get("fields") or {}).items():
        if _holds_nul(value):
            raise BackupError(
                f"Line {number}: {row['model']} row {row.get('pk')!r}, field {name!r} holds a "
                "NUL character (a zero byte), which PostgreSQL cannot store; nothing was "
                "restored. Remove it in the database the backup came from and back up again."
            )


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def backup_restore(
    *,
    stream: IO[str],
    force: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    progress: Callable[[int], None] | None = None,
) -> BackupSummary:
    """Load a backup into an empty database (or, forced, replace its content): all or nothing."""
    lines = _lines(stream)
    first = next(lines, None)
    if first is None:
        raise BackupError("The file is empty: it is not a ProductOrg backup.")
    _header_checked(first[1], using)
    try:
        with transaction.atomic(using=using):
            if not database_is_empty(using=using) and not force:
                raise BackupError(
                    "The database already holds data; restore only into an empty database "
                    "(after `productorg migrate`), or pass --force to replace everything in it."
                )
            _wipe(using)
            summary = _load(lines, using=using, progress=progress)
            _reset_sequences(using)
    except DatabaseError as error:
        # Such as a reference to a row the file does not hold, checked when the load commits.
        raise BackupError(f"The backup's rows do not fit together: {error}") from error
    return summary


def open_for_writing(path: str) -> IO[str]:
    """A text stream to a backup file, gzip-compressed when the name ends in .gz."""
    if path.endswith(".gz"):
        return gzip.open(path, "wt", encoding="utf-8")
    return open(path, "w", encoding="utf-8")  # noqa: SIM115 - the caller closes it


def open_for_reading(path: str) -> IO[str]:
    """A text stream from a backup file, decompressed when it is gzip (whatever its name)."""
    with open(path, "rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    if compressed:
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")  # noqa: SIM115 - the caller closes it
