"""The Linear importer: both export shapes, read by name, into initiative records."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from productorg.interchange.importers import linear
from productorg.interchange.importers.linear import LinearOptions
from productorg.interchange.importers.reading import ReadError, open_table
from productorg.interchange.importers.report import Action, ImportReport
from productorg.interchange.models import TeamMapping
from productorg.strategy.models import Dependency, Initiative

FIXTURES = Path(__file__).parent / "fixtures" / "linear"
SHAPE_34 = FIXTURES / "issues_34_columns.csv"
SHAPE_30 = FIXTURES / "issues_30_columns.csv"


def records_of(path: Path, **options) -> tuple[dict[str, linear.InitiativeRecord], ImportReport]:
    table = open_table(io.BytesIO(path.read_bytes()), name=path.name)
    linear.linear_check_header(table)
    report = ImportReport(source="linear", dry_run=True)
    chosen = LinearOptions.of(options)
    if chosen.level == "projects":
        found = linear.project_records(table.rows, report, options=chosen)
    else:
        found = list(linear.issue_records(table.rows, report, options=chosen))
    return {record.key: record for record in found}, report


def csv_bytes(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


# --- reading the rows ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [SHAPE_30, SHAPE_34], ids=["30 columns", "34 columns"])
def test_both_export_shapes_read_every_issue_with_title_team_owner_and_dates(path):
    records, report = records_of(path)

    saved_cards = records["ENG-101"]
    assert saved_cards.title == "Saved cards at checkout"
    assert saved_cards.description.startswith("Let returning buyers pay with a saved card.\n\n-")
    assert saved_cards.team_value == "Checkout"
    assert saved_cards.owner == "pia@example.com"
    assert saved_cards.deadline == dt.date(2024, 4, 30)
    assert saved_cards.earliest_start is None
    assert not report.errors


def test_estimate_points_become_person_weeks_at_five_points_a_week_by_default():
    records, _ = records_of(SHAPE_34)

    assert records["ENG-101"].effort == Decimal("1.6")
    assert records["ENG-103"].effort is None


def test_points_per_person_week_is_an_option():
    records, _ = records_of(SHAPE_34, points_per_person_week=2)

    assert records["ENG-101"].effort == Decimal("4.0")


def test_the_leading_quote_before_formula_like_text_is_stripped_from_title_text_and_labels():
    records, _ = records_of(SHAPE_34)

    quoted = records["ENG-102"]
    assert quoted.title == "=SUM(basket) shown as a formula"
    assert quoted.description == "+1 for this: totals are computed in the client"
    assert quoted.tags == ["-bug", "Payments"]


def test_labels_in_one_cell_become_separate_tags():
    records, _ = records_of(SHAPE_34)

    assert records["ENG-101"].tags == ["Feature", "Payments"]
    assert records["ENG-103"].tags == []


def test_unicode_titles_and_descriptions_arrive_intact():
    records, _ = records_of(SHAPE_34)

    assert records["ENG-103"].title == "Suche für Umlaute – ü, ö, ä"
    assert records["ENG-103"].description.endswith("🚀")


def test_blocked_by_links_become_dependencies_in_the_34_column_shape():
    records, _ = records_of(SHAPE_34)

    assert records["ENG-102"].depends_on == ["ENG-101"]
    assert records["ENG-103"].depends_on == ["ENG-101", "ENG-102"]
    assert records["ENG-101"].depends_on == []


def test_the_30_column_shape_has_no_links_and_no_dependencies():
    records, _ = records_of(SHAPE_30)

    assert all(record.depends_on == [] for record in records.values())


def test_status_follows_linear_timestamps_first_then_common_state_names():
    records, _ = records_of(SHAPE_34)

    assert records["ENG-101"].status == "in_progress"  # In Progress
    assert records["ENG-102"].status == "planned"  # Todo
    assert records["ENG-103"].status == "idea"  # Backlog
    assert records["ENG-104"].status == "done"  # a custom name, but Completed is set
    assert records["ENG-105"].status == "dropped"  # Duplicate, Canceled set
    assert records["ENG-106"].status == "in_progress"  # a custom name, but Started is set


def test_an_unknown_state_without_timestamps_leaves_the_status_alone_with_a_note():
    header = "ID,Team,Title,Status\n"
    table = open_table(csv_bytes(header + "ENG-1,Checkout,Odd one,Parked\n"))
    report = ImportReport(source="linear", dry_run=True)

    [record] = linear.issue_records(table.rows, report, options=LinearOptions())

    assert record.status is None
    assert "'Parked' (1)" in report.notes[0]


def test_bad_estimates_and_dates_are_reported_with_their_lines():
    text = (
        "ID,Team,Title,Status,Estimate,Due Date\n"
        "ENG-1,Checkout,Good,Todo,3,2024-05-01\n"
        "ENG-2,Checkout,Bad estimate,Todo,lots,\n"
        "ENG-3,Checkout,Bad date,Todo,1,someday\n"
    )
    table = open_table(csv_bytes(text))
    report = ImportReport(source="linear", dry_run=True)

    found = list(linear.issue_records(table.rows, report, options=LinearOptions()))

    assert [record.key for record in found] == ["ENG-1"]
    assert [(error.line, error.key) for error in report.errors] == [(3, "ENG-2"), (4, "ENG-3")]
    assert "Estimate" in report.errors[0].reason
    assert "someday" in report.errors[1].reason


def test_projects_level_groups_issues_into_one_initiative_per_project():
    records, report = records_of(SHAPE_34, level="projects")

    checkout = records["7c1a2d4e-0001"]
    assert checkout.title == "Faster checkout"
    assert checkout.team_value == "Checkout"
    assert checkout.effort == Decimal("3.2")  # (8 + 3 + 5) points / 5
    assert checkout.status == "in_progress"
    assert checkout.deadline == dt.date(2024, 5, 15)
    assert checkout.tags == ["Feature", "Payments", "-bug"]
    search = records["7c1a2d4e-0002"]
    assert search.status == "done"
    assert [outcome.key for outcome in report.outcomes if outcome.action == Action.SKIP] == [
        "ENG-103"
    ]


def test_an_unknown_level_is_refused():
    with pytest.raises(ReadError, match="epics"):
        LinearOptions.of({"level": "epics"})


# --- files that are not Linear exports ------------------------------------------------------


def test_a_jira_export_is_pointed_to_the_jira_importer(db):
    jira = csv_bytes("Summary,Issue key,Issue id,Issue Type,Status\nA,ENG-1,1,Epic,To Do\n")

    with pytest.raises(ReadError, match="looks like a Jira export; choose the Jira importer"):
        linear.linear_import(file=jira, name="jira.csv", options={}, dry_run=True, user=None)


def test_missing_required_columns_are_named(db):
    with pytest.raises(ReadError, match="no Team, Status columns"):
        linear.linear_import(
            file=csv_bytes("ID,Title\nENG-1,A\n"), name="x.csv", options={}, dry_run=True, user=None
        )


def test_an_empty_file_is_a_read_error(db):
    with pytest.raises(ReadError, match="empty"):
        linear.linear_import(file=csv_bytes(""), name="x.csv", options={}, dry_run=True, user=None)


# --- end to end, through initiatives_apply ---------------------------------------------------


def run(path: Path, *, dry_run: bool, user=None, **options) -> ImportReport:
    with path.open("rb") as file:
        return linear.linear_import(
            file=file, name=path.name, options=options, dry_run=dry_run, user=user
        )


@pytest.fixture
def mapped_teams(org):
    TeamMapping.objects.create(source="linear", field="Team", value="Checkout", team=org.checkout)
    TeamMapping.objects.create(source="linear", field="Team", value="Search", team=org.search)
    return org


def test_a_dry_run_lists_every_issue_and_writes_nothing(mapped_teams):
    before = Initiative.objects.count()

    report = run(SHAPE_34, dry_run=True)

    assert report.ok, report.to_json()
    assert [outcome.key for outcome in report.outcomes] == [
        "ENG-101",
        "ENG-102",
        "ENG-103",
        "ENG-104",
        "ENG-105",
        "ENG-106",
    ]
    assert {outcome.action for outcome in report.outcomes} == {Action.CREATE}
    assert not report.applied
    assert Initiative.objects.count() == before


def test_an_import_creates_initiatives_with_dependencies_and_a_reimport_updates_in_place(
    mapped_teams,
):
    first = run(SHAPE_34, dry_run=False)
    assert first.applied, first.to_json()
    created = Initiative.objects.filter(source="linear")
    assert created.count() == 6
    blocked = created.get(source_key="ENG-103")
    assert blocked.team == mapped_teams.search
    assert set(
        Dependency.objects.filter(initiative=blocked).values_list(
            "depends_on__source_key", flat=True
        )
    ) == {"ENG-101", "ENG-102"}
    assert created.get(source_key="ENG-102").title == "=SUM(basket) shown as a formula"

    again = run(SHAPE_34, dry_run=False)

    assert again.ok
    assert Initiative.objects.filter(source="linear").count() == 6
    assert Action.CREATE not in {outcome.action for outcome in again.outcomes}


def test_blocked_by_itself_and_each_cycle_are_errors_on_their_lines(mapped_teams, tmp_path):
    path = tmp_path / "cycles.csv"
    path.write_text(
        "ID,Team,Title,Status,Blocked by\n"
        'ENG-1,Checkout,One,Todo,"ENG-2"\n'
        'ENG-2,Checkout,Two,Todo,"ENG-1"\n'
        'ENG-3,Search,Three,Todo,"ENG-4"\n'
        'ENG-4,Search,Four,Todo,"ENG-5"\n'
        'ENG-5,Search,Five,Todo,"ENG-3, ENG-1"\n'
        'ENG-6,Search,Six,Todo,"ENG-6"\n'
    )

    report = run(path, dry_run=False)

    first = "its dependencies make a cycle: ENG-1 → ENG-2 → ENG-1 (each is blocked by the next)"
    second = (
        "its dependencies make a cycle: ENG-3 → ENG-4 → ENG-5 → ENG-3 (each is blocked by the next)"
    )
    assert [(error.line, error.reason) for error in report.errors] == [
        (2, first),
        (3, first),
        (4, second),
        (5, second),
        (6, second),
        (7, "ENG-6 is blocked by itself"),
    ]
    assert not Initiative.objects.filter(source="linear").exists()


def test_a_cycle_through_a_saved_initiative_that_depends_on_an_imported_one(mapped_teams, tmp_path):
    path = tmp_path / "first.csv"
    path.write_text("ID,Team,Title,Status\nENG-1,Checkout,One,Todo\nENG-2,Checkout,Two,Todo\n")
    assert run(path, dry_run=False).applied
    # Someone made a plan in the app that waits for ENG-1 and blocks ENG-2.
    launch = Initiative.objects.create(title="Launch", team=mapped_teams.checkout)
    Dependency.objects.create(
        initiative=launch, depends_on=Initiative.objects.get(source_key="ENG-1")
    )
    Dependency.objects.create(
        initiative=Initiative.objects.get(source_key="ENG-2"), depends_on=launch
    )
    path.write_text("ID,Team,Title,Status,Blocked by\nENG-1,Checkout,One,Todo,ENG-2\n")

    report = run(path, dry_run=False)

    assert [(error.line, error.reason) for error in report.errors] == [
        (
            2,
            "its dependencies make a cycle: ENG-1 → ENG-2 → “Launch” → ENG-1 "
            "(each is blocked by the next)",
        )
    ]
    assert Dependency.objects.count() == 2


def test_a_file_with_a_bad_row_writes_nothing(mapped_teams, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "ID,Team,Title,Status,Estimate\nENG-1,Checkout,Good,Todo,3\nENG-2,Checkout,Bad,Todo,x\n"
    )

    report = run(path, dry_run=False)

    assert not report.ok
    assert [error.line for error in report.errors] == [3]
    assert not Initiative.objects.filter(source="linear").exists()


def test_a_product_manager_may_not_import_initiatives(org):
    with pytest.raises(PermissionDenied):
        run(SHAPE_34, dry_run=True, user=org.pia.user)


def test_a_leader_may_import_initiatives(mapped_teams):
    report = run(SHAPE_34, dry_run=True, user=mapped_teams.gabe.user)

    assert report.ok
