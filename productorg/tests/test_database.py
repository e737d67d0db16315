"""SQLite takes concurrent read-then-write transactions without 'database is locked'.

The project's SQLite settings (`sqlite_database()`: WAL, BEGIN IMMEDIATE, a 20 s timeout) are
exercised on a temporary file of their own, so this runs whatever the test database is.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from productorg.settings import BASE_DIR, sqlite_database

WORKERS = 8
INCREMENTS = 25
ALIAS = "sqlite_concurrency"
SETTINGS_FILE = BASE_DIR / "productorg" / "settings.py"


def django_default_sqlite(path: Path) -> dict:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


@pytest.fixture
def counter_database(tmp_path, django_db_blocker) -> Iterator[Callable[[Callable], str]]:
    """Registers an extra database alias on a temporary SQLite file holding one counter."""

    def register(database_settings: Callable[[Path], dict]) -> str:
        # configure_settings fills in the defaults Django expects of every alias; it insists on
        # a default alias, which is thrown away.
        configured = connections.configure_settings(
            {DEFAULT_DB_ALIAS: {}, ALIAS: database_settings(tmp_path / "counter.sqlite3")}
        )
        connections.settings[ALIAS] = configured[ALIAS]
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
            cursor.execute("INSERT INTO counter (id, value) VALUES (1, 0)")
        return ALIAS

    # Not a django_db test: the test database is not involved, only this file.
    with django_db_blocker.unblock():
        try:
            yield register
        finally:
            if ALIAS in connections.settings:
                connections[ALIAS].close()
                del connections[ALIAS]
                del connections.settings[ALIAS]


def add_one_repeatedly(alias: str, times: int, start: threading.Barrier, errors: list) -> None:
    """Reads the counter, pauses, writes it back plus one; `times` transactions in a row."""
    start.wait()
    try:
        for _ in range(times):
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT value FROM counter WHERE id = 1")
                (value,) = cursor.fetchone()
                # Widens the read-then-write window so that workers really overlap.
                time.sleep(0.001)
                cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
    except Exception as error:  # every failure is a finding
        errors.append(error)
    finally:
        # Each thread has its own connection, and only that thread may close it.
        connections[alias].close()


def run_workers(alias: str) -> list[Exception]:
    errors: list[Exception] = []
    start = threading.Barrier(WORKERS)
    workers = [
        threading.Thread(target=add_one_repeatedly, args=(alias, INCREMENTS, start, errors))
        for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(worker.is_alive() for worker in workers), "a worker hung"
    return errors


def counter_value(alias: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT value FROM counter WHERE id = 1")
        return cursor.fetchone()[0]


def test_concurrent_writers_neither_fail_nor_lose_an_update(counter_database):
    alias = counter_database(sqlite_database)

    errors = run_workers(alias)

    assert errors == []
    assert counter_value(alias) == WORKERS * INCREMENTS


def test_the_project_settings_put_sqlite_in_wal_mode_with_immediate_transactions(
    counter_database,
):
    alias = counter_database(sqlite_database)

    with connections[alias].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20_000
    assert connections[alias].transaction_mode == "IMMEDIATE"


def test_django_default_sqlite_settings_do_fail_the_same_workload(counter_database):
    # The control: without it, a pass above could mean the workload never overlapped.
    alias = counter_database(django_default_sqlite)

    errors = run_workers(alias)

    assert errors, "expected 'database is locked' with Django's default SQLite settings"
    assert all("database is locked" in str(error) for error in errors)


def load_settings(monkeypatch, **env: str):
    """A fresh copy of the settings module, evaluated under the given environment."""
    for name in ("DATABASE_URL", "PRODUCTORG_ENV", "PRODUCTORG_VAR_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("productorg_settings_probe", SETTINGS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_database_url_the_database_is_sqlite_under_var(monkeypatch):
    databases = load_settings(monkeypatch).DATABASES

    assert databases == {"default": sqlite_database(BASE_DIR / "var" / "productorg.sqlite3")}
    assert databases["default"]["OPTIONS"] == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32000;"
        ),
    }
    # Kept between requests so that SQLite's page cache stays warm.
    assert databases["default"]["CONN_MAX_AGE"] == 60


def test_a_sqlite_database_url_gets_the_same_options(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path}/elsewhere.sqlite3"

    databases = load_settings(monkeypatch, DATABASE_URL=url).DATABASES

    assert databases == {"default": sqlite_database(tmp_path / "elsewhere.sqlite3")}
