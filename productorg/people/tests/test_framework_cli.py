"""`productorg framework export|import` and the framework `productorg migrate` loads."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from productorg.cli import app
from productorg.people.models import Competency, Level
from productorg.people.services import framework_ensure_default, framework_parse
from productorg.people.services.framework import SHIPPED_FRAMEWORK

SHIPPED = SHIPPED_FRAMEWORK.read_text(encoding="utf-8")
runner = CliRunner()


@pytest.mark.parametrize(
    "command", [["framework"], ["framework", "export"], ["framework", "import"]]
)
def test_the_framework_commands_explain_themselves(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_export_writes_the_framework_as_yaml_to_stdout(db):
    framework_ensure_default()
    result = runner.invoke(app, ["framework", "export"])
    assert result.exit_code == 0, result.output
    assert framework_parse(text=result.stdout) == framework_parse(text=SHIPPED)


def test_export_writes_to_a_file_with_output(db, tmp_path):
    framework_ensure_default()
    target = tmp_path / "framework.yaml"
    result = runner.invoke(app, ["framework", "export", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert framework_parse(text=target.read_text(encoding="utf-8")) == framework_parse(text=SHIPPED)


def test_import_loads_a_file_and_says_what_changed(db):
    result = runner.invoke(app, ["framework", "import", str(SHIPPED_FRAMEWORK), "--apply"])
    assert result.exit_code == 0, result.output
    assert "Imported the career framework: " in result.output
    assert Competency.objects.count() == 18


def test_import_without_apply_is_a_dry_run_that_saves_nothing(db):
    result = runner.invoke(app, ["framework", "import", str(SHIPPED_FRAMEWORK)])
    assert result.exit_code == 0, result.output
    assert "competencies  18 created" in result.output
    assert "Dry run: nothing was saved" in result.output
    assert not Competency.objects.exists()


def test_import_of_a_broken_file_lists_the_lines_and_changes_nothing(db, tmp_path):
    framework_ensure_default()
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        SHIPPED.replace("      - code: hiring", "      - code: coaching").replace(
            "the company", "the world"
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["framework", "import", str(broken), "--apply"])
    assert result.exit_code == 1
    line = SHIPPED.splitlines().index("      - code: hiring") + 1
    assert f"{broken}:{line}: competency code 'coaching' is used twice" in result.output
    assert "Nothing was imported." in result.output
    assert Level.objects.get(code="cpo").scope_of_impact == "the company"


def test_import_of_a_missing_file_is_refused(db, tmp_path):
    result = runner.invoke(app, ["framework", "import", str(tmp_path / "nope.yaml")])
    assert result.exit_code != 0
    assert not Competency.objects.exists()


def test_migrate_loads_the_shipped_framework_into_an_empty_database(db):
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert "Loaded the shipped career framework." in result.output
    assert Competency.objects.count() == 18
    again = runner.invoke(app, ["migrate"])
    assert "Loaded the shipped career framework." not in again.output
