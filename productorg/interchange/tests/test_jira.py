"""The Jira importer on exports shaped as Jira writes them (fixtures/jira/)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from productorg.interchange.importers.initiatives import team_mapping_for, team_mappings_save
from productorg.interchange.importers.jira import JiraOptions, jira_import
from productorg.interchange.importers.reading import ReadError
from productorg.strategy.models import Dependency, Initiative

FIXTURES = Path(__file__).parent / "fixtures" / "jira"


def run(fixture: str | bytes, *, user, dry_run=False, options=None, **extra):
    data = (FIXTURES / fixture).read_bytes() if isinstance(fixture, str) else fixture
    return jira_import(
        file=io.BytesIO(data),
        name=fixture if isinstance(fixture, str) else "upload.csv",
        options=options or {},
        dry_run=dry_run,
        user=user,
        **extra,
    )


def jira(key: str) -> Initiative:
    return Initiative.objects.get(source="jira", source_key=key)


@pytest.fixture
def leader(org):
    return org.cora.user


@pytest.fixture
def mapped(org):
    team_mappings_save(
        source="jira", field="Project key", mapping={"CHK": org.checkout, "SRCH": org.search}
    )


def test_a_dry_run_lists_every_row_and_writes_nothing(leader, mapped):
    report = run("company_managed.csv", user=leader, dry_run=True)
    assert report.ok and not report.applied
    assert report.rows_read == 9
    assert [(row.line, row.key, row.action.value) for row in report.outcomes] == [
        (2, "CHK-1", "create"),
        (7, "CHK-2", "skip"),
        (8, "CHK-3", "skip"),
        (10, "CHK-4", "skip"),
        (11, "CHK-6", "skip"),
        (12, "CHK-5", "create"),
        (13, "SRCH-1", "create"),
        (14, "SRCH-2", "skip"),
        (15, "SRCH-3", "skip"),
    ]
    reasons = {row.key: row.reason for row in report.outcomes}
    assert reasons["CHK-2"] == "Story — 3 points counted toward CHK-1"
    assert reasons["CHK-4"] == "Bug — no points; part of CHK-1"
    assert reasons["SRCH-3"] == "Task — not an initiative type"
    assert "effort 1.6 person-weeks from 8 points in 2 issues" in reasons["CHK-1"]
    assert not Initiative.objects.filter(source="jira").exists()


def test_epics_become_initiatives_with_everything_the_export_says(org, leader, mapped):
    report = run("company_managed.csv", user=leader)
    assert report.applied, report.errors
    faster = jira("CHK-1")
    assert faster.title == "Faster checkout"
    assert faster.description.startswith("Cut the checkout to *two* steps.\n\nh2. Why\n")
    assert faster.status == "in_progress"
    assert faster.team == org.checkout
    assert faster.owner == org.pia
    assert faster.effort_estimate == Decimal("1.6")
    assert list(faster.team_efforts.values_list("team__name", "effort")) == [
        ("Checkout", Decimal("1.6"))
    ]
    assert sorted(faster.tags.values_list("name", flat=True)) == ["q3", "speed"]
    assert faster.earliest_start == dt.date(2024, 4, 1)
    assert faster.deadline == dt.date(2024, 6, 28)  # Target end before Due Date
    guest = jira("CHK-5")
    assert guest.status == "planned"
    assert guest.effort_estimate == 0
    assert guest.owner is None
    assert Dependency.objects.filter(initiative=guest, depends_on=faster).exists()
    search = jira("SRCH-1")
    assert (search.team, search.owner, search.status) == (org.search, org.paul, "done")
    # The target column is the first present one (Target end), even where it is empty.
    assert (search.earliest_start, search.deadline) == (dt.date(2024, 1, 8), None)
    assert any("Somebody Else" in note for note in report.notes)


def test_importing_the_same_file_again_changes_nothing_and_a_new_title_updates(leader, mapped):
    run("company_managed.csv", user=leader)
    again = run("company_managed.csv", user=leader)
    assert again.counts["unchanged"] == 3 and again.counts["create"] == 0
    data = (
        (FIXTURES / "company_managed.csv")
        .read_bytes()
        .replace(b"Guest checkout", b"Guest checkout for everyone")
    )
    edited = run(data, user=leader)
    assert edited.counts["update"] == 1
    assert jira("CHK-5").title == "Guest checkout for everyone"
    assert Initiative.objects.filter(source="jira").count() == 3


def test_unmapped_projects_are_listed_and_nothing_is_written(leader):
    report = run("company_managed.csv", user=leader)
    assert report.unmapped == {"Project key": ["CHK", "SRCH"]}
    assert not report.applied
    assert not Initiative.objects.filter(source="jira").exists()


def test_given_team_mappings_are_used_and_saved_mappings_reused(org, leader):
    report = run(
        "company_managed.csv",
        user=leader,
        team_mapping={"CHK": org.checkout, "SRCH": None},
    )
    assert report.applied
    assert jira("SRCH-1").team is None
    team_mappings_save(source="jira", field="Project key", mapping={"CHK": org.checkout})
    assert team_mapping_for(source="jira", field="Project key")["chk"] == org.checkout


def test_project_names_that_are_team_names_map_by_name(org, leader):
    report = run("company_managed.csv", user=leader, options={"team_field": "Project name"})
    assert report.applied
    assert jira("CHK-1").team == org.checkout
    assert "Mapped Project name 'Checkout' to the team Checkout by name." in report.notes


def test_points_per_person_week_is_an_option(leader, mapped):
    run("company_managed.csv", user=leader, options={"points_per_person_week": "2"})
    assert jira("CHK-1").effort_estimate == Decimal(4)


def test_a_team_managed_export_reads_numeric_parents_and_status_names(org, leader):
    report = run(
        "team_managed.csv",
        user=leader,
        options={"team_field": "Components"},
        team_mapping={"Billing": org.billing},
    )
    assert report.applied, (report.errors, report.unmapped)
    dunning = jira("BIL-10")
    assert dunning.effort_estimate == Decimal("1.5")
    assert dunning.status == "planned"
    assert dunning.team == org.billing
    assert dunning.deadline == dt.date(2024, 9, 30)
    assert dunning.owner == org.olive
    assert jira("BIL-20").status == "idea"
    assert any("Parked" in note for note in report.notes)


def test_any_column_can_name_the_team(org, leader):
    report = run(
        "team_managed.csv",
        user=leader,
        options={"team_field": "Custom field (Team)"},
        dry_run=True,
    )
    assert report.unmapped == {"Custom field (Team)": ["Money"]}


def test_parent_id_columns_link_children_through_the_issue_id(leader):
    report = run("parent_id.csv", user=leader, team_mapping={"OPS": None})
    assert report.applied
    ops = jira("OPS-1")
    assert ops.effort_estimate == Decimal(4)
    assert (ops.earliest_start, ops.deadline) == (dt.date(2025, 2, 1), dt.date(2025, 4, 30))


def test_issue_types_are_chosen_case_insensitively(leader):
    report = run("parent_id.csv", user=leader, options={"issue_types": "epic, TASK"}, dry_run=True)
    assert report.counts["create"] == 3


def test_bad_rows_refuse_the_whole_import_naming_lines_and_columns(leader):
    report = run("bad_rows.csv", user=leader, team_mapping={"CHK": None})
    assert not report.applied
    assert [(row.line, row.key) for row in report.errors] == [(3, "CHK-2"), (4, "CHK-3")]
    assert report.errors[0].reason.startswith("Custom field (Start date): '31/Feb/24'")
    assert report.errors[1].reason.startswith("Custom field (Story Points): 'three'")
    assert not Initiative.objects.filter(source="jira").exists()


def test_self_links_and_each_blocks_cycle_are_errors_on_their_lines(leader):
    rows = [
        ("One", "CHK-1", "CHK-2", ""),
        ("Two", "CHK-2", "CHK-1", ""),
        ("Three", "CHK-3", "CHK-4", ""),
        ("Four", "CHK-4", "CHK-3", "CHK-4"),
        ("Five", "CHK-5", "CHK-5", ""),
        ("Six", "CHK-6", "CHK-1", ""),
    ]
    text = "Summary,Issue key,Issue Type,Project key,Inward issue link (Blocks)," + (
        "Inward issue link (Blocks)\n"
    )
    text += "".join(
        f"{title},{key},Epic,CHK,{first},{second}\n" for title, key, first, second in rows
    )
    report = run(text.encode(), user=leader, team_mapping={"CHK": None})
    cycle = "its dependencies make a cycle: {} (each is blocked by the next)"
    assert [(row.line, row.reason) for row in report.errors] == [
        (2, cycle.format("CHK-1 → CHK-2 → CHK-1")),
        (3, cycle.format("CHK-1 → CHK-2 → CHK-1")),
        (4, cycle.format("CHK-3 → CHK-4 → CHK-3")),
        (5, "CHK-4 is blocked by itself; " + cycle.format("CHK-3 → CHK-4 → CHK-3")),
        (6, "CHK-5 is blocked by itself"),
    ]
    assert not Initiative.objects.filter(source="jira").exists()


def test_a_blocks_link_closing_a_cycle_through_saved_links_is_refused(leader):
    run(
        b"Summary,Issue key,Issue Type,Project key,Inward issue link (Blocks)\n"
        b"One,CHK-1,Epic,CHK,\nTwo,CHK-2,Epic,CHK,CHK-1\n",
        user=leader,
        team_mapping={"CHK": None},
    )
    assert Dependency.objects.filter(initiative=jira("CHK-2"), depends_on=jira("CHK-1")).exists()
    report = run(
        b"Summary,Issue key,Issue Type,Project key,Inward issue link (Blocks)\n"
        b"One,CHK-1,Epic,CHK,CHK-2\n",
        user=leader,
    )
    assert [(row.line, row.reason) for row in report.errors] == [
        (2, "its dependencies make a cycle: CHK-1 → CHK-2 → CHK-1 (each is blocked by the next)")
    ]
    assert Dependency.objects.count() == 1


def test_a_linear_export_is_recognised(leader):
    with pytest.raises(ReadError, match="looks like a Linear export"):
        run("linear_export.csv", user=leader)


def test_a_productboard_export_is_recognised(leader):
    with pytest.raises(ReadError, match="Productboard"):
        run(b"Feature ID,Feature name,Status\n1,Thing,New\n", user=leader)


def test_missing_columns_are_named(leader):
    with pytest.raises(ReadError) as raised:
        run(b"Summary,Status\nA thing,Done\n", user=leader)
    assert "“Issue key”" in raised.value.message
    assert "“Issue Type”" in raised.value.message


def test_a_team_column_not_in_the_file_leaves_teams_alone_with_a_note(org, leader):
    report = run("parent_id.csv", user=leader, options={"team_field": "Custom field (Squad)"})
    assert report.applied
    assert jira("OPS-1").team is None
    assert any("“Custom field (Squad)” is not in this file" in note for note in report.notes)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"points_per_person_week": 0}, "above zero"),
        ({"points_per_person_week": "many"}, "above zero"),
        ({"issue_types": []}, "at least one"),
        ({"issue_types": 3}, "list"),
        ({"start_field": 7}, "column name"),
    ],
)
def test_bad_options_are_value_errors(options, message):
    with pytest.raises(ValueError, match=message):
        JiraOptions.from_dict(options)


def test_options_default_and_round_trip():
    options = JiraOptions.from_dict({"team_field": "components", "issue_types": ["Epic", "epic"]})
    assert options.team_field == "Component/s"
    assert options.points_per_person_week == 5
    assert JiraOptions.from_dict(options.to_dict()) == options


def test_a_product_manager_may_not_import(org):
    with pytest.raises(PermissionDenied):
        run("company_managed.csv", user=org.pia.user)
