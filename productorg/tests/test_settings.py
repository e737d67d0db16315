"""Production settings come from the environment and fail loudly; checked in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "PRODUCTORG_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-a-long-random-looking-secret-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "productorg.example.com",
    "DATABASE_URL": "postgres://productorg@db.example.com/productorg",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_deploy_check_reports_nothing_in_production(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_the_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(PRODUCTION["SECRET_KEY"] + "\n")
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = manage("check", "--deploy", SECRET_KEY_FILE=str(secret), **env)
    assert result.returncode == 0, result.stderr


def test_a_malformed_boolean_is_refused_by_name():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_development_keeps_a_generated_secret_key_under_var(tmp_path):
    first = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        PRODUCTORG_VAR_DIR=str(tmp_path),
    )
    second = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        PRODUCTORG_VAR_DIR=str(tmp_path),
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
