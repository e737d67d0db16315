"""No page, fragment or download of the app is kept by a cache; static files are. A request
body larger than its view takes is refused before it is read."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.asgi import ASGIRequest
from django.test.client import encode_multipart
from django.urls import reverse

from productorg.interchange.models import ImportRun
from productorg.middleware import FORM_FIELDS_ALLOWANCE, RequestBodyLimitMiddleware


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_a_signed_in_page_and_its_htmx_fragment_are_never_stored(client_for, org):
    client = client_for(org.pia)
    assert no_store(client.get("/"))
    assert no_store(client.get("/initiatives/?q=reorder", headers={"HX-Request": "true"}))


def test_a_download_with_people_data_is_never_stored(client_for, org):
    case = client_for(org.gabe).get(f"/people/{org.pia.pk}/readiness/promotion-case.md")
    assert case.status_code == 200
    assert "attachment" in case["Content-Disposition"]
    assert no_store(case)


@pytest.mark.django_db
def test_the_sign_in_page_is_never_stored_either(client):
    assert no_store(client.get("/accounts/login/"))


@pytest.mark.django_db
def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert not no_store(response)


# --- request bodies: 413 by Content-Length before anything reads them ---------------------

MB = 1024 * 1024
BOUNDARY = "BoUnDaRy"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


class ReadCounter(io.BytesIO):
    """A request body that counts what the app read of it."""

    def read(self, size=-1, /):
        data = super().read(size)
        self.bytes_read = getattr(self, "bytes_read", 0) + len(data)
        return data

    readline = None  # the parsers read in chunks; a line read would go uncounted


def jira_upload_body(content: bytes) -> bytes:
    file = SimpleUploadedFile("export.csv", content)
    return encode_multipart(BOUNDARY, {"target": "initiatives", "file": file})


@pytest.fixture
def upload_dirs(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return settings


def nothing_stored(settings) -> bool:
    imports = settings.IMPORT_DIR
    written = list(imports.iterdir()) if imports.exists() else []
    return not written and not list(settings.FILE_UPLOAD_TEMP_DIR.iterdir())


def test_an_upload_claiming_100_mb_is_a_413_page_before_its_body_is_read(
    client_for, org, upload_dirs
):
    body = ReadCounter(jira_upload_body(b"Summary,Issue key,Issue Type\r\n"))
    response = client_for(org.gabe).generic(
        "POST",
        reverse("interchange:import-upload", args=["jira"]),
        CONTENT_TYPE=MULTIPART,
        CONTENT_LENGTH=str(100 * MB),
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "<title>Too large · ProductOrg</title>" in page
    assert "at most 20 MB" in page
    assert "<code>productorg import jira FILE</code>" in page
    assert getattr(body, "bytes_read", 0) == 0
    assert nothing_stored(upload_dirs)
    assert not ImportRun.objects.exists()


def test_an_upload_within_the_limit_still_goes_through(client_for, org, upload_dirs):
    upload_dirs.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    # Above FILE_UPLOAD_MAX_MEMORY_SIZE, so it passes through a temporary file.
    content = b"Summary,Issue key,Issue Type,Project key\r\n" + b"Epic,CHK-1,Epic,CHK\r\n" * 150_000
    response = client_for(org.gabe).post(
        reverse("interchange:import-upload", args=["jira"]),
        {
            "target": "initiatives",
            "issue_types": "Epic",
            "team_field": "Project key",
            "points_per_person_week": "5",
            "file": SimpleUploadedFile("export.csv", content),
        },
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.size == len(content)
    assert not list(upload_dirs.FILE_UPLOAD_TEMP_DIR.iterdir())


def test_a_body_longer_than_its_content_length_is_read_no_further_than_it(
    client_for, org, upload_dirs
):
    """Under WSGI Django reads Content-Length bytes and no more: the rest of a lying body
    is never read, so the check on the header bounds what reaches the disk."""
    upload_dirs.IMPORT_MAX_UPLOAD_MB = 1
    body = ReadCounter(jira_upload_body(b"x" * (5 * MB)))
    response = client_for(org.gabe).generic(
        "POST",
        reverse("interchange:import-upload", args=["jira"]),
        CONTENT_TYPE=MULTIPART,
        CONTENT_LENGTH=str(MB),
        **{"wsgi.input": body},
    )
    assert body.bytes_read <= MB
    assert response.status_code == 400, response.status_code
    assert not ImportRun.objects.exists()


def test_a_file_outgrowing_a_lying_content_length_stops_at_the_limit(org, upload_dirs):
    """An ASGI server hands Django the whole body whatever the header says; the upload then
    stops at the limit, its temporary file removed, and the view never runs."""
    upload_dirs.IMPORT_MAX_UPLOAD_MB = 1
    upload_dirs.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # so the file goes to a temporary file
    limit = MB + FORM_FIELDS_ALLOWANCE
    body = ReadCounter(jira_upload_body(b"x" * (5 * MB)))
    scope = {
        "type": "http",
        "method": "POST",
        "path": reverse("interchange:import-upload", args=["jira"]),
        "query_string": b"",
        "headers": [(b"content-type", MULTIPART.encode()), (b"content-length", b"1000")],
    }
    request = ASGIRequest(scope, body)
    views_run = []
    response = RequestBodyLimitMiddleware(views_run.append)(request)
    assert response.status_code == 413
    assert views_run == []
    assert limit < body.bytes_read <= limit + 2 * 64 * 1024
    assert nothing_stored(upload_dirs)


def test_a_page_posted_more_than_forms_take_is_a_413_page(client_for, org):
    response = client_for(org.gabe).generic(
        "POST",
        reverse("strategy:vision-edit"),
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(3 * MB),
    )
    assert response.status_code == 413
    assert "at most 2.5 MB" in response.content.decode()


def test_too_many_fields_is_the_apps_400_page(client_for, org, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client_for(org.gabe).post(
        reverse("strategy:vision-edit"), {f"field_{index}": "x" for index in range(11)}
    )
    assert response.status_code == 400
    assert "<title>Bad request · ProductOrg</title>" in response.content.decode()


def test_form_fields_too_large_beside_an_upload_are_the_apps_400_page(client_for, org, upload_dirs):
    # Within the upload's body limit, but its fields outgrow DATA_UPLOAD_MAX_MEMORY_SIZE.
    upload_dirs.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    file = SimpleUploadedFile("export.csv", b"Summary,Issue key,Issue Type\r\n")
    response = client_for(org.gabe).post(
        reverse("interchange:import-upload", args=["jira"]),
        {"target": "initiatives", "category_values": "x" * 5000, "file": file},
    )
    assert response.status_code == 400
    assert "<title>Bad request · ProductOrg</title>" in response.content.decode()
    assert nothing_stored(upload_dirs)
