"""`productorg import jira`: report, exit codes, remembered options and mappings, permissions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from productorg.cli import app
from productorg.interchange.models import ImportProfile, TeamMapping
from productorg.strategy.models import Initiative

FIXTURES = Path(__file__).parent / "fixtures" / "jira"
COMPANY = str(FIXTURES / "company_managed.csv")
MAPPED = ["--map-team", "CHK=Checkout", "--map-team", "srch=search"]

runner = CliRunner()


def invoke(*arguments: str):
    return runner.invoke(app, ["import", "jira", *arguments, "--quiet"])


def jira_initiatives():
    return Initiative.objects.filter(source="jira")


def test_a_dry_run_lists_each_row_and_writes_nothing(org):
    result = invoke(COMPANY, "--dry-run", *MAPPED)
    assert result.exit_code == 0, result.output
    assert "Read 9 rows: 3 would be created" in result.output
    assert "line      2  create     CHK-1" in result.output
    assert "Story — 3 points counted toward CHK-1" in result.output
    assert "Dry run: nothing was written." in result.output
    assert not jira_initiatives().exists()
    assert not TeamMapping.objects.exists()


def test_an_import_writes_and_remembers_options_and_mappings(org):
    result = invoke(COMPANY, *MAPPED, "--points-per-week", "2")
    assert result.exit_code == 0, result.output
    assert "Imported." in result.output
    assert jira_initiatives().count() == 3
    assert ImportProfile.objects.get(source="jira").options["points_per_person_week"] == "2"
    assert set(TeamMapping.objects.values_list("value", "team__name")) == {
        ("CHK", "Checkout"),
        ("srch", "Search"),
    }
    again = invoke(COMPANY)
    assert again.exit_code == 0, again.output
    assert "0 created, 0 updated, 3 unchanged" in again.output
    assert jira_initiatives().get(source_key="CHK-1").effort_estimate == Decimal(4)


def test_unmapped_values_exit_1_with_the_flags_to_pass(org):
    result = invoke(COMPANY)
    assert result.exit_code == 1
    assert "No team is mapped to these Project key values yet: CHK, SRCH." in result.output
    assert "--map-team CHK=TEAM --map-team SRCH=TEAM" in result.output
    assert not jira_initiatives().exists()


def test_bad_rows_exit_1_listing_each_with_its_line(org):
    result = invoke(str(FIXTURES / "bad_rows.csv"), "--map-team", "CHK=")
    assert result.exit_code == 1
    assert "line 3: CHK-2: Custom field (Start date): '31/Feb/24'" in result.output
    assert "line 4: CHK-3: Custom field (Story Points): 'three'" in result.output
    assert not jira_initiatives().exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([str(FIXTURES / "linear_export.csv")], "looks like a Linear export"),
        ([str(FIXTURES / "nothing-here.csv")], "Cannot open"),
        ([COMPANY, "--points-per-week", "0"], "above zero"),
        ([COMPANY, "--map-team", "CHK=Nope"], "no team is named 'Nope'"),
        ([COMPANY, "--map-team", "CHK"], "VALUE=TEAM"),
        ([COMPANY, "--as", "nobody"], "No active user"),
    ],
)
def test_bad_usage_and_unreadable_files_exit_2(org, arguments, message):
    result = invoke(*arguments)
    assert result.exit_code == 2
    assert message in result.output
    assert not jira_initiatives().exists()


@pytest.mark.parametrize("username", ["pia", "sam", "ada"])
def test_only_leaders_may_import_as_themselves(org, username):
    result = invoke(COMPANY, *MAPPED, "--as", username)
    assert result.exit_code == 2
    assert "only product leaders import initiatives" in result.output
    assert not jira_initiatives().exists()


def test_a_leader_imports_as_themselves(org):
    result = invoke(COMPANY, *MAPPED, "--as", "cora")
    assert result.exit_code == 0, result.output
    assert jira_initiatives().count() == 3


def test_a_long_dry_run_lists_200_rows_unless_verbose(org, tmp_path):
    header = "Issue key,Summary,Issue Type,Project key\n"
    rows = "".join(f"T-{n},Task {n},Task,CHK\n" for n in range(250))
    export = tmp_path / "many.csv"
    export.write_text(header + rows, encoding="utf-8")
    short = invoke(str(export), "--dry-run")
    assert "... and 50 more" in short.output
    full = invoke(str(export), "--dry-run", "--verbose")
    assert "T-249" in full.output and "more" not in full.output


def test_progress_goes_to_stderr(org):
    result = runner.invoke(app, ["import", "jira", COMPANY, "--dry-run", *MAPPED])
    assert result.exit_code == 0
    assert "reading" in result.output


def test_without_a_category_option_epics_get_none_and_the_dry_run_says_so(org):
    result = invoke(COMPANY, "--dry-run", *MAPPED)
    assert result.exit_code == 0, result.output
    assert "category: No category (not chosen) · status: In progress" in result.output
    assert "health: Green (default: no status update yet)" in result.output


def test_a_category_column_and_default_are_used_shown_and_remembered(org):
    arguments = [
        "--category-column",
        "Labels",
        "--map-category",
        "speed=growth",
        "--default-category",
        "scaling",
    ]
    result = invoke(COMPANY, *MAPPED, *arguments)
    assert result.exit_code == 0, result.output
    assert jira_initiatives().get(source_key="CHK-1").category == "growth"
    assert jira_initiatives().get(source_key="CHK-5").category == "scaling"
    options = ImportProfile.objects.get(source="jira").options
    assert options["category_column"] == "Labels"
    assert options["default_category"] == "scaling"
    assert options["category_values"] == {"speed": "growth"}
    again = invoke(COMPANY, "--dry-run")
    assert "category: Growth · status" in again.output
    assert "category: Scaling (kept)" in again.output


def test_an_update_lists_each_change_before_and_after(org):
    assert invoke(COMPANY, *MAPPED).exit_code == 0
    jira_initiatives().filter(source_key="CHK-1").update(title="Old title")
    result = invoke(COMPANY, "--dry-run")
    assert "title: Old title → Faster checkout" in result.output


def test_points_with_a_decimal_comma_need_the_decimal_mark_option(org, tmp_path):
    export = tmp_path / "comma.csv"
    export.write_text(
        "Issue key,Summary,Issue Type,Project key,Custom field (Epic Link),"
        'Custom field (Story Points)\nE-1,Epic,Epic,CHK,,\nS-1,Story,Story,CHK,E-1,"2,5"\n',
        encoding="utf-8",
    )
    refused = invoke(str(export), "--map-team", "CHK=Checkout")
    assert refused.exit_code == 1
    assert "'2,5' cannot be read with the decimal mark “.”" in refused.output
    assert "set the decimal mark option to “,”" in refused.output
    accepted = invoke(str(export), "--map-team", "CHK=Checkout", "--decimal-mark", ",")
    assert accepted.exit_code == 0, accepted.output
    assert jira_initiatives().get(source_key="E-1").effort_estimate == Decimal("0.5")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--decimal-mark", ";"], "Decimal mark"),
        (["--default-category", "moonshots"], "'moonshots' is not a work category"),
        (["--map-category", "speed"], "VALUE=CATEGORY"),
    ],
)
def test_bad_category_and_decimal_options_exit_2(org, arguments, message):
    result = invoke(COMPANY, *MAPPED, *arguments)
    assert result.exit_code == 2
    assert message in result.output


def test_a_nul_deep_in_the_file_exits_2_naming_line_and_column_without_a_traceback(org, tmp_path):
    header = "Summary,Issue key,Issue id,Issue Type,Status,Project key,Description\n"
    rows = "".join(f"Epic {n},CHK-{n},{n},Epic,To Do,CHK,plain\n" for n in range(1, 3000))
    path = tmp_path / "export.csv"
    path.write_text(header + rows + "Late,CHK-9999,9999,Epic,To Do,CHK,a\x00b\n")
    assert path.stat().st_size > 64 * 1024

    result = invoke(str(path), *MAPPED)

    assert result.exit_code == 2, result.output
    assert "NUL character" in result.output
    assert "line 3001, column Description" in result.output
    assert "Traceback" not in result.output
    assert not jira_initiatives().exists()


def test_utf8_with_a_stray_byte_exits_2_naming_the_line(org, tmp_path):
    path = tmp_path / "export.csv"
    header = "Summary,Issue key,Issue id,Issue Type,Status,Project key\n"
    valid = "Café ✓,CHK-1,1,Epic,To Do,CHK\n"
    path.write_bytes((header + valid).encode() + b"Caf\xe9,CHK-2,2,Epic,To Do,CHK\n")

    result = invoke(str(path), *MAPPED)

    assert result.exit_code == 2, result.output
    assert "line 3 holds bytes that are not UTF-8" in result.output
    assert not jira_initiatives().exists()
