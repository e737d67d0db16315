"""The import pages: who may use them, the upload → check → map → confirm flow, bad files."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from productorg.interchange.importers.mapped import suggest_columns
from productorg.interchange.importers.reading import open_table
from productorg.interchange.importers.report import Action, ImportReport
from productorg.interchange.models import ImportRun, MappingPreset, TeamMapping
from productorg.interchange.services import import_file
from productorg.people.models import Person
from productorg.strategy.models import Initiative

JIRA_CSV = (
    "\ufeffSummary,Issue key,Issue id,Issue Type,Status,Status Category,Project key,"
    "Labels,Labels,Custom field (Epic Link),Custom field (Story Points),Description\r\n"
    'Faster checkout,CHK-1,10001,Epic,In Progress,In Progress,CHK,payments,q3,,,"Two\r\nlines"\r\n'
    "Card form,CHK-2,10002,Story,To Do,To Do,CHK,,,CHK-1,5,\r\n"
    "Wallets,CHK-3,10003,Story,To Do,To Do,CHK,,,CHK-1,10,\r\n"
)
PEOPLE_CSV = "Full name,Work e-mail,Level\r\nNina New,nina@example.com,PM\r\n"


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    settings.IMPORT_DIR = tmp_path / "imports"


def upload(client, source, content, *, name="export.csv", **fields):
    file = SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)
    return client.post(
        reverse("interchange:import-upload", args=[source]), {"file": file, **fields}
    )


def jira_fields(**overrides):
    return {
        "target": "initiatives",
        "issue_types": "Epic",
        "team_field": "Project key",
        "points_per_person_week": "5",
        **overrides,
    }


@pytest.mark.parametrize("who", ["pia", "sam"])
def test_product_managers_and_stakeholders_get_404_on_every_import_page(
    org, client, who, django_capture_on_commit_callbacks
):
    leader = org.gabe.user
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "jira", JIRA_CSV, **jira_fields())
    run = ImportRun.objects.get()
    client.force_login(org.pia.user if who == "pia" else org.sam)
    for url in (
        reverse("interchange:import-home"),
        reverse("interchange:import-upload", args=["jira"]),
        reverse("interchange:import-run", args=[run.pk]),
        reverse("interchange:import-columns", args=[run.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("interchange:import-confirm", args=[run.pk]),
        reverse("interchange:import-teams", args=[run.pk]),
    ):
        assert client.post(url).status_code == 404, url


def test_another_leaders_import_run_is_a_404(org, client, django_capture_on_commit_callbacks):
    client.force_login(org.gabe.user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "jira", JIRA_CSV, **jira_fields())
    run = ImportRun.objects.get()
    client.force_login(org.greta.user)
    assert client.get(reverse("interchange:import-run", args=[run.pk])).status_code == 404
    response = client.post(reverse("interchange:import-confirm", args=[run.pk]))
    assert response.status_code == 404
    assert not Initiative.objects.filter(source="jira").exists()


def test_a_double_clicked_upload_starts_one_run_and_keeps_one_file(
    org, client, django_capture_on_commit_callbacks, settings
):
    client.force_login(org.gabe.user)
    page = client.get(reverse("interchange:import-upload", args=["jira"])).content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f-]{36})"', page)
    assert token, "the upload form carries no one-time token"
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(client, "jira", JIRA_CSV, form_token=token.group(1), **jira_fields())
        second = upload(client, "jira", JIRA_CSV, form_token=token.group(1), **jira_fields())
    run = ImportRun.objects.get()
    assert first.url == second.url == reverse("interchange:import-run", args=[run.pk])
    assert len(list(settings.IMPORT_DIR.iterdir())) == 1


def test_admins_are_offered_people_and_teams_but_not_initiatives(org, client):
    client.force_login(org.ada)
    page = client.get(reverse("interchange:import-home")).content.decode()
    assert reverse("interchange:import-upload", args=["csv"]) in page
    assert reverse("interchange:import-upload", args=["jira"]) not in page
    assert client.get(reverse("interchange:import-upload", args=["jira"])).status_code == 404


def test_a_leader_checks_maps_the_team_and_imports_a_jira_export(
    org, client, django_capture_on_commit_callbacks
):
    client.force_login(org.gabe.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "jira", JIRA_CSV, **jira_fields())
    run = ImportRun.objects.get()
    assert response.url == reverse("interchange:import-run", args=[run.pk])
    assert run.status == ImportRun.Status.CHECKED
    page = client.get(response.url).content.decode()
    assert "Which team is each Project key?" in page
    assert "CHK" in page
    assert not Initiative.objects.filter(source="jira").exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("interchange:import-teams", args=[run.pk]),
            {"index": "0", "map0-team_0": str(org.checkout.pk)},
        )
    assert TeamMapping.objects.get(source="jira", value="CHK").team == org.checkout
    run.refresh_from_db()
    assert run.report["counts"]["create"] == 1
    page = client.get(response.url).content.decode()
    assert "CHK-1" in page and "Faster checkout" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interchange:import-confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED
    initiative = Initiative.objects.get(source="jira", source_key="CHK-1")
    assert initiative.team == org.checkout
    assert initiative.effort_estimate == 3  # 15 points at 5 points a person-week
    assert sorted(initiative.tags.values_list("name", flat=True)) == ["payments", "q3"]
    page = client.get(response.url).content.decode()
    assert "Imported: 1 created" in page
    listing = reverse("strategy:initiative-list") + "?source=jira"
    assert listing in page
    imported = client.get(listing).content.decode()
    assert "Imported from <strong>Jira</strong>" in imported
    assert "Faster checkout" in imported
    assert "1 initiative" in imported
    unknown = client.get(reverse("strategy:initiative-list") + "?source=nope")
    assert unknown.status_code == 200
    assert "Ignored a filter value" in unknown.content.decode()


def test_confirming_an_import_with_unmapped_teams_writes_nothing(
    org, client, django_capture_on_commit_callbacks
):
    client.force_login(org.gabe.user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "jira", JIRA_CSV, **jira_fields())
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("interchange:import-confirm", args=[run.pk]), follow=True)
    assert "without errors or unmapped teams" in response.content.decode()
    assert not Initiative.objects.filter(source="jira").exists()


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(org, client, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(org.gabe.user)
    # Just over the limit: the form says so beside the field (far over it, the body is
    # refused before it is read: productorg/tests/test_middleware.py).
    response = upload(client, "jira", "a,b\r\n" + "x,y\r\n" * 220_000, **jira_fields())
    assert response.status_code == 400
    assert "up to 1 MB" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_file_far_over_the_size_limit_is_the_413_page_naming_the_command(org, client, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(org.gabe.user)
    response = upload(client, "linear", "a,b\r\n" + "x,y\r\n" * 300_000)
    assert response.status_code == 413
    page = response.content.decode()
    assert "at most 1 MB" in page
    assert "<code>productorg import linear FILE</code>" in page
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02\x03binary" * 50, "binary file"),
        ('Summary,Issue key,Issue Type\r\n"Unclosed,CHK-1,Epic\r\n', "never closed"),
        ("ID,Title,Team,Status\r\nENG-1,Hello,Eng,Todo\r\n", "Linear"),
    ],
)
def test_an_unreadable_file_fails_with_its_reason_and_writes_nothing(
    org, client, content, message, django_capture_on_commit_callbacks
):
    client.force_login(org.gabe.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "jira", content, **jira_fields())
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    page = client.get(response.url).content.decode()
    assert message in page
    assert "Nothing was written." in page
    assert not Initiative.objects.filter(source="jira").exists()


def test_an_empty_upload_is_refused_on_the_form(org, client):
    client.force_login(org.gabe.user)
    response = upload(client, "jira", b"", **jira_fields())
    assert response.status_code == 400
    assert "empty" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_running_import_shows_its_progress_and_polls(org, client):
    client.force_login(org.gabe.user)
    run = ImportRun.objects.create(
        source="jira",
        filename="big.csv",
        status=ImportRun.Status.RUNNING,
        phase="reading",
        done=512 * 1024,
        total=1024 * 1024,
        requested_by=org.gabe.user,
    )
    page = client.get(
        reverse("interchange:import-run", args=[run.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "50 %" in page
    assert "<h1>" not in page  # the htmx poll gets the panel alone


def test_an_admin_maps_columns_saves_a_preset_and_imports_people(
    org, client, django_capture_on_commit_callbacks
):
    client.force_login(org.ada)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "csv", PEOPLE_CSV, target="people")
    run = ImportRun.objects.get()
    # The worker read the header; the run's page leads on to choosing the columns.
    response = client.get(response.url)
    assert response.url == reverse("interchange:import-columns", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert "Work e-mail" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            response.url,
            {
                "column_name": "Full name",
                "column_email": "Work e-mail",
                "column_level": "Level",
                "save_as": "HR system",
            },
        )
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED, run.error
    assert MappingPreset.objects.get(name="HR system").columns["email"] == "Work e-mail"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interchange:import-confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED, run.report
    assert Person.objects.get(email="nina@example.com").name == "Nina New"


@pytest.mark.parametrize(
    ("source", "filename"),
    [
        ("jira", "jira-export.csv"),
        ("linear", "linear-export.csv"),
        ("productboard", "productboard-features.csv"),
    ],
)
def test_the_example_exports_in_the_docs_check_without_errors(org, settings, source, filename):
    path = settings.BASE_DIR / "docs" / "examples" / filename
    options = {}
    if source == "productboard":
        # What the mapping step pre-fills for a Productboard export.
        with path.open("rb") as file:
            header = open_table(file).header.names
        options["columns"] = suggest_columns(
            target="initiatives", header_names=list(header), source=source
        )
    with path.open("rb") as file:
        report = import_file(
            source=source,
            target="initiatives",
            file=file,
            name=filename,
            options=options,
            dry_run=True,
            user=org.gabe.user,
        )
    assert report.rows_read > 0
    assert not report.errors, report.errors
    assert report.counts["create"] > 0


def test_the_dry_run_page_of_a_large_import_takes_a_few_queries(
    org, client, django_assert_max_num_queries
):
    report = ImportReport(source="jira", dry_run=True, rows_read=20_000)
    for line in range(2, 20_002):
        report.add(line, Action.SKIP, key=f"CHK-{line}", title="Story", reason="no parent")
    report.unmapped["Project key"] = [f"P{number}" for number in range(30)]
    run = ImportRun.objects.create(
        source="jira",
        filename="big.csv",
        status=ImportRun.Status.CHECKED,
        report=report.to_json(),
        requested_by=org.gabe.user,
    )
    client.force_login(org.gabe.user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("interchange:import-run", args=[run.pk])).content.decode()
    assert "and 19,500 more rows" in page or "and 19500 more rows" in page
    # One team choice per unmapped value (the other selects are the options to check again).
    assert page.count('<select name="map0-team_') == 30


def test_an_import_nobody_picks_up_says_to_start_the_worker(org, client):
    run = ImportRun.objects.create(
        source="jira", filename="a.csv", status=ImportRun.Status.QUEUED, requested_by=org.gabe.user
    )
    url = reverse("interchange:import-run", args=[run.pk])
    client.force_login(org.gabe.user)
    assert "productorg worker" not in client.get(url).content.decode()

    ImportRun.objects.filter(pk=run.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.get(url).content.decode()
    assert "start <code>productorg worker</code>" in page
    assert 'hx-trigger="every 1s"' in page  # it starts as soon as a worker runs


def test_an_import_whose_worker_went_away_stops_polling_and_says_so(org, client):
    run = ImportRun.objects.create(
        source="jira",
        filename="a.csv",
        status=ImportRun.Status.RUNNING,
        phase="reading",
        requested_by=org.gabe.user,
    )
    ImportRun.objects.filter(pk=run.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(org.gabe.user)
    page = client.get(reverse("interchange:import-run", args=[run.pk])).content.decode()
    assert "stopped moving" in page
    assert "Nothing was written." in page
    assert "hx-trigger" not in page


def test_the_dry_run_page_shows_each_rows_category_and_marks_a_default(
    org, client, django_capture_on_commit_callbacks
):
    TeamMapping.objects.create(source="jira", field="Project key", value="CHK", team=org.checkout)
    client.force_login(org.gabe.user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "jira", JIRA_CSV, **jira_fields())
    run = ImportRun.objects.get()
    page = client.get(reverse("interchange:import-run", args=[run.pk])).content.decode()
    assert "No work category column; rows without one get none" in page
    assert "No category" in page and "not chosen" in page
    assert "In progress · Green (default: no status update yet)" in page

    # Checked again with a default category, without uploading again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("interchange:import-options", args=[run.pk]),
            {"decimal_mark": ".", "default_category": "growth"},
        )
    page = client.get(reverse("interchange:import-run", args=[run.pk])).content.decode()
    assert 'title="Not from the file: the import\'s default category">default' in page
    assert "rows without one get Growth (marked default)" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interchange:import-confirm", args=[run.pk]))
    assert Initiative.objects.get(source_key="CHK-1").category == "growth"
    # Remembered for the next Jira upload, like the other options.
    form = client.get(reverse("interchange:import-upload", args=["jira"])).content.decode()
    assert '<option value="growth" selected>' in form


def test_the_upload_takes_a_category_column_and_values(
    org, client, django_capture_on_commit_callbacks
):
    TeamMapping.objects.create(source="jira", field="Project key", value="CHK", team=org.checkout)
    client.force_login(org.gabe.user)
    fields = jira_fields(category_column="Labels", category_values="q3=Scaling")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "jira", JIRA_CSV, **fields)
    run = ImportRun.objects.get()
    assert run.options["category_values"] == {"q3": "scaling"}
    outcome = next(row for row in run.report["outcomes"] if row["key"] == "CHK-1")
    assert (outcome["category"], outcome["category_from"]) == ("Scaling", "file")


def test_category_values_that_cannot_be_read_are_a_form_error(org, client):
    client.force_login(org.gabe.user)
    response = upload(client, "jira", JIRA_CSV, **jira_fields(category_values="q3 Scaling"))
    assert response.status_code == 400
    assert "VALUE=CATEGORY" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_options_of_another_leaders_run_are_a_404(org, client):
    run = ImportRun.objects.create(
        source="jira", filename="x.csv", status=ImportRun.Status.CHECKED, requested_by=org.cora.user
    )
    client.force_login(org.gabe.user)
    response = client.post(
        reverse("interchange:import-options", args=[run.pk]), {"default_category": "growth"}
    )
    assert response.status_code == 404


def workbook_with_shared_strings(strings_xml: str) -> bytes:
    from productorg.interchange.tests.test_reading_hostile import shared_strings_workbook

    return shared_strings_workbook(strings_xml.encode())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "bomb.xlsx",
            lambda: workbook_with_shared_strings(
                "<sst><si><t>Title</t></si><si><t>" + "x" * (50 * 1024 * 1024) + "</t></si></sst>"
            ),
            "ZIP bomb",
        ),
        (
            "laughs.xlsx",
            lambda: workbook_with_shared_strings(
                '<!DOCTYPE s [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                "<sst><si><t>Title</t></si><si><t>&b;</t></si></sst>"
            ),
            "declares entities or a DTD",
        ),
        ("macros.xlsm", lambda: workbook_with_shared_strings("<sst></sst>"), "macro-enabled"),
    ],
    ids=["bomb", "laughs", "xlsm"],
)
def test_a_hostile_workbook_fails_its_run_with_a_reason_read_by_the_worker_alone(
    org, client, name, content, message, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(org.gabe.user)
    # The web process never opens the upload: the upload and every page work without it.
    import productorg.interchange.importers.reading as reading

    opened = []
    real_open_table = reading.open_table
    monkeypatch.setattr(
        reading, "open_table", lambda *a, **k: opened.append(1) or real_open_table(*a, **k)
    )
    response = upload(client, "csv", content(), name=name, target="initiatives")
    run = ImportRun.objects.get()
    assert client.get(response.url).status_code == 200
    assert not opened
    from productorg.interchange.tasks import import_run_execute_task

    import_run_execute_task.call(run.pk)  # what the worker does
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    page = client.get(response.url)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert "Nothing was written." in page.content.decode()


def test_a_nul_past_the_first_64_kb_fails_the_check_naming_line_and_column(
    org, client, django_capture_on_commit_callbacks
):
    client.force_login(org.gabe.user)
    rows = "".join(f"Epic {n},CHK-{n},{n},Epic,To Do,To Do,CHK,,,,,\r\n" for n in range(9, 2500))
    content = JIRA_CSV + rows + "Bad,CHK-9999,9999,Epic,To Do,To Do,CHK,,,,,a\x00b\r\n"
    assert len(JIRA_CSV + rows) > 64 * 1024
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "jira", content, **jira_fields())
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED, run.status
    assert "NUL" in run.error and "line 2497, column Description" in run.error, run.error
    assert "NUL" in client.get(response.url).content.decode()
    assert not Initiative.objects.filter(source="jira").exists()


def test_any_exception_in_the_import_job_fails_its_run_with_the_reason(
    org, client, django_capture_on_commit_callbacks, monkeypatch
):
    from productorg.interchange import services

    def broken(*args, **kwargs):
        raise RuntimeError("the report could not be stored")

    monkeypatch.setattr(services, "_run_finished", broken)
    client.force_login(org.gabe.user)
    # The immediate backend, like the worker, logs the task's exception and goes on.
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "jira", JIRA_CSV, **jira_fields())
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "RuntimeError: the report could not be stored" in run.error
    monkeypatch.undo()
    page = client.get(reverse("interchange:import-run", args=[run.pk])).content.decode()
    assert "the report could not be stored" in page
    assert 'hx-trigger="every 1s"' not in page
