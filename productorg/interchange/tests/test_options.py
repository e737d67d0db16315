"""The options every initiative import takes: the decimal mark of the file's numbers and
where each initiative's work category comes from, through the Jira, Linear and mapped
importers; and the dry run's row details (category and whether it is a default, status,
health, effort, an update's before → after)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from productorg.interchange.importers import linear, mapped
from productorg.interchange.importers.initiatives import team_mappings_save
from productorg.interchange.importers.jira import jira_import
from productorg.interchange.importers.options import CommonOptions, category_named
from productorg.interchange.importers.report import Action, ImportReport
from productorg.strategy.models import Initiative

JIRA_HEADER = (
    "Summary,Issue key,Issue id,Issue Type,Status,Status Category,Project key,Labels,Labels,"
    "Custom field (Epic Link),Custom field (Story Points)\r\n"
)
JIRA_EPICS = (
    JIRA_HEADER + "Faster checkout,CHK-1,1,Epic,In Progress,In Progress,CHK,growth,payments,,\r\n"
    "Card form,CHK-2,2,Story,To Do,To Do,CHK,,,CHK-1,5\r\n"
    "Search v2,CHK-3,3,Epic,To Do,To Do,CHK,frontend,,,\r\n"
)


@pytest.fixture
def leader(org):
    team_mappings_save(source="jira", field="Project key", mapping={"CHK": org.checkout})
    return org.cora.user


def jira(data: str, *, leader, dry_run=False, **options) -> ImportReport:
    return jira_import(
        file=io.BytesIO(data.encode()),
        name="jira.csv",
        options=options,
        dry_run=dry_run,
        user=leader,
    )


def outcome(report: ImportReport, key: str):
    return next(row for row in report.outcomes if row.key == key)


# Work categories.


def test_a_jira_epic_without_a_category_column_gets_no_category_not_feature(leader):
    report = jira(JIRA_EPICS, leader=leader)
    assert report.applied
    assert Initiative.objects.get(source_key="CHK-1").category == ""
    row = outcome(report, "CHK-1")
    assert (row.category, row.category_from) == ("No category", "")


def test_the_default_category_is_given_to_new_epics_and_marked_as_a_default(leader):
    report = jira(JIRA_EPICS, leader=leader, dry_run=True, default_category="Scaling")
    row = outcome(report, "CHK-1")
    assert (row.category, row.category_from, row.category_is_default) == (
        "Scaling",
        "default",
        True,
    )


def test_a_category_read_from_labels_wins_over_the_default(leader):
    report = jira(JIRA_EPICS, leader=leader, category_column="Labels", default_category="feature")
    assert Initiative.objects.get(source_key="CHK-1").category == "growth"
    assert (outcome(report, "CHK-1").category_from) == "file"
    # Search v2's only label names no category: it gets the default, and the row says why.
    search = outcome(report, "CHK-3")
    assert (search.category, search.category_from) == ("Feature", "default")
    assert "no work category in Labels ('frontend')" in search.reason
    assert any("'frontend' (1)" in note for note in report.notes)


def test_category_values_map_a_teams_own_words_and_are_remembered_as_options(leader):
    options = CommonOptions.from_dict({"category_values": "Frontend=PMF\npayments="})
    assert options.to_dict()["category_values"] == {"frontend": "pmf_expansion", "payments": ""}
    report = jira(
        JIRA_EPICS,
        leader=leader,
        dry_run=True,
        category_column="Labels",
        category_values={"frontend": "pmf"},
    )
    assert outcome(report, "CHK-3").category == "Product-market-fit expansion"


def test_two_categories_in_one_row_are_an_error_not_a_guess(leader):
    data = JIRA_HEADER + "Both,CHK-9,9,Epic,To Do,To Do,CHK,growth,scaling,,\r\n"
    report = jira(data, leader=leader, category_column="Labels")
    assert not report.applied
    assert "Labels names more than one work category: Growth, Scaling" in report.errors[0].reason


def test_a_re_import_keeps_a_category_chosen_by_hand_and_lists_what_changes(leader):
    jira(JIRA_EPICS, leader=leader)
    Initiative.objects.filter(source_key="CHK-1").update(category="growth", status="planned")
    changed = JIRA_EPICS.replace("Faster checkout", '"Faster checkout, now"')
    report = jira(changed, leader=leader, dry_run=True, default_category="feature")
    row = outcome(report, "CHK-1")
    assert row.action == Action.UPDATE
    assert (row.category, row.category_from) == ("Growth", "kept")
    assert ("title", "Faster checkout", "Faster checkout, now") in row.changes
    assert ("status", "Planned", "In progress") in row.changes
    # The default reaches Search v2, which has no category yet, and says so as a change.
    assert ("work category", "No category", "Feature") in outcome(report, "CHK-3").changes


def test_the_dry_run_shows_status_health_and_effort_and_which_are_defaults(leader):
    report = jira(JIRA_EPICS, leader=leader, dry_run=True)
    row = outcome(report, "CHK-1")
    assert row.status == "In progress"
    assert row.health == "Green (default: no status update yet)"
    assert row.effort == "1 pw"
    assert outcome(report, "CHK-3").effort == "0 pw (none in the file)"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Feature", "feature"),
        ("growth", "growth"),
        ("SCALING", "scaling"),
        ("pmf", "pmf_expansion"),
        ("Product-market fit expansion", "pmf_expansion"),
        ("product-market-fit expansion", "pmf_expansion"),
        ("tech debt", None),
    ],
)
def test_category_names_and_synonyms_are_accepted(text, category):
    assert category_named(text) == category


def test_a_linear_label_names_the_category(org):
    data = (
        "ID,Title,Team,Status,Labels,Estimate\r\n"
        'ENG-1,Referrals,Eng,Todo,"growth, web",3\r\n'
        "ENG-2,Sharding,Eng,Todo,infra,2\r\n"
    )
    report = ImportReport(source="linear", dry_run=True)
    table = linear.open_table(io.BytesIO(data.encode()), name="linear.csv")
    options = linear.LinearOptions.of({"category_column": "Labels"})
    records = {
        record.key: record for record in linear.issue_records(table.rows, report, options=options)
    }
    assert records["ENG-1"].category == "growth"
    assert records["ENG-2"].category is None
    assert "no work category in Labels ('infra')" in records["ENG-2"].category_note


def test_a_mapped_category_column_takes_synonyms_and_refuses_unknown_words(org):
    data = "Name,Kind\r\nOne,PMF\r\nTwo,Tech debt\r\n"
    report = mapped.mapped_import(
        file=io.BytesIO(data.encode()),
        name="ideas.csv",
        source="csv",
        target="initiatives",
        options={"columns": {"title": "Name", "category": "Kind"}},
        dry_run=True,
        user=org.cora.user,
    )
    assert report.outcomes[0].category == "Product-market-fit expansion"
    assert report.errors[0].line == 3
    assert "'Tech debt' is not a work category" in report.errors[0].reason


# Numbers.


def test_jira_points_with_a_decimal_comma_are_refused_under_the_point(leader):
    data = JIRA_EPICS.replace("CHK-1,5", 'CHK-1,"1,5"')
    report = jira(data, leader=leader, dry_run=True)
    error = report.errors[0]
    assert error.key == "CHK-2"
    assert "Custom field (Story Points): '1,5' cannot be read" in error.reason
    assert "decimal mark option to “,”" in error.reason


def test_jira_points_are_read_with_the_decimal_comma_when_chosen(leader):
    data = JIRA_EPICS.replace("CHK-1,5", 'CHK-1,"12,5"')
    report = jira(data, leader=leader, decimal_mark=",")
    assert report.applied
    assert Initiative.objects.get(source_key="CHK-1").effort_estimate == Decimal("2.5")


def test_a_linear_estimate_is_read_with_the_chosen_decimal_mark(org):
    data = 'ID,Title,Team,Status,Estimate\r\nENG-1,One,Eng,Todo,"2,5"\r\n'
    table = linear.open_table(io.BytesIO(data.encode()), name="linear.csv")
    report = ImportReport(source="linear", dry_run=True)
    options = linear.LinearOptions.of({"decimal_mark": ",", "points_per_person_week": "1"})
    (record,) = linear.issue_records(table.rows, report, options=options)
    assert record.effort == Decimal("2.5")


@pytest.mark.parametrize(
    ("mark", "value", "effort", "expected_value", "expected_effort"),
    [
        (".", "12,000", "1,250.5", Decimal(12000), Decimal("1250.5")),
        (",", "12.000", "1.250,5", Decimal(12000), Decimal("1250.5")),
    ],
)
def test_mapped_value_and_effort_columns_read_thousands_in_both_conventions(
    org, mark, value, effort, expected_value, expected_effort
):
    data = f'Name,Value,Effort\r\nOne,"{value}","{effort}"\r\n'
    report = mapped.mapped_import(
        file=io.BytesIO(data.encode()),
        name="ideas.csv",
        source="csv",
        target="initiatives",
        options={
            "columns": {"title": "Name", "value_estimate": "Value", "effort": "Effort"},
            "decimal_mark": mark,
        },
        dry_run=False,
        user=org.cora.user,
    )
    assert report.applied, report.errors
    initiative = Initiative.objects.get(title="One")
    assert (initiative.value_estimate, initiative.effort_estimate) == (
        expected_value,
        expected_effort,
    )


def test_a_teams_capacity_it_cannot_read_names_the_column_and_the_option(org):
    data = 'Team,Capacity\r\nCheckout,"1.250,5"\r\n'
    report = mapped.mapped_import(
        file=io.BytesIO(data.encode()),
        name="teams.csv",
        source="csv",
        target="teams",
        options={"columns": {"name": "Team", "capacity": "Capacity"}},
        dry_run=True,
        user=org.ada,
    )
    assert "Capacity: '1.250,5' cannot be read with the decimal mark “.”" in (
        report.errors[0].reason
    )


def test_a_team_update_lists_before_and_after(org):
    data = "Team,Capacity\r\nCheckout,99\r\n"
    report = mapped.mapped_import(
        file=io.BytesIO(data.encode()),
        name="teams.csv",
        source="csv",
        target="teams",
        options={"columns": {"name": "Team", "capacity": "Capacity"}},
        dry_run=True,
        user=org.ada,
    )
    (row,) = report.outcomes
    assert row.action == Action.UPDATE
    before = org.checkout.capacity_per_quarter
    assert row.changes == [("capacity", f"{before:f}".rstrip("0").rstrip("."), "99")]
