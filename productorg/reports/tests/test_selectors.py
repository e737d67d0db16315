from __future__ import annotations

import datetime

import pytest

from productorg.factories import InitiativeFactory
from productorg.reports.models import ScopeKind
from productorg.reports.selectors import (
    ReportError,
    ReportScope,
    leadership_report_data,
    snapshot_diff,
)
from productorg.reports.tests.portfolio import portfolio_create
from productorg.strategy.models import Initiative, Milestone, Risk, StatusUpdate
from productorg.strategy.selectors.mix import balance_dimensions


def titles(snapshot: dict) -> list[str]:
    return [entry["title"] for entry in snapshot["initiatives"]]


def test_the_default_scope_is_the_initiatives_spanning_several_teams(org):
    work = portfolio_create(org)
    snapshot = leadership_report_data(period=work.quarter, today=work.today)
    assert titles(snapshot) == ["Checkout revamp", "Search relevance"]
    assert snapshot["scope"]["description"] == (
        "Initiatives spanning several teams or marked leadership-level"
    )


def test_the_default_scope_takes_one_team_work_marked_leadership_level(org):
    work = portfolio_create(org)
    Initiative.objects.filter(title="One-click reorder").update(leadership_level=True)
    snapshot = leadership_report_data(period=work.quarter, today=work.today)
    assert titles(snapshot) == ["Checkout revamp", "One-click reorder", "Search relevance"]


def test_every_initiative_appears_with_its_latest_status_milestones_and_open_risks(org):
    work = portfolio_create(org)
    snapshot = leadership_report_data(period=work.quarter, today=work.today)
    revamp, relevance = snapshot["initiatives"]
    assert revamp["health"] == "amber" and revamp["progress"] == 40
    assert revamp["status_text"] == "The **payment provider** slipped two weeks."
    assert (revamp["milestones_done"], revamp["milestones_total"]) == (1, 2)
    assert revamp["milestones_overdue"] == 1
    assert [risk["description"] for risk in revamp["risks"]] == ["Provider sandbox down"]
    assert relevance["health"] == "none" and relevance["status_text"] == ""
    summary = snapshot["summary"]
    assert summary["health"] == {"green": 0, "amber": 1, "red": 0, "none": 1}
    assert summary["decisions"][0]["text"] == "Cut the admin screens or move the date?"


def test_a_past_period_reads_the_status_as_it_was_at_its_end(org):
    work = portfolio_create(org, today=datetime.date(2027, 2, 15))
    snapshot = leadership_report_data(period=work.quarter, today=datetime.date(2027, 1, 10))
    revamp = snapshot["initiatives"][0]
    assert snapshot["as_of"] == "2027-01-10"
    assert (revamp["health"], revamp["status_text"]) == ("green", "An early update.")


def test_the_whole_org_scope_takes_single_team_work_too(org):
    work = portfolio_create(org)
    snapshot = leadership_report_data(
        period=work.quarter, scope=ReportScope(kind=ScopeKind.ORG), today=work.today
    )
    assert titles(snapshot) == ["Checkout revamp", "One-click reorder", "Search relevance"]
    assert snapshot["charts"]["key_results"][0]["metric"] == "Repeat purchase rate"


def test_a_group_scope_takes_the_work_of_the_leaders_teams(org):
    work = portfolio_create(org)
    snapshot = leadership_report_data(
        period=work.quarter,
        scope=ReportScope(kind=ScopeKind.GROUP, leader_id=org.greta.pk),
        today=work.today,
    )
    # Greta's group is Billing: only Search relevance puts effort there.
    assert titles(snapshot) == ["Search relevance"]
    assert snapshot["scope"]["description"] == "Group of Greta"


def test_selected_initiatives_are_reported_whatever_their_quarter(org):
    work = portfolio_create(org)
    typo = org.search.initiatives.get(title="Typo-tolerant search")
    snapshot = leadership_report_data(
        period=work.quarter,
        scope=ReportScope(kind=ScopeKind.SELECTED, initiative_ids=(typo.pk,)),
        today=work.today,
    )
    assert titles(snapshot) == ["Typo-tolerant search"]


