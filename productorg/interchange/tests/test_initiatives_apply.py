"""The one write path of every importer: matching, teams, owners, tags, effort, dependencies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from productorg.factories import InitiativeFactory
from productorg.interchange.importers.initiatives import (
    InitiativeRecord,
    initiatives_apply,
    team_mapping_for,
    team_mappings_save,
)
from productorg.interchange.importers.report import ImportReport
from productorg.interchange.models import TeamMapping
from productorg.strategy.models import Dependency, Initiative, InitiativeEffort, Tag

FIELD = "Project key"


def apply(records, *, user, dry_run=False, **options) -> ImportReport:
    report = ImportReport(source="jira", dry_run=dry_run)
    return initiatives_apply(
        source="jira",
        records=records,
        report=report,
        team_field=FIELD,
        dry_run=dry_run,
        user=user,
        **options,
    )


def imported(key: str) -> Initiative:
    return Initiative.objects.get(source="jira", source_key=key)


@pytest.fixture
def leader(org):
    return org.cora.user


def test_records_become_initiatives_with_team_owner_tags_and_effort(org, leader):
    team_mappings_save(source="jira", field=FIELD, mapping={"CHK": org.checkout})
    report = apply(
        [
            InitiativeRecord(
                line=2,
                key="CHK-1",
                title="Faster checkout",
                description="Cut steps",
                status="planned",
                team_value="chk",
                owner="PIA@example.com",
                effort=Decimal("6.4"),
                tags=["speed", "q3", "speed"],
                earliest_start=dt.date(2027, 1, 1),
                deadline=dt.date(2027, 3, 31),
            )
        ],
        user=leader,
    )
    assert report.ok and report.applied
    assert report.counts["create"] == 1
    initiative = imported("CHK-1")
    assert initiative.team == org.checkout
    assert initiative.owner == org.pia
    assert initiative.status == "planned"
    assert initiative.effort_estimate == Decimal("6.4")
    assert sorted(initiative.tags.values_list("name", flat=True)) == ["q3", "speed"]
    efforts = list(InitiativeEffort.objects.filter(initiative=initiative))
    assert [(effort.team, effort.effort) for effort in efforts] == [(org.checkout, Decimal("6.4"))]


def test_a_dry_run_lists_every_record_and_writes_nothing(org, leader):
    records = [
        InitiativeRecord(line=2, key="A-1", title="One", team_value="Checkout"),
        InitiativeRecord(line=3, key="A-2", title="Two"),
    ]
    report = apply(records, user=leader, dry_run=True)
    assert [(row.line, row.action) for row in report.outcomes] == [(2, "create"), (3, "create")]
    assert not report.applied
    assert not Initiative.objects.filter(source="jira").exists()


def test_a_team_named_like_the_value_is_used_with_a_note_but_not_remembered(org, leader):
    report = apply(
        [InitiativeRecord(line=2, key="A-1", title="One", team_value="checkout")], user=leader
    )
    assert imported("A-1").team == org.checkout
    assert any("by name" in note for note in report.notes)
    assert not TeamMapping.objects.exists()


def test_unmapped_team_values_are_reported_and_nothing_is_written(org, leader):
    records = [
        InitiativeRecord(line=2, key="A-1", title="One", team_value="ZZZ"),
        InitiativeRecord(line=3, key="A-2", title="Two", team_value="Checkout"),
        InitiativeRecord(line=4, key="A-3", title="Three", team_value="aaa"),
    ]
    report = apply(records, user=leader)
    assert report.unmapped == {FIELD: ["aaa", "ZZZ"]}
    assert not report.ok and not report.applied
    assert len(report.outcomes) == 3
    assert not Initiative.objects.filter(source="jira").exists()


def test_a_mapping_to_no_team_imports_without_a_team(org, leader):
    team_mappings_save(source="jira", field=FIELD, mapping={"OPS": None})
    report = apply(
        [InitiativeRecord(line=2, key="O-1", title="Ops", team_value="ops")], user=leader
    )
    assert report.applied
    assert imported("O-1").team is None


def test_given_mappings_win_over_remembered_ones(org, leader):
    team_mappings_save(source="jira", field=FIELD, mapping={"CHK": org.search})
    apply(
        [InitiativeRecord(line=2, key="C-1", title="C", team_value="CHK")],
        user=leader,
        team_mapping={"chk": org.checkout},
    )
    assert imported("C-1").team == org.checkout


def test_saving_mappings_again_changes_them_case_insensitively(org):
    team_mappings_save(source="jira", field=FIELD, mapping={"CHK": org.search})
    team_mappings_save(source="jira", field=FIELD, mapping={"chk": org.checkout, "BIL": None})
    assert team_mapping_for(source="jira", field=FIELD) == {"chk": org.checkout, "bil": None}
    assert TeamMapping.objects.count() == 2


def test_reimporting_updates_in_place_and_unchanged_rows_stay_unchanged(org, leader):
    record = InitiativeRecord(line=2, key="A-1", title="One", tags=["x"], effort=Decimal(3))
    apply([record], user=leader)
    version = imported("A-1").version
    again = apply(
        [InitiativeRecord(line=2, key="A-1", title="One", tags=["x"], effort=Decimal(3))],
        user=leader,
    )
    assert again.counts["unchanged"] == 1
    assert imported("A-1").version == version
    edited = apply(
        [InitiativeRecord(line=2, key="A-1", title="One, renamed", tags=["x"])], user=leader
    )
    assert edited.counts["update"] == 1
    assert Initiative.objects.filter(source="jira").count() == 1
    assert imported("A-1").title == "One, renamed"
    assert imported("A-1").version == version + 1


def test_changed_tags_alone_make_an_update(org, leader):
    apply([InitiativeRecord(line=2, key="A-1", title="One", tags=["x"])], user=leader)
    report = apply([InitiativeRecord(line=2, key="A-1", title="One", tags=["y"])], user=leader)
    assert report.counts["update"] == 1
    assert list(imported("A-1").tags.values_list("name", flat=True)) == ["y"]
    assert Tag.objects.filter(name="x").exists()


def test_fields_the_export_does_not_give_are_left_alone(org, leader):
    InitiativeFactory(
        title="Old", source="jira", source_key="A-1", description="Kept", owner=org.pia
    )
    report = apply([InitiativeRecord(line=2, key="A-1", title="Old")], user=leader)
    assert report.counts["unchanged"] == 1
    assert imported("A-1").description == "Kept"
    assert imported("A-1").owner == org.pia


def test_a_key_twice_is_an_error_on_the_later_row(org, leader):
    report = apply(
        [
            InitiativeRecord(line=2, key="A-1", title="One"),
            InitiativeRecord(line=5, key="A-1", title="Again"),
        ],
        user=leader,
    )
    assert [(row.line, row.reason) for row in report.errors] == [(5, "key A-1 already on line 2")]
    assert not Initiative.objects.filter(source="jira").exists()


def test_a_too_long_title_and_a_deadline_before_the_start_are_errors(org, leader):
    report = apply(
        [
            InitiativeRecord(line=2, key="A-1", title="x" * 201),
            InitiativeRecord(
                line=3,
                key="A-2",
                title="Late",
                earliest_start=dt.date(2027, 5, 1),
                deadline=dt.date(2027, 4, 1),
            ),
        ],
        user=leader,
    )
    assert [row.line for row in report.errors] == [2, 3]
    assert "201 characters" in report.errors[0].reason
    assert "before the start date" in report.errors[1].reason


def test_unmatched_owners_are_one_note_not_an_error(org, leader):
    report = apply(
        [
            InitiativeRecord(line=2, key="A-1", title="One", owner="Nobody Known"),
            InitiativeRecord(line=3, key="A-2", title="Two", owner="gabe"),
        ],
        user=leader,
    )
    assert report.applied
    assert imported("A-1").owner is None
    assert imported("A-2").owner == org.gabe
    assert [note for note in report.notes if "No person" in note] == [
        "No person matches these owners, so their initiatives keep their owner "
        "(new ones get none): Nobody Known."
    ]


def test_dependencies_link_keys_of_the_file_and_of_earlier_imports(org, leader):
    earlier = InitiativeFactory(title="Earlier", source="jira", source_key="E-1")
    report = apply(
        [
            InitiativeRecord(line=2, key="A-1", title="One", depends_on=["A-2", "E-1"]),
            InitiativeRecord(line=3, key="A-2", title="Two", depends_on=["NOPE-9"]),
        ],
        user=leader,
    )
    assert report.applied
    links = set(Dependency.objects.values_list("initiative__source_key", "depends_on__source_key"))
    assert links == {("A-1", "A-2"), ("A-1", earlier.source_key)}
    assert any("NOPE-9" in note for note in report.notes)
    again = apply(
        [
            InitiativeRecord(line=2, key="A-1", title="One", depends_on=["A-2", "E-1"]),
            InitiativeRecord(line=3, key="A-2", title="Two"),
        ],
        user=leader,
    )
    assert again.counts["unchanged"] == 2


def test_a_dependency_cycle_is_refused_on_its_rows(org, leader):
    saved = InitiativeFactory(title="Saved", source="jira", source_key="S-1")
    other = InitiativeFactory(title="Other")
    Dependency.objects.create(initiative=saved, depends_on=other)
    report = apply(
        [
            InitiativeRecord(line=2, key="A-1", title="One", depends_on=["A-2"]),
            InitiativeRecord(line=3, key="A-2", title="Two", depends_on=["S-1"]),
            InitiativeRecord(line=4, key="S-1", title="Saved", depends_on=["A-1"]),
            InitiativeRecord(line=5, key="B-1", title="Fine", depends_on=["S-1"]),
        ],
        user=leader,
    )
    assert [row.line for row in report.errors] == [2, 3, 4]
    assert "cycle" in report.errors[0].reason
    assert Dependency.objects.count() == 1


def test_a_row_blocked_by_itself_is_an_error_on_its_line(org, leader):
    report = apply(
        [
            InitiativeRecord(line=2, key="A-1", title="One", depends_on=["A-2"]),
            InitiativeRecord(line=3, key="A-2", title="Two", depends_on=[" A-2 "]),
        ],
        user=leader,
    )
    assert [(row.line, row.key, row.reason) for row in report.errors] == [
        (3, "A-2", "A-2 is blocked by itself")
    ]
    assert not report.applied
    assert not Initiative.objects.filter(source="jira").exists()


def test_two_separate_cycles_are_named_apart_each_in_order(org, leader):
    report = apply(
        [
            InitiativeRecord(line=2, key="A-1", title="One", depends_on=["A-2"]),
            InitiativeRecord(line=3, key="A-2", title="Two", depends_on=["A-1"]),
            InitiativeRecord(line=4, key="B-1", title="Three", depends_on=["B-2"]),
            InitiativeRecord(line=5, key="B-2", title="Four", depends_on=["B-3"]),
            InitiativeRecord(line=6, key="B-3", title="Five", depends_on=["B-1", "C-1"]),
            InitiativeRecord(line=7, key="C-1", title="Fine"),
        ],
        user=leader,
    )
    first = "its dependencies make a cycle: A-1 → A-2 → A-1 (each is blocked by the next)"
    second = "its dependencies make a cycle: B-1 → B-2 → B-3 → B-1 (each is blocked by the next)"
    assert [(row.line, row.reason) for row in report.errors] == [
        (2, first),
        (3, first),
        (4, second),
        (5, second),
        (6, second),
    ]
    assert not report.applied


def test_one_tangle_names_a_cycle_through_every_row_of_it(org, leader):
    # A-1 is on two cycles; A-3 is only on the second, which the first row's cycle misses.
    report = apply(
        [
            InitiativeRecord(line=2, key="A-1", title="One", depends_on=["A-2"]),
            InitiativeRecord(line=3, key="A-2", title="Two", depends_on=["A-1", "A-3"]),
            InitiativeRecord(line=4, key="A-3", title="Three", depends_on=["A-1"]),
        ],
        user=leader,
    )
    reasons = {row.line: row.reason.split(": ", 1)[1] for row in report.errors}
    assert reasons == {
        2: "A-1 → A-2 → A-1 (each is blocked by the next)",
        3: "A-1 → A-2 → A-1 (each is blocked by the next)",
        4: "A-3 → A-1 → A-2 → A-3 (each is blocked by the next)",
    }


def test_a_cycle_closing_through_saved_dependencies_names_the_saved_initiatives(org, leader):
    saved_first = InitiativeFactory(title="Saved one", source="jira", source_key="S-1")
    saved_second = InitiativeFactory(title="Saved two", source="jira", source_key="S-2")
    payments = InitiativeFactory(title="Payments revamp")
    # Stored: S-1 waits for the manual "Payments revamp", which waits for S-2.
    Dependency.objects.create(initiative=saved_first, depends_on=payments)
    Dependency.objects.create(initiative=payments, depends_on=saved_second)
    report = apply(
        [
            InitiativeRecord(line=2, key="S-2", title="Saved two", depends_on=["S-1"]),
            InitiativeRecord(line=3, key="N-1", title="New", depends_on=["S-2"]),
        ],
        user=leader,
    )
    assert [(row.line, row.key, row.reason) for row in report.errors] == [
        (
            2,
            "S-2",
            "its dependencies make a cycle: S-2 → S-1 → “Payments revamp” → S-2 "
            "(each is blocked by the next)",
        )
    ]
    assert Dependency.objects.count() == 2


def test_new_effort_replaces_the_team_effort_rows(org, leader):
    team_mappings_save(source="jira", field=FIELD, mapping={"CHK": org.checkout, "SRC": org.search})
    apply(
        [InitiativeRecord(line=2, key="A-1", title="One", team_value="CHK", effort=Decimal(4))],
        user=leader,
    )
    apply(
        [InitiativeRecord(line=2, key="A-1", title="One", team_value="SRC", effort=Decimal(6))],
        user=leader,
    )
    initiative = imported("A-1")
    assert initiative.effort_estimate == Decimal(6)
    assert list(initiative.team_efforts.values_list("team__name", "effort")) == [
        ("Search", Decimal(6))
    ]


def test_only_leaders_may_apply(org):
    with pytest.raises(PermissionDenied):
        apply([InitiativeRecord(line=2, key="A-1", title="One")], user=org.pia.user)


def test_ten_thousand_records_take_batched_queries_not_one_per_row(
    org, leader, django_assert_max_num_queries
):
    records = [
        InitiativeRecord(
            line=index + 2,
            key=f"A-{index}",
            title=f"Initiative {index}",
            team_value="Checkout",
            tags=[f"t{index % 7}"],
            effort=Decimal(index % 13),
            depends_on=[f"A-{index - 1}"] if index else [],
        )
        for index in range(10_000)
    ]
    with django_assert_max_num_queries(600):
        report = apply(records, user=leader)
    assert report.applied
    assert Initiative.objects.filter(source="jira").count() == 10_000
    with django_assert_max_num_queries(100):
        again = apply(records, user=leader)
    assert again.counts["unchanged"] == 10_000


def test_a_value_estimate_is_written_when_given(org, leader):
    apply(
        [InitiativeRecord(line=2, key="A-1", title="One", value_estimate=Decimal("12.34"))],
        user=leader,
    )
    assert imported("A-1").value_estimate == Decimal("12.3")
    report = apply([InitiativeRecord(line=2, key="A-1", title="One")], user=leader)
    assert report.counts["unchanged"] == 1
    assert imported("A-1").value_estimate == Decimal("12.3")
