from __future__ import annotations

import datetime
import gzip
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from typer.testing import CliRunner

from productorg.accounts.models import User
from productorg.cli import app
from productorg.factories import (
    AssessmentFactory,
    InitiativeFactory,
    MeetingFactory,
    ObjectiveFactory,
    OneOnOneFactory,
    PrivateNoteFactory,
    SharedNoteFactory,
)
from productorg.interchange import backup
from productorg.interchange.backup import BackupError
from productorg.people.models import Level, PrivateNote
from productorg.strategy.models import Initiative, KeyResult, StatusUpdate

runner = CliRunner()


@pytest.fixture
def workspace(org):
    """The persona org plus strategy objects, a 1:1 with a private note and an assessment."""
    objective = ObjectiveFactory(title="Grow repeat purchases", owner=org.cora)
    initiative = Initiative.objects.get(title="One-click reorder")
    initiative.objectives.add(objective)
    InitiativeFactory(title="Ünïcode “quotes” & <tags>", team=org.search, owner=org.paul)
    KeyResult.objects.create(
        objective=objective, metric="Repeat rate", unit="%", baseline=10, target="20.50"
    )
    StatusUpdate.objects.create(
        initiative=initiative,
        author=org.pia,
        date=datetime.date(2027, 1, 15),
        health="green",
        progress=40,
        summary="On track",
    )
    meeting = MeetingFactory(one_on_one=OneOnOneFactory(report=org.pia))
    PrivateNoteFactory(meeting=meeting, text="Pia seems tired; ask about workload.")
    SharedNoteFactory(meeting=meeting)
    AssessmentFactory(person=org.paul)
    group = Group.objects.create(name="Auditors")
    group.permissions.add(Permission.objects.get(codename="view_initiative"))
    org.pia.user.groups.add(group)
    return org


def written(**options) -> str:
    stream = io.StringIO()
    backup.backup_write(stream=stream, **options)
    return stream.getvalue()


def objects_of(document: str) -> list[dict]:
    lines = [json.loads(line) for line in document.splitlines()]
    return lines[1:-1]


def wipe() -> None:
    backup._wipe(connection.alias)


def test_a_backup_restored_into_an_emptied_database_backs_up_to_the_same_objects(workspace):
    first = written()
    wipe()
    assert not Initiative.objects.exists()

    summary = backup.backup_restore(stream=io.StringIO(first))

    second = written()
    assert objects_of(second) == objects_of(first)
    assert summary.total == len(objects_of(first))
    trailer_counts = json.loads(second.splitlines()[-1])["counts"]
    assert {label: count for label, count in trailer_counts.items() if count} == summary.counts


def test_a_restore_gives_back_private_notes_groups_and_permissions(workspace):
    document = written()
    wipe()

    backup.backup_restore(stream=io.StringIO(document))

    assert PrivateNote.objects.get().text == "Pia seems tired; ask about workload."
    pia = User.objects.get(username="pia")
    assert pia.has_perm("strategy.view_initiative")
    assert list(pia.groups.values_list("name", flat=True)) == ["Auditors"]


def test_new_rows_after_a_restore_get_fresh_ids(workspace):
    document = written()
    highest = Initiative.objects.order_by("-pk").first().pk
    wipe()
    backup.backup_restore(stream=io.StringIO(document))

    added = InitiativeFactory(title="After the restore", team=workspace.checkout)

    assert added.pk > highest


def test_the_document_starts_with_a_versioned_header_and_ends_with_the_counts(workspace):
    lines = written().splitlines()
    header, trailer = json.loads(lines[0]), json.loads(lines[-1])

    assert header["format"] == "productorg-backup"
    assert header["version"] == 1
    migrations = {app["label"]: app["migrations"] for app in header["apps"]}
    assert "0002_career_ladder" in migrations["people"]
    assert trailer["end"] == "productorg-backup"
    assert trailer["objects"] == len(lines) - 2
    assert trailer["counts"]["people.privatenote"] == 1


def test_a_database_holding_only_what_migrate_loads_counts_as_empty(db):
    assert Level.objects.exists()

    assert backup.database_is_empty()


def test_a_restore_into_a_database_with_data_is_refused_and_changes_nothing(workspace):
    document = written()
    InitiativeFactory(title="Made after the backup", team=workspace.checkout)

    with pytest.raises(BackupError, match="already holds data"):
        backup.backup_restore(stream=io.StringIO(document))

    assert Initiative.objects.filter(title="Made after the backup").exists()


def test_a_forced_restore_replaces_everything_in_the_database(workspace):
    document = written()
    InitiativeFactory(title="Made after the backup", team=workspace.checkout)

    backup.backup_restore(stream=io.StringIO(document), force=True)

    assert not Initiative.objects.filter(title="Made after the backup").exists()
    assert objects_of(written()) == objects_of(document)