def test_a_period_without_initiatives_gives_an_empty_report(org):
    portfolio_create(org)
    snapshot = leadership_report_data(period="1999-Q1", today=datetime.date(2027, 1, 1))
    assert snapshot["initiatives"] == [] and snapshot["summary"]["total"] == 0


@pytest.mark.parametrize("period", ["", "  ", "2027-Q5", "Q1", "2027-q1; drop"])
def test_a_bad_or_empty_period_is_refused_naming_the_field(db, period):
    with pytest.raises(ReportError) as refused:
        leadership_report_data(period=period)
    assert refused.value.field == "period"


@pytest.mark.parametrize("period", ["2027", "2027-H1", "2027-Q1"])
def test_years_halves_and_quarters_are_periods(org, period):
    portfolio_create(org, today=datetime.date(2027, 2, 1))
    snapshot = leadership_report_data(period=period, today=datetime.date(2027, 2, 1))
    assert "Checkout revamp" in titles(snapshot)


def test_a_report_holds_no_people_data(org):
    work = portfolio_create(org)
    text = str(leadership_report_data(period=work.quarter, today=work.today))
    for person in (org.pia, org.paul, org.gabe, org.greta):
        assert person.name not in text
        assert person.email not in text


@pytest.mark.parametrize("extra", [0, 12])
def test_the_report_data_takes_a_fixed_number_of_queries(org, django_assert_max_num_queries, extra):
    work = portfolio_create(org)
    for number in range(extra):
        initiative = InitiativeFactory(
            title=f"More {number}", start_quarter=work.quarter, status="in_progress"
        )
        StatusUpdate.objects.create(
            initiative=initiative, date=work.today, health="red", progress=5, summary="Late."
        )
        Milestone.objects.create(initiative=initiative, title="Beta", due=work.today)
        Risk.objects.create(initiative=initiative, description="Risky")
    # The mix board's dimensions, made on first use, are not the report's to count.
    balance_dimensions()
    with django_assert_max_num_queries(14):
        snapshot = leadership_report_data(
            period=work.quarter, scope=ReportScope(kind=ScopeKind.ORG), today=work.today
        )
    assert snapshot["summary"]["total"] == 3 + extra


def test_the_diff_names_health_changes_new_risks_slipped_milestones_and_scope_changes():
    def entry(pk, health, risks=(), milestones=()):
        return {
            "id": pk,
            "title": f"Initiative {pk}",
            "health": health,
            "risks": [
                {"id": r, "description": f"Risk {r}", "severity": "high", "mitigation": ""}
                for r in risks
            ],
            "milestones": list(milestones),
        }

    beta = {"id": 9, "title": "Beta", "due": "2027-01-10", "done": False, "overdue": False}
    before = {
        "period": "2026-Q4",
        "as_of": "2026-12-31",
        "initiatives": [entry(1, "green", [1], [beta]), entry(2, "amber"), entry(3, "red")],
    }
    after = {
        "period": "2027-Q1",
        "as_of": "2027-02-01",
        "initiatives": [
            entry(1, "amber", [1, 2], [{**beta, "due": "2027-03-01"}]),
            entry(2, "amber"),
            entry(4, "green"),
        ],
    }
    diff = snapshot_diff(before=before, after=after)
    assert [(row["id"], row["before"], row["after"]) for row in diff["health_changed"]] == [
        (1, "green", "amber")
    ]
    assert [row["description"] for row in diff["new_risks"]] == ["Risk 2"]
    assert [(row["due_before"], row["due_after"]) for row in diff["slipped_milestones"]] == [
        ("2027-01-10", "2027-03-01")
    ]
    assert [row["id"] for row in diff["new_initiatives"]] == [4]
    assert [row["id"] for row in diff["removed_initiatives"]] == [3]


def test_work_with_no_category_is_reported_as_such_and_has_its_own_mix_fader(org):
    work = portfolio_create(org)
    Initiative.objects.filter(title="Checkout revamp").update(category="")
    snapshot = leadership_report_data(period=work.quarter, today=work.today)
    entry = next(item for item in snapshot["initiatives"] if item["title"] == "Checkout revamp")
    assert entry["category_label"] == "No category"
    faders = {fader["key"]: fader for fader in snapshot["charts"]["mix"]["faders"]}
    assert faders[""]["label"] == "No category"
    assert faders[""]["target"] is None
