"""Settings come from the environment and fail loudly; checked in a fresh process, because
pytest-django would otherwise override what is under test (DEBUG above all)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
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
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION and key not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
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


def test_production_closes_the_api_docs_and_development_opens_them():
    show = "from django.conf import settings; print(settings.API_DOCS_PUBLIC)"
    assert manage("shell", "-c", show, **PRODUCTION).stdout.split()[-1] == "False"
    assert manage("shell", "-c", show).stdout.split()[-1] == "True"


@pytest.mark.parametrize(
    "variable", ["SESSION_IDLE_TIMEOUT_MINUTES", "SESSION_DAYS", "LOGIN_ACCOUNT_COOLOFF_MINUTES"]
)
def test_a_session_or_sign_in_limit_below_one_is_refused_by_name(variable):
    result = manage("check", **{variable: "0"})
    assert result.returncode != 0
    assert variable in result.stderr


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


# Requests through the whole stack with the development settings as `make run` has them: an
# address that names nothing, a view that fails, and a static file.
ERROR_PAGES = """
import json
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import path

import productorg.urls


def broken(request):
    raise RuntimeError("a defect")


broken.login_required = False
productorg.urls.urlpatterns.insert(0, path("broken/", broken))
client = Client(raise_request_exception=False)
missing = client.get("/no-such-page/")
failing = client.get("/broken/")
static = client.get("/static/css/app.css")
refused = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "someone"})
bad_host = client.get("/", HTTP_HOST="elsewhere.example")
print(json.dumps({
    "refused": [refused.status_code, refused.content.decode()],
    "bad_host": [bad_host.status_code, bad_host.content.decode()],
    "debug": settings.DEBUG,
    "missing": [missing.status_code, missing.content.decode()],
    "failing": [failing.status_code, failing.content.decode()],
    "static": [static.status_code, b"".join(static).decode()],
}))
"""


def test_development_shows_the_apps_own_error_pages_and_serves_static_files(tmp_path):
    result = manage("shell", "-c", ERROR_PAGES, PRODUCTORG_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    assert pages["debug"] is False
    status, body = pages["missing"]
    assert status == 404
    assert "There is nothing here, or nothing you may see" in body
    assert "URLconf" not in body
    status, body = pages["failing"]
    assert status == 500
    assert "Something went wrong" in body
    assert "Traceback" not in body
    assert "a defect" not in body
    status, body = pages["static"]
    assert status == 200
    assert body == (ROOT / "productorg/static/css/app.css").read_text()
    # The developer still sees what failed, in the terminal.
    assert "RuntimeError: a defect" in result.stderr


def test_every_error_page_django_draws_itself_is_the_apps_own(tmp_path):
    """A refused CSRF check, a wrong host name and a failure show ProductOrg's pages, styled,
    not Django's bare defaults."""
    result = manage("shell", "-c", ERROR_PAGES, PRODUCTORG_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    status, body = pages["refused"]
    assert status == 403
    assert "This form could not be sent" in body
    assert "CSRF verification failed" not in body
    status, body = pages["bad_host"]
    assert status == 400
    assert "Bad request" in body
    for name in ("refused", "bad_host", "failing"):
        body = pages[name][1]
        assert "/static/css/app" in body, name
        assert "style=" not in body, name


def test_debug_true_still_turns_on_the_technical_pages(tmp_path):
    result = manage("shell", "-c", ERROR_PAGES, PRODUCTORG_VAR_DIR=str(tmp_path), DEBUG="true")
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    assert pages["debug"] is True
    assert "URLconf" in pages["missing"][1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_productorg_serve_in_development_answers_with_debug_off(tmp_path):
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION and key not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    server = subprocess.Popen(  # noqa: S603 - our own command with fixed arguments
        [
            sys.executable,
            "-c",
            "from productorg.cli import main; main()",
            *("serve", "--host", "127.0.0.1", "--port", str(port)),
        ],
        cwd=ROOT,
        env={**env, "PRODUCTORG_VAR_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        static = _get(f"http://127.0.0.1:{port}/static/css/app.css")
        missing = _get(f"http://127.0.0.1:{port}/no-such-page/")
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert static == (200, (ROOT / "productorg/static/css/app.css").read_text())
    assert missing[0] == 404
    assert "There is nothing here" in missing[1]
    # Where to go, as `make run` prints it.
    assert f"http://127.0.0.1:{port}/" in output
