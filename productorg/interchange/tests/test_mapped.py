"""The column-mapping importer: Productboard, Aha! and any CSV or XLSX, into initiatives,
teams or people."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from productorg.factories import PersonFactory, level
from productorg.interchange.importers import mapped
from productorg.interchange.importers.reading import ReadError, open_table
from productorg.interchange.importers.report import Action, ImportReport
from productorg.interchange.models import TeamMapping
from productorg.people.models import Person, Team
from productorg.strategy.models import Initiative

FIXTURES = Path(__file__).parent / "fixtures"
PRODUCTBOARD = FIXTURES / "productboard" / "features.csv"
AHA = FIXTURES / "aha" / "features.csv"
PEOPLE = FIXTURES / "generic" / "people.csv"
TEAMS = FIXTURES / "generic" / "teams.csv"
INITIATIVES_XLSX = FIXTURES / "generic" / "initiatives.xlsx"

PEOPLE_COLUMNS = {
    "name": "Full name",
    "email": "Work e-mail",
    "level": "Level",
    "manager": "Reports to",
    "start_date": "Start date",
}
TEAM_COLUMNS = {
    "name": "Team",
    "product_area": "Area",
    "product_manager": "Product manager",
    "capacity": "Capacity (pw per quarter)",
}
XLSX_COLUMNS = {
    "key": "Ref",
    "title": "Initiative",
    "description": "Summary",
    "status": "Stage",
    "team": "Squad",
    "owner": "Owner",
    "effort": "Person-weeks",
    "earliest_start": "Not before",
    "deadline": "Due",
    "category": "Kind",
    "tags": "Labels",
}


def header_of(path: Path) -> list[str]:
    return list(open_table(io.BytesIO(path.read_bytes()), name=path.name).header.names)


def run(path: Path, *, source="csv", target="initiatives", columns=None, dry_run=True, **options):
    if columns is not None:
        options["columns"] = columns
    with path.open("rb") as file:
        return mapped.mapped_import(
            file=file,
            name=path.name,
            source=source,
            target=target,
            options=options,
            dry_run=dry_run,
            user=None,
        )


def records_of(path: Path, columns: dict[str, str]):
    table = open_table(io.BytesIO(path.read_bytes()), name=path.name)
    report = ImportReport(source="csv", dry_run=True)
    found = list(mapped.initiative_records(table.rows, columns=columns, report=report))
    return found, report


def csv_file(tmp_path: Path, text: str, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the mapping step ------------------------------------------------------------------------


def test_mapping_fields_flag_title_required_and_key_required_for_productboard_and_aha():
    generic = {field.name: field for field in mapped.mapping_fields("initiatives")}
    keyed = {
        field.name: field for field in mapped.mapping_fields("initiatives", source="productboard")
    }

    assert generic["title"].required
    assert not generic["key"].required
    assert keyed["key"].required
    assert [field.name for field in mapped.mapping_fields("people") if field.required] == [
        "name",
        "email",
    ]


def test_productboard_columns_are_suggested_from_its_export():
    suggested = mapped.suggest_columns(
        target="initiatives", header_names=header_of(PRODUCTBOARD), source="productboard"
    )

    assert suggested == {
        "key": "Feature ID",
        "title": "Feature name",
        "description": "Description",
        "status": "Status",
        "team": "Product",
        "owner": "Owner email",
        "tags": "Tags",
        "earliest_start": "Timeframe start",
        "deadline": "Timeframe end",
    }


def test_aha_columns_are_suggested_from_its_export():
    suggested = mapped.suggest_columns(
        target="initiatives", header_names=header_of(AHA), source="aha"
    )

    assert suggested["key"] == "Feature reference #"
    assert suggested["status"] == "Feature status"
    assert suggested["owner"] == "Assigned to user"
    assert suggested["team"] == "Release name"
    assert suggested["effort"] == "Initial estimate"
    assert suggested["deadline"] == "Due date"


def test_generic_suggestions_match_columns_named_like_the_field():
    suggested = mapped.suggest_columns(
        target="people", header_names=["NAME", "E-mail", "Manager", "Other"], source="csv"
    )

    assert suggested == {"name": "NAME", "email": "E-mail", "manager": "Manager"}


def test_a_mapped_column_the_file_lacks_is_named(db):
    with pytest.raises(ReadError, match="'Feature title'"):
        run(PRODUCTBOARD, source="productboard", columns={"key": "ID", "title": "Feature title"})


def test_an_unmapped_required_field_is_asked_for(db):
    with pytest.raises(ReadError, match="Map a column to Title"):
        run(PRODUCTBOARD, source="productboard", columns={"key": "Feature ID"})
    with pytest.raises(ReadError, match="Map a column to Key"):
        run(PRODUCTBOARD, source="productboard", columns={"title": "Feature name"})


def test_a_preset_is_saved_once_by_name_and_listed_for_its_source_and_target(org):
    mapped.mapping_preset_save(
        name="PB", source="productboard", target="initiatives", columns={"a": "b"}, user=None
    )
    mapped.mapping_preset_save(
        name="PB",
        source="productboard",
        target="initiatives",
        columns={"title": "Feature name"},
        user=org.cora.user,
    )

    [preset] = mapped.mapping_presets_for(source="productboard", target="initiatives")
    assert preset.columns == {"title": "Feature name"}
    assert preset.created_by == org.cora.user
    assert mapped.mapping_presets_for(source="aha", target="initiatives") == []


# --- rows into initiative records ------------------------------------------------------------


def test_productboard_rows_become_records_with_statuses_dates_tags_and_no_formula_quote():
    columns = mapped.suggest_columns(
        target="initiatives", header_names=header_of(PRODUCTBOARD), source="productboard"
    )

    records, report = records_of(PRODUCTBOARD, columns)

    assert not report.errors
    saved_carts, suggestions, dashboard, dunning = records
    assert saved_carts.key == "6204113"
    assert saved_carts.status == "in_progress"
    assert saved_carts.description.endswith("Asked for by 41 customers.")
    assert saved_carts.earliest_start == dt.date(2024, 4, 1)
    assert saved_carts.deadline == dt.date(2024, 6, 30)
    assert saved_carts.tags == ["retention", "mobile"]
    assert saved_carts.team_value == "Checkout"
    assert suggestions.status == "planned"
    assert dashboard.title == "=Revenue dashboard"
    assert dashboard.description == "+margin per plan"
    assert dashboard.status == "idea"
    assert dunning.status == "done"
    assert dunning.tags == ["scaling", "billing"]


def test_aha_statuses_and_estimates_are_read():
    columns = mapped.suggest_columns(
        target="initiatives", header_names=header_of(AHA), source="aha"
    )

    records, report = records_of(AHA, columns)

    assert not report.errors
    assert [record.status for record in records] == ["in_progress", "planned", "idea", "dropped"]
    assert records[0].effort == Decimal(6)
    assert records[2].effort is None


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("In progress", "in_progress"),
        ("building", "in_progress"),
        ("Shipped", "done"),
        ("Next", "planned"),
        ("Under consideration", "idea"),
        ("Won't do", "dropped"),
        ("discovery", "discovery"),
        ("DONE", "done"),
    ],
)
def test_status_words_of_many_tools_are_understood(text, status):
    assert mapped.initiative_status(text) == status


def test_bad_status_date_and_number_rows_are_each_reported_with_the_accepted_values(tmp_path):
    path = csv_file(
        tmp_path,
        "ID,Name,Status,Effort,Due\n"
        "1,Good,Planned,3,2024-05-01\n"
        "2,Bad status,Pondering,3,\n"
        "3,Bad effort and date,Planned,lots,someday\n"
        "4,,Planned,,\n",
    )
    columns = {"key": "ID", "title": "Name", "status": "Status", "effort": "Effort"}
    columns["deadline"] = "Due"

    records, report = records_of(path, columns)

    assert [record.key for record in records] == ["1"]
    assert [error.line for error in report.errors] == [3, 4, 5]
    assert "'Pondering' is not a status" in report.errors[0].reason
    assert "In progress" in report.errors[0].reason
    assert "Effort" in report.errors[1].reason and "someday" in report.errors[1].reason
    assert "Name is empty" in report.errors[2].reason


def test_a_deadline_before_the_earliest_start_is_a_bad_row(tmp_path):
    path = csv_file(tmp_path, "ID,Name,From,To\n1,Backwards,2024-06-01,2024-05-01\n")

    _, report = records_of(
        path, {"key": "ID", "title": "Name", "earliest_start": "From", "deadline": "To"}
    )

    assert "before the earliest start" in report.errors[0].reason


def test_an_xlsx_file_is_read_like_a_csv_with_dates_numbers_and_categories():
    records, report = records_of(INITIATIVES_XLSX, XLSX_COLUMNS)

    assert not report.errors
    partner_api, residency, gift_cards = records
    assert partner_api.earliest_start == dt.date(2024, 7, 1)
    assert partner_api.category == "growth"
    assert partner_api.tags == ["api", "partners"]
    assert residency.effort == Decimal("20.5")
    assert residency.status == "in_progress"
    assert gift_cards.status == "idea"
    assert gift_cards.team_value is None


# --- initiatives end to end ------------------------------------------------------------------


@pytest.fixture
def pb_teams(org):
    for value, team in [("Checkout", org.checkout), ("Search", org.search)]:
        TeamMapping.objects.create(source="productboard", field="Product", value=value, team=team)
    TeamMapping.objects.create(
        source="productboard", field="Product", value="Billing", team=org.billing
    )
    return org


def productboard_columns() -> dict[str, str]:
    return mapped.suggest_columns(
        target="initiatives", header_names=header_of(PRODUCTBOARD), source="productboard"
    )


def test_a_productboard_dry_run_lists_every_feature_and_writes_nothing(pb_teams):
    report = run(PRODUCTBOARD, source="productboard", columns=productboard_columns())

    assert report.ok, report.to_json()
    assert [outcome.key for outcome in report.outcomes] == [
        "6204113",
        "6204114",
        "6204115",
        "6204116",
    ]
    assert not Initiative.objects.filter(source="productboard").exists()


def test_a_productboard_reimport_updates_by_feature_id_without_duplicates(pb_teams):
    first = run(PRODUCTBOARD, source="productboard", columns=productboard_columns(), dry_run=False)
    assert first.applied, first.to_json()

    again = run(PRODUCTBOARD, source="productboard", columns=productboard_columns(), dry_run=False)

    assert again.ok
    imported = Initiative.objects.filter(source="productboard")
    assert imported.count() == 4
    assert imported.get(source_key="6204113").team == pb_teams.checkout
    assert Action.CREATE not in {outcome.action for outcome in again.outcomes}


def test_a_saved_preset_is_reused_for_the_next_import(pb_teams):
    mapped.mapping_preset_save(
        name="Productboard features",
        source="productboard",
        target="initiatives",
        columns=productboard_columns(),
        user=None,
    )

    report = run(PRODUCTBOARD, source="productboard", preset="Productboard features")

    assert report.ok
    assert len(report.outcomes) == 4


def test_an_unknown_preset_is_a_read_error(db):
    with pytest.raises(ReadError, match="No saved mapping"):
        run(PRODUCTBOARD, source="productboard", preset="Nope")


def test_a_generic_file_without_a_key_says_rows_always_create(org):
    columns = {"title": "Initiative", "category": "Kind"}

    report = run(INITIATIVES_XLSX, columns=columns)

    assert any("every row creates a new initiative" in note for note in report.notes)
    assert report.counts["create"] == 3


def test_keyless_rows_are_created_with_their_value_and_no_stored_key(org, tmp_path):
    path = csv_file(tmp_path, "Name,Value\nFirst idea,40\nSecond idea,7.5\n")

    report = run(path, columns={"title": "Name", "value_estimate": "Value"}, dry_run=False)

    assert report.applied
    assert [outcome.key for outcome in report.outcomes] == ["", ""]
    created = Initiative.objects.filter(source="csv").order_by("title")
    assert [(i.title, i.value_estimate, i.source_key) for i in created] == [
        ("First idea", Decimal("40.0"), ""),
        ("Second idea", Decimal("7.5"), ""),
    ]


def test_an_aha_xlsx_export_imports_like_its_csv(org, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    with AHA.open(encoding="utf-8", newline="") as export:
        for cells in csv.reader(export):
            sheet.append(cells)
    path = tmp_path / "aha.xlsx"
    workbook.save(path)
    for value in ["Checkout Q2", "Search Q3", "Billing Q3"]:
        TeamMapping.objects.create(source="aha", field="Release name", value=value, team=None)
    columns = mapped.suggest_columns(
        target="initiatives", header_names=header_of(path), source="aha"
    )

    report = run(path, source="aha", columns=columns, dry_run=False)

    assert report.applied, report.to_json()
    assert set(Initiative.objects.filter(source="aha").values_list("source_key", flat=True)) == {
        "APP-101",
        "APP-102",
        "APP-103",
        "APP-104",
    }


def test_a_file_with_bad_rows_writes_nothing(org, tmp_path):
    path = csv_file(tmp_path, "ID,Name,Status\n1,Fine,Planned\n2,Odd,Maybe\n3,Odd too,Perhaps\n")

    report = run(path, columns={"key": "ID", "title": "Name", "status": "Status"}, dry_run=False)

    assert [error.line for error in report.errors] == [3, 4]
    assert not report.applied
    assert not Initiative.objects.filter(source="csv").exists()


# --- teams -----------------------------------------------------------------------------------


def test_teams_are_created_or_updated_by_name_with_their_product_manager(org):
    report = run(TEAMS, target="teams", columns=TEAM_COLUMNS, dry_run=False)

    assert report.applied, report.to_json()
    assert [(outcome.title, outcome.action) for outcome in report.outcomes] == [
        ("Checkout", Action.UPDATE),
        ("Growth Lab", Action.CREATE),
        ("Mobile", Action.CREATE),
    ]
    checkout = Team.objects.get(name="Checkout")
    assert checkout.product_area == "Commerce"
    assert checkout.capacity_per_quarter == 60
    assert Team.objects.get(name="Growth Lab").product_manager == org.paul
    assert Team.objects.filter(name__iexact="checkout").count() == 1


def test_a_teams_dry_run_writes_nothing_and_a_second_run_changes_nothing(org):
    dry = run(TEAMS, target="teams", columns=TEAM_COLUMNS)
    assert dry.counts["create"] == 2
    assert not Team.objects.filter(name="Mobile").exists()

    run(TEAMS, target="teams", columns=TEAM_COLUMNS, dry_run=False)
    again = run(TEAMS, target="teams", columns=TEAM_COLUMNS, dry_run=False)

    assert again.counts["unchanged"] == 3


def test_a_team_with_an_unknown_product_manager_refuses_the_whole_file(org, tmp_path):
    path = csv_file(tmp_path, "Team,Product manager\nNew one,\nOther,Nobody Atall\n")

    report = run(
        path, target="teams", columns={"name": "Team", "product_manager": "Product manager"}
    )

    assert [error.line for error in report.errors] == [3]
    assert "nobody is named 'Nobody Atall'" in report.errors[0].reason
    run(
        path,
        target="teams",
        columns={"name": "Team", "product_manager": "Product manager"},
        dry_run=False,
    )
    assert not Team.objects.filter(name="New one").exists()


# --- people ----------------------------------------------------------------------------------


def test_people_are_created_with_managers_listed_later_in_the_file(org):
    report = run(PEOPLE, target="people", columns=PEOPLE_COLUMNS, dry_run=False)

    assert report.applied, report.to_json()
    assert report.counts["create"] == 4
    ines = Person.objects.get(email="ines@example.com")
    assert ines.manager.email == "hana@example.com"
    assert ines.level == level("pm")
    assert ines.start_date == dt.date(2023, 2, 1)
    assert Person.objects.get(email="hana@example.com").manager == org.dana
    assert Person.objects.get(email="kofi@example.com").manager.name == "Jon Berg"


def test_a_people_dry_run_lists_every_row_and_writes_nothing(org):
    report = run(PEOPLE, target="people", columns=PEOPLE_COLUMNS)

    assert [outcome.key for outcome in report.outcomes] == [
        "ines@example.com",
        "jon@example.com",
        "hana@example.com",
        "kofi@example.com",
    ]
    assert not Person.objects.filter(email="ines@example.com").exists()


def test_a_people_reimport_updates_by_email(org, tmp_path):
    run(PEOPLE, target="people", columns=PEOPLE_COLUMNS, dry_run=False)
    changed = PEOPLE.read_text().replace(
        "Ines Ortega,ines@example.com,PM", "Ines O.,INES@example.com,Senior PM"
    )
    path = csv_file(tmp_path, changed)

    report = run(path, target="people", columns=PEOPLE_COLUMNS, dry_run=False)

    assert report.applied
    assert report.counts == {"create": 0, "update": 1, "unchanged": 3, "skip": 0, "error": 0}
    ines = Person.objects.get(email="ines@example.com")
    assert (ines.name, ines.level.code) == ("Ines O.", "senior-pm")
    (updated,) = [outcome for outcome in report.outcomes if outcome.action == Action.UPDATE]
    assert updated.changes == [("name", "Ines Ortega", "Ines O."), ("level", "PM", "Senior PM")]


def test_a_reporting_cycle_in_the_file_is_refused(org, tmp_path):
    path = csv_file(
        tmp_path,
        "Name,Email,Level,Manager\n"
        "Ann,ann@example.com,PM,bob@example.com\n"
        "Bob,bob@example.com,PM,Cid\n"
        "Cid,cid@example.com,PM,Ann\n",
    )
    columns = {"name": "Name", "email": "Email", "level": "Level", "manager": "Manager"}

    report = run(path, target="people", columns=columns, dry_run=False)

    assert len(report.errors) == 3
    assert "Ann → Bob → Cid → Ann" in report.errors[0].reason
    assert not Person.objects.filter(email="ann@example.com").exists()


def test_a_cycle_through_people_already_in_the_org_is_refused(org, tmp_path):
    # Cora is at the top; making her report to Pia (below her) closes a loop.
    path = csv_file(tmp_path, "Name,Email,Manager\nCora,cora@example.com,pia@example.com\n")

    report = run(
        path, target="people", columns={"name": "Name", "email": "Email", "manager": "Manager"}
    )

    assert "cycle" in report.errors[0].reason


def test_bad_people_rows_are_each_reported(org, tmp_path):
    PersonFactory(name="Twin", email="twin1@example.com")
    PersonFactory(name="Twin", email="twin2@example.com")
    path = csv_file(
        tmp_path,
        "Name,Email,Level,Manager,Start\n"
        "Ok,ok@example.com,PM,,2024-01-01\n"
        "No mail,not-an-email,PM,,\n"
        "No level,new@example.com,,,\n"
        "Odd level,odd@example.com,Wizard,,\n"
        "Twin's report,tr@example.com,PM,Twin,\n"
        "Bad date,bd@example.com,PM,,soon\n"
        "Again,OK@example.com,PM,,\n",
    )
    columns = {
        "name": "Name",
        "email": "Email",
        "level": "Level",
        "manager": "Manager",
        "start_date": "Start",
    }

    report = run(path, target="people", columns=columns, dry_run=False)

    assert [error.line for error in report.errors] == [3, 4, 5, 6, 7, 8]
    reasons = [error.reason for error in report.errors]
    assert "not an e-mail" in reasons[0]
    assert "needs a level" in reasons[1]
    assert "'Wizard' is not a level" in reasons[2]
    assert "several people are named 'Twin'" in reasons[3]
    assert "soon" in reasons[4]
    assert "twice" in reasons[5]
    assert not Person.objects.filter(email="ok@example.com").exists()


# --- who may import --------------------------------------------------------------------------


def run_as(user, path: Path, *, target: str, columns: dict[str, str]):
    with path.open("rb") as file:
        return mapped.mapped_import(
            file=file,
            name=path.name,
            source="csv",
            target=target,
            options={"columns": columns},
            dry_run=True,
            user=user,
        )


def test_only_admins_import_people_and_teams(org):
    with pytest.raises(PermissionDenied):
        run_as(org.cora.user, PEOPLE, target="people", columns=PEOPLE_COLUMNS)
    with pytest.raises(PermissionDenied):
        run_as(org.cora.user, TEAMS, target="teams", columns=TEAM_COLUMNS)

    assert run_as(org.ada, PEOPLE, target="people", columns=PEOPLE_COLUMNS).ok


def test_only_leaders_import_initiatives(org):
    with pytest.raises(PermissionDenied):
        run_as(org.ada, INITIATIVES_XLSX, target="initiatives", columns=XLSX_COLUMNS)
    with pytest.raises(PermissionDenied):
        run_as(org.pia.user, INITIATIVES_XLSX, target="initiatives", columns=XLSX_COLUMNS)
