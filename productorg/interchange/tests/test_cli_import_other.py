"""`productorg import linear | productboard | aha | csv`: reports, presets, exit codes and
who may import what."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from productorg.cli import app
from productorg.interchange.models import ImportProfile, MappingPreset, TeamMapping
from productorg.people.models import Person, Team
from productorg.strategy.models import Dependency, Initiative

FIXTURES = Path(__file__).parent / "fixtures"
LINEAR = str(FIXTURES / "linear" / "issues_34_columns.csv")
PRODUCTBOARD = str(FIXTURES / "productboard" / "features.csv")
AHA = str(FIXTURES / "aha" / "features.csv")
PEOPLE = str(FIXTURES / "generic" / "people.csv")
TEAMS = str(FIXTURES / "generic" / "teams.csv")
LINEAR_TEAMS = ["--map-team", "Checkout=Checkout", "--map-team", "Search=search"]
PEOPLE_COLUMNS = [
    "--column",
    "name=Full name",
    "--column",
    "email=Work e-mail",
    "--column",
    "level=Level",
    "--column",
    "manager=Reports to",
]

runner = CliRunner()


def invoke(*arguments: str):
    return runner.invoke(app, ["import", *arguments, "--quiet"])


# --- linear ----------------------------------------------------------------------------------


def test_a_linear_dry_run_lists_each_issue_and_writes_nothing(org):
    result = invoke("linear", LINEAR, "--dry-run", *LINEAR_TEAMS)

    assert result.exit_code == 0, result.output
    assert "Read 6 rows: 6 would be created" in result.output
    assert "ENG-103" in result.output
    assert "Dry run: nothing was written." in result.output
    assert not Initiative.objects.filter(source="linear").exists()
    assert not TeamMapping.objects.exists()


def test_a_linear_import_writes_dependencies_and_remembers_options_and_teams(org):
    result = invoke("linear", LINEAR, "--points-per-week", "4", *LINEAR_TEAMS)

    assert result.exit_code == 0, result.output
    assert "Imported." in result.output
    saved_cards = Initiative.objects.get(source="linear", source_key="ENG-101")
    assert saved_cards.effort_estimate == Decimal(2)
    assert Dependency.objects.filter(depends_on=saved_cards).count() == 3
    assert ImportProfile.objects.get(source="linear").options["points_per_person_week"] == "4"
    again = invoke("linear", LINEAR)
    assert again.exit_code == 0, again.output
    assert "0 created" in again.output
    assert Initiative.objects.filter(source="linear").count() == 6


def test_unmapped_linear_teams_exit_1_naming_them(org, tmp_path):
    # Checkout matches a team by name; "Discovery squad" matches none.
    renamed = tmp_path / "issues.csv"
    renamed.write_text(Path(LINEAR).read_text().replace(",Search,", ",Discovery squad,"))

    result = invoke("linear", str(renamed))

    assert result.exit_code == 1
    assert "Discovery squad" in result.output
    assert "--map-team 'Discovery squad=TEAM'" in result.output
    assert not Initiative.objects.filter(source="linear").exists()


def test_a_jira_file_given_to_the_linear_command_exits_2_pointing_to_jira(org, tmp_path):
    jira = tmp_path / "jira.csv"
    jira.write_text("Summary,Issue key,Issue Type,Status\nA,ENG-1,Epic,To Do\n")

    result = invoke("linear", str(jira))

    assert result.exit_code == 2
    assert "This looks like a Jira export; choose the Jira importer." in result.output


def test_a_product_manager_may_not_import_from_linear(org):
    result = invoke("linear", LINEAR, "--as", "pia")

    assert result.exit_code == 2
    assert "only product leaders import initiatives" in result.output


# --- productboard, aha, csv ------------------------------------------------------------------


def test_productboard_without_a_mapping_uses_and_prints_the_suggested_one(org):
    result = invoke("productboard", PRODUCTBOARD, "--dry-run", "--map-team", "Checkout=Checkout")

    assert "key='Feature ID'" in result.output
    assert "title='Feature name'" in result.output
    assert "Read 4 rows" in result.output


def test_a_saved_preset_is_used_by_the_next_import(org):
    columns = ["--column", "key=Feature reference #", "--column", "title=Feature name"]
    saved = invoke("aha", AHA, "--dry-run", *columns, "--save-preset", "Aha features")
    assert saved.exit_code == 0, saved.output
    assert MappingPreset.objects.get(name="Aha features").columns == {
        "key": "Feature reference #",
        "title": "Feature name",
    }

    result = invoke("aha", AHA, "--preset", "Aha features", "--as", "cora")

    assert result.exit_code == 0, result.output
    assert Initiative.objects.filter(source="aha").count() == 4


def test_an_unknown_preset_exits_2(org):
    result = invoke("aha", AHA, "--preset", "Nope")

    assert result.exit_code == 2
    assert "no mapping is saved under that name" in result.output


def test_a_column_the_file_lacks_exits_2_naming_it(org):
    result = invoke("csv", PEOPLE, "--target", "people", "--column", "name=Name")

    assert result.exit_code == 2
    assert "'Name'" in result.output


def test_people_are_imported_by_an_admin_with_managers_in_any_order(org):
    result = invoke("csv", PEOPLE, "--target", "people", *PEOPLE_COLUMNS, "--as", "ada")

    assert result.exit_code == 0, result.output
    assert Person.objects.get(email="ines@example.com").manager.name == "Hana Kim"


def test_a_leader_may_not_import_people_or_teams(org):
    people = invoke("csv", PEOPLE, "--target", "people", *PEOPLE_COLUMNS, "--as", "cora")
    teams = invoke("csv", TEAMS, "--target", "teams", "--column", "name=Team", "--as", "gabe")

    assert people.exit_code == teams.exit_code == 2
    assert "only administrators" in people.output
    assert not Person.objects.filter(email="ines@example.com").exists()
    assert not Team.objects.filter(name="Mobile").exists()


def test_an_admin_may_not_import_initiatives(org):
    result = invoke("productboard", PRODUCTBOARD, "--as", "ada")

    assert result.exit_code == 2
    assert "only product leaders" in result.output


def test_teams_with_bad_rows_exit_1_and_write_nothing(org, tmp_path):
    teams = tmp_path / "teams.csv"
    teams.write_text("Team,Capacity\nNew,10\nOther,lots\n")

    columns = ["--column", "name=Team", "--column", "capacity=Capacity"]
    result = invoke("csv", str(teams), "--target", "teams", *columns)

    assert result.exit_code == 1
    assert "line 3" in result.output
    assert not Team.objects.filter(name="New").exists()


def test_a_csv_import_reads_its_decimal_mark_and_default_category_and_remembers_them(org, tmp_path):
    export = tmp_path / "ideas.csv"
    export.write_text('Name;Value;Effort\nOne;12.000;"1.250,5"\n', encoding="utf-8")
    columns = ["--column", "title=Name", "--column", "value_estimate=Value"]
    columns += ["--column", "effort=Effort"]
    options = ["--decimal-mark", ",", "--default-category", "growth"]
    checked = invoke("csv", str(export), *columns, *options, "--dry-run")
    assert "category: Growth (default) · status: Idea (default)" in checked.output
    assert "effort: 1250.5 pw" in checked.output
    result = invoke("csv", str(export), *columns, *options)
    assert result.exit_code == 0, result.output
    initiative = Initiative.objects.get(title="One")
    assert (initiative.value_estimate, initiative.effort_estimate) == (
        Decimal(12000),
        Decimal("1250.5"),
    )
    assert initiative.category == "growth"
    options = ImportProfile.objects.get(source="csv").options
    assert (options["decimal_mark"], options["default_category"]) == (",", "growth")
    assert "columns" not in options


def test_a_linear_dry_run_names_each_issues_category_from_its_labels(org, tmp_path):
    export = tmp_path / "linear.csv"
    export.write_text(
        'ID,Title,Team,Status,Labels\nENG-1,Referrals,Checkout,Todo,"Growth, web"\n',
        encoding="utf-8",
    )
    result = invoke(
        "linear", str(export), "--dry-run", "--category-column", "Labels", *LINEAR_TEAMS
    )
    assert result.exit_code == 0, result.output
    assert "category: Growth · status: Planned" in result.output