def cut_off(document: str) -> str:
    return document[: len(document) // 2]


def wrong_format(document: str) -> str:
    return json.dumps({"format": "something-else", "version": 1}) + "\n"


def wrong_version(document: str) -> str:
    header, rest = document.split("\n", 1)
    return json.dumps(json.loads(header) | {"version": 99}) + "\n" + rest


def lines_cut_off(document: str) -> str:
    return "\n".join(document.splitlines()[:-3]) + "\n"


def miscounted(document: str) -> str:
    lines = document.splitlines()
    del lines[3]
    return "\n".join(lines) + "\n"


def foreign_model(document: str) -> str:
    lines = document.splitlines()
    lines[1] = json.dumps({"model": "sessions.session", "pk": "x", "fields": {}})
    return "\n".join(lines) + "\n"


def unknown_field(document: str) -> str:
    lines = document.splitlines()
    row = json.loads(lines[1])
    row["fields"]["no_such_field"] = 1
    lines[1] = json.dumps(row)
    return "\n".join(lines) + "\n"


def test_times_come_back_to_the_microsecond(workspace):
    # Django's JSON encoder keeps milliseconds only: 12:00:00.000345 came back as 12:00:00.
    joined = datetime.datetime(2026, 3, 1, 12, 0, 0, 345, tzinfo=datetime.UTC)
    User.objects.filter(username="sam").update(date_joined=joined)
    first = written()
    wipe()

    backup.backup_restore(stream=io.StringIO(first))

    assert User.objects.get(username="sam").date_joined == joined
    assert objects_of(written()) == objects_of(first)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda document: "", "empty"),
        (lambda document: "\x00\x01 binary junk", "not a ProductOrg backup"),
        (cut_off, "not JSON"),
        (lines_cut_off, "cut off"),
        (miscounted, "counts"),
        (wrong_format, "format is not productorg-backup"),
        (wrong_version, "version 99"),
        (foreign_model, "not an object of a backed-up model"),
        (unknown_field, "Line 2 cannot be loaded"),
    ],
)
def test_a_bad_file_is_refused_with_a_reason_and_nothing_is_written(workspace, damage, reason):
    document = written()
    wipe()

    with pytest.raises(BackupError, match=reason):
        backup.backup_restore(stream=io.StringIO(damage(document)))

    assert not Initiative.objects.exists()
    assert not User.objects.exists()


def test_a_backup_from_a_newer_schema_is_refused(workspace):
    header, rest = written().split("\n", 1)
    newer = json.loads(header)
    newer["apps"][0]["migrations"].append("9999_from_the_future")
    wipe()

    with pytest.raises(BackupError, match="newer ProductOrg"):
        backup.backup_restore(stream=io.StringIO(json.dumps(newer) + "\n" + rest))


def test_the_cli_backs_up_to_a_gzip_file_and_restores_it(workspace, tmp_path: Path):
    path = tmp_path / "productorg.jsonl.gz"

    result = runner.invoke(app, ["backup", str(path)])

    assert result.exit_code == 0, result.output
    assert "people.privatenote" in result.stderr
    document = gzip.decompress(path.read_bytes()).decode()
    wipe()
    result = runner.invoke(app, ["restore", str(path)])
    assert result.exit_code == 0, result.output
    assert "Restored" in result.stderr
    assert objects_of(written()) == objects_of(document)


def test_the_cli_writes_the_backup_to_stdout_given_a_dash(workspace):
    result = runner.invoke(app, ["backup", "-"])

    assert result.exit_code == 0, result.output
    assert objects_of(result.stdout) == objects_of(written())


def test_the_cli_refuses_a_non_empty_database_with_exit_2_unless_forced(workspace, tmp_path):
    path = tmp_path / "backup.jsonl"
    path.write_text(written(), encoding="utf-8")

    refused = runner.invoke(app, ["restore", str(path)])
    forced = runner.invoke(app, ["restore", "--force", str(path)])

    assert refused.exit_code == 2
    assert "--force" in refused.stderr
    assert forced.exit_code == 0, forced.output


@pytest.mark.parametrize(
    "content",
    [b"", b"not json at all\n", b"\x1f\x8b\x08\x00broken gzip", "\xff\xfe bad".encode("latin-1")],
)
def test_the_cli_answers_a_bad_file_with_exit_2_and_writes_nothing(db, tmp_path, content):
    path = tmp_path / "backup.jsonl"
    path.write_bytes(content)

    result = runner.invoke(app, ["restore", str(path)])

    assert result.exit_code == 2, result.output
    assert "Nothing was restored" in result.stderr
    assert not User.objects.exists()


def with_nul_in(document: str, model: str, field: str, value: object) -> str:
    """The backup as SQLite would have written it with a NUL in one row's field."""
    lines = document.splitlines()
    for index, line in enumerate(lines):
        row = json.loads(line)
        if row.get("model") == model:
            row["fields"][field] = value
            lines[index] = json.dumps(row)
            return "\n".join(lines) + "\n"
    raise AssertionError(f"no {model} in the backup")


def test_a_nul_in_a_text_field_is_refused_naming_the_row_and_nothing_is_restored(workspace):
    document = with_nul_in(written(), "strategy.initiative", "title", "Faster\x00checkout")
    pk = next(
        json.loads(line)["pk"] for line in document.splitlines() if "Faster\\u0000checkout" in line
    )
    wipe()

    with pytest.raises(BackupError, match="NUL character") as refused:
        backup.backup_restore(stream=io.StringIO(document))

    assert f"strategy.initiative row {pk!r}, field 'title'" in refused.value.message
    assert not Initiative.objects.exists()
    assert not User.objects.exists()


def test_a_nul_nested_in_a_json_field_is_refused_too(workspace):
    from productorg.interchange.models import ImportProfile

    ImportProfile.objects.create(source="jira", options={"issue_types": ["Epic"]})
    document = with_nul_in(written(), "interchange.importprofile", "options", {"a": ["b\x00"]})
    wipe()

    with pytest.raises(BackupError, match="interchange.importprofile row .*'options'"):
        backup.backup_restore(stream=io.StringIO(document))


def test_the_cli_refuses_a_backup_holding_a_nul_with_exit_2_and_no_traceback(workspace, tmp_path):
    path = tmp_path / "backup.jsonl"
    path.write_text(with_nul_in(written(), "strategy.initiative", "title", "S\x00m"))
    wipe()

    result = runner.invoke(app, ["restore", str(path)])

    assert result.exit_code == 2, result.output
    assert "NUL character" in result.stderr
    assert "Traceback" not in result.output
    assert not User.objects.exists()
