from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from productorg.accounts.models import User
from productorg.demo import generator
from productorg.factories import InitiativeFactory, ObjectiveFactory, TeamFactory
from productorg.strategy import services
from productorg.strategy.models import Initiative, Milestone, StatusUpdate
from productorg.strategy.selectors.alignment import KINDS, alignment_check

# A day in the first quarter of 2027: the check looks at 2027-Q1 to 2027-Q4.
TODAY = date(2027, 2, 15)


def check(who, *, stale_after_days: int = 14, **options):
    user = getattr(who, "user", None) or who
    return alignment_check(user=user, stale_after_days=stale_after_days, today=TODAY, **options)


def kind_of(result, slug: str):
    return next(kind for kind in result.kinds if kind.slug == slug)


def labels(who, slug: str, **options) -> list[str]:
    return [finding.label for finding in kind_of(check(who, **options), slug).items]


def fixes(who, slug: str) -> dict[str, tuple[str, str]]:
    return {
        finding.label: (finding.fix_url, finding.fix_text)
        for finding in kind_of(check(who), slug).items
    }


def initiative(title: str) -> Initiative:
    return Initiative.objects.get(title=title)


def status_update(initiative: Initiative, day: date) -> None:
    StatusUpdate.objects.create(
        initiative=initiative, date=day, health="green", progress=50, summary="On track."
    )


@pytest.fixture
def on_today(time_machine):
    """Pages read the date from the clock: hold it on TODAY."""
    time_machine.move_to(datetime(2027, 2, 15, 12, tzinfo=UTC), tick=False)


# Initiatives serving no objective.


def test_open_work_serving_no_objective_is_unaligned_and_finished_work_is_not(org):
    aligned = InitiativeFactory(title="Saved carts", team=org.checkout, status="planned")
    aligned.objectives.add(ObjectiveFactory(period="2027-H1"))
    InitiativeFactory(title="Old search", team=org.search, status="done")
    InitiativeFactory(title="Abandoned idea", team=org.search, status="dropped")
    InitiativeFactory(title="Checkout speed-up", team=org.checkout, status="in_progress")
    assert labels(org.gabe, "unaligned") == [
        "Checkout speed-up",
        "Invoice dunning",
        "One-click reorder",
        "Typo-tolerant search",
    ]
    assert kind_of(check(org.gabe), "unaligned").count == 4


# Objectives no initiative serves.


def test_an_objective_of_a_live_period_with_no_open_work_is_found(org):
    ObjectiveFactory(title="Win mobile", period="2027-H1")
    ObjectiveFactory(title="Enter Spain", period="2028")
    ObjectiveFactory(title="Last year's push", period="2026-H2")
    served_only_by_dropped = ObjectiveFactory(title="Cut churn", period="2027-Q1")
    InitiativeFactory(status="dropped").objectives.add(served_only_by_dropped)
    assert labels(org.gabe, "unserved-objectives") == ["Cut churn", "Win mobile", "Enter Spain"]


def test_an_objective_served_through_its_cascade_or_by_finished_work_is_not_found(org):
    company = ObjectiveFactory(title="Grow revenue", period="2027-H1")
    team_level = ObjectiveFactory(title="Faster checkout", period="2027-H1", parent=company)
    org.checkout.initiatives.get().objectives.add(team_level)
    shipped = ObjectiveFactory(title="Ship invoices", period="2027-H1")
    InitiativeFactory(status="done").objectives.add(shipped)
    ObjectiveFactory(title="Past and empty", period="2026-Q4")
    assert labels(org.gabe, "unserved-objectives") == []


def test_periods_that_ended_earlier_this_year_are_history(org):
    for period in ["2027-Q2", "2027-H1", "2027-Q3", "2027-H2", "2027", "2028-Q1"]:
        ObjectiveFactory(title=f"Objective of {period}", period=period)
    in_august = alignment_check(user=org.gabe.user, stale_after_days=14, today=date(2027, 8, 1))
    assert [finding.label for finding in kind_of(in_august, "unserved-objectives").items] == [
        "Objective of 2027-Q3",
        "Objective of 2027",
        "Objective of 2027-H2",
        "Objective of 2028-Q1",
    ]


# Teams planned beyond capacity.


def test_a_team_planned_beyond_capacity_in_a_coming_quarter_is_found(org):
    InitiativeFactory(
        team=org.checkout, status="planned", start_quarter="2027-Q2", effort_estimate=40
    )
    InitiativeFactory(
        team=org.checkout, status="planned", start_quarter="2027-Q2", effort_estimate=20
    )
    found = kind_of(check(org.gabe), "over-capacity").items
    assert [finding.label for finding in found] == ["Checkout in 2027-Q2"]
    assert "60.0 pw planned against a capacity of 52.0 pw: 8.0 pw over" in found[0].detail
    assert found[0].fix_url == f"/capacity/?team={org.checkout.pk}"


def test_work_within_capacity_or_outside_the_coming_quarters_is_not_found(org):
    InitiativeFactory(
        team=org.search, status="planned", start_quarter="2027-Q3", effort_estimate=50
    )
    # Spread over two quarters: 45 a quarter.
    InitiativeFactory(
        team=org.billing, start_quarter="2027-Q1", duration_quarters=2, effort_estimate=90
    )
    InitiativeFactory(team=org.billing, start_quarter="2026-Q4", effort_estimate=200)
    InitiativeFactory(team=org.billing, start_quarter="2028-Q1", effort_estimate=200)
    InitiativeFactory(
        team=org.search, status="dropped", start_quarter="2027-Q2", effort_estimate=200
    )
    assert labels(org.gabe, "over-capacity") == []


# Dependencies on dropped or late work.


def waiting(title: str, depends_on: Initiative, **fields) -> Initiative:
    fields.setdefault("status", "planned")
    dependent = InitiativeFactory(title=title, **fields)
    services.dependency_add(initiative=dependent, depends_on=depends_on)
    return dependent


def test_work_waiting_for_dropped_or_late_work_is_found_most_serious_first(org):
    waiting("After a dropped API", InitiativeFactory(title="Payments API", status="dropped"))
    overdue = InitiativeFactory(
        title="Tax engine", status="in_progress", deadline=date(2027, 1, 31)
    )
    waiting("After the tax engine", overdue)
    long_runner = InitiativeFactory(
        title="Data platform", status="in_progress", start_quarter="2027-Q1", duration_quarters=2
    )
    waiting("Starts while its dependency runs", long_runner, start_quarter="2027-Q2")
    slipping = InitiativeFactory(
        title="Risk scoring", start_quarter="2027-Q3", deadline=date(2027, 6, 30)
    )
    waiting("After risk scoring", slipping)
    found = kind_of(check(org.gabe), "blocked-dependencies").items
    assert [finding.label for finding in found] == [
        "After a dropped API",
        "After the tax engine",
        "Starts while its dependency runs",
        "After risk scoring",
    ]
    details = [finding.detail for finding in found]
    assert "“Payments API”" in details[0] and "dropped" in details[0]
    assert "past its deadline" in details[1]
    assert "planned to end in 2027-Q2, when this is to start in 2027-Q2" in details[2]
    assert "planned to end in 2027-Q3, after its deadline" in details[3]
    dependent = Initiative.objects.get(title="After a dropped API")
    assert found[0].fix_url == f"/initiatives/{dependent.pk}/"


def test_work_waiting_for_finished_or_timely_work_is_not_found(org):
    waiting("After done work", InitiativeFactory(status="done", deadline=date(2027, 1, 1)))
    on_time = InitiativeFactory(
        status="in_progress", start_quarter="2027-Q1", deadline=date(2027, 3, 31)
    )
    waiting("Starts after it ends", on_time, start_quarter="2027-Q2")
    waiting("Finished itself", InitiativeFactory(status="dropped"), status="done")
    waiting("Not placed yet", InitiativeFactory(status="planned", start_quarter="2027-Q1"))
    assert labels(org.gabe, "blocked-dependencies") == []


# Status gone stale.


def test_work_in_progress_without_a_recent_update_goes_stale(org):
    quiet = InitiativeFactory(title="Quiet work", team=org.checkout, status="in_progress")
    status_update(quiet, TODAY - timedelta(days=20))
    never = InitiativeFactory(title="Never reported", team=org.search, status="in_progress")
    Initiative.objects.filter(pk=never.pk).update(created_at=datetime(2026, 12, 1, 9, tzinfo=UTC))
    fresh = InitiativeFactory(title="Fresh news", status="in_progress")
    status_update(fresh, TODAY - timedelta(days=20))
    status_update(fresh, TODAY - timedelta(days=3))
    status_update(InitiativeFactory(title="Not started", status="planned"), date(2026, 1, 1))
    found = kind_of(check(org.gabe), "stale-status").items
    assert [finding.label for finding in found] == ["Never reported", "Quiet work"]
    assert "no status update since it was created on" in found[0].detail
    assert "(76 days ago)" in found[0].detail
    assert "(20 days ago)" in found[1].detail


def test_how_many_days_make_a_status_stale_is_the_callers_choice(org):
    quiet = InitiativeFactory(title="Quiet work", status="in_progress")
    status_update(quiet, TODAY - timedelta(days=20))
    assert labels(org.gabe, "stale-status", stale_after_days=19) == ["Quiet work"]
    assert labels(org.gabe, "stale-status", stale_after_days=20) == []
    assert labels(org.gabe, "stale-status", stale_after_days=30) == []


def test_new_work_in_progress_is_not_stale_before_its_time(org):
    new = InitiativeFactory(title="Just started", status="in_progress")
    Initiative.objects.filter(pk=new.pk).update(created_at=datetime(2027, 2, 10, 9, tzinfo=UTC))
    assert labels(org.gabe, "stale-status") == []


# Green work with an overdue milestone.


def test_green_work_with_a_milestone_past_its_date_and_not_done_is_found(org):
    late = InitiativeFactory(title="Green but late", team=org.checkout, status="in_progress")
    Milestone.objects.create(initiative=late, title="Beta", due=TODAY - timedelta(days=10))
    Milestone.objects.create(initiative=late, title="GA", due=TODAY - timedelta(days=2))
    Milestone.objects.create(initiative=late, title="Done one", due=date(2027, 1, 1), done=True)
    ticked = InitiativeFactory(title="Ticked off", status="in_progress")
    Milestone.objects.create(initiative=ticked, title="Beta", due=date(2027, 1, 1), done=True)
    amber = InitiativeFactory(title="Says amber", status="in_progress", health="amber")
    Milestone.objects.create(initiative=amber, title="Beta", due=date(2027, 1, 1))
    ahead = InitiativeFactory(title="Due later", status="planned")
    Milestone.objects.create(initiative=ahead, title="Beta", due=TODAY + timedelta(days=1))
    finished = InitiativeFactory(title="Finished", status="done")
    Milestone.objects.create(initiative=finished, title="Beta", due=date(2027, 1, 1))
    found = kind_of(check(org.gabe), "green-past-milestones").items
    assert [finding.label for finding in found] == ["Green but late"]
    assert found[0].detail == (
        "Checkout · green, but “Beta” was due 5 Feb 2027 (10 days ago) and is not done; "
        "1 more overdue"
    )
    page = f"/initiatives/{late.pk}/#milestones"
    assert found[0].fix_url == page
    assert fixes(org.pia, "green-past-milestones")["Green but late"][1] == (
        "Tick the milestone or post a status"
    )
    assert fixes(org.olive, "green-past-milestones")["Green but late"] == (
        page,
        "Open the initiative",
    )


def test_a_later_amber_status_clears_the_finding(org):
    late = InitiativeFactory(title="Green but late", team=org.checkout, status="in_progress")
    Milestone.objects.create(initiative=late, title="Beta", due=TODAY - timedelta(days=10))
    assert labels(org.gabe, "green-past-milestones") == ["Green but late"]
    services.status_update_post(
        initiative=late,
        author=org.pia,
        date=TODAY,
        health="amber",
        progress=40,
        summary="Beta slipped.",
    )
    assert labels(org.gabe, "green-past-milestones") == []


def test_the_initiative_page_shows_an_overdue_milestone_beside_a_green_status(
    client_for, org, on_today
):
    late = InitiativeFactory(title="Green but late", team=org.checkout, status="in_progress")
    Milestone.objects.create(initiative=late, title="Public beta", due=TODAY - timedelta(days=10))
    Milestone.objects.create(
        initiative=late, title="General availability", due=TODAY + timedelta(days=30)
    )
    page = client_for(org.pia).get(f"/initiatives/{late.pk}/").content.decode()
    assert "1 milestone past its date and not done, while the status says green" in page
    # Titles with spaces: a CSRF token in the page can hold "GA" or "Beta" by chance.
    beta = page[page.index("Public beta") : page.index("General availability")]
    assert "overdue" in beta
    general = page.index("General availability")
    assert "overdue" not in page[general : general + 200]


# Work a leader still owns.


def test_open_work_a_leader_owns_on_a_team_with_its_own_pm_is_found(org):
    InitiativeFactory(title="Gabe's pet project", team=org.checkout, owner=org.gabe)
    InitiativeFactory(title="Dana's rescue", team=org.billing, owner=org.dana, status="in_progress")
    found = kind_of(check(org.cora), "leader-owned").items
    assert [finding.label for finding in found] == ["Dana's rescue", "Gabe's pet project"]
    assert found[1].detail == (
        "Checkout · Idea · owned by Gabe, who leads people; the team's product manager is Pia"
    )


def test_leaders_owning_finished_work_or_teams_without_a_pm_is_not_found(org):
    InitiativeFactory(title="Shipped", team=org.checkout, owner=org.gabe, status="done")
    InitiativeFactory(title="Orphan team", team=TeamFactory(name="New"), owner=org.gabe)
    InitiativeFactory(title="No team", team=None, owner=org.gabe)
    led = TeamFactory(name="Platform", product_manager=org.greta)
    InitiativeFactory(title="Greta's own team", team=led, owner=org.greta)
    InitiativeFactory(title="Pia's work", team=org.search, owner=org.pia)
    assert labels(org.cora, "leader-owned") == []


# Fix links per role.


def test_fix_links_lead_to_edit_pages_only_for_who_may_edit(org):
    reorder = initiative("One-click reorder")
    dunning = initiative("Invoice dunning")
    edit, read = "/initiatives/{}/edit/", "/initiatives/{}/"
    assert fixes(org.gabe, "unaligned")["Invoice dunning"][0] == edit.format(dunning.pk)
    pia_sees = fixes(org.pia, "unaligned")
    assert pia_sees["One-click reorder"][0] == edit.format(reorder.pk)
    assert pia_sees["Invoice dunning"] == (read.format(dunning.pk), "Open the initiative")
    assert fixes(org.sam, "unaligned")["One-click reorder"][0] == read.format(reorder.pk)


def test_objective_fix_links_edit_for_leaders_and_open_the_tree_for_others(org):
    objective = ObjectiveFactory(title="Win mobile", period="2027-H1")
    assert fixes(org.dana, "unserved-objectives")["Win mobile"] == (
        f"/strategy/objectives/{objective.pk}/edit/",
        "Edit the objective",
    )
    for who in (org.pia, org.sam):
        assert fixes(who, "unserved-objectives")["Win mobile"] == (
            f"/strategy/?period=2027-H1#objective-{objective.pk}",
            "Open in the strategy tree",
        )


def test_stale_work_links_to_its_page_where_the_team_posts_an_update(org):
    quiet = initiative("One-click reorder")
    Initiative.objects.filter(pk=quiet.pk).update(
        status="in_progress", created_at=datetime(2026, 12, 1, tzinfo=UTC)
    )
    page = f"/initiatives/{quiet.pk}/"
    assert fixes(org.pia, "stale-status")["One-click reorder"] == (page, "Post a status update")
    assert fixes(org.olive, "stale-status")["One-click reorder"] == (page, "Open the initiative")


def test_leader_owned_work_links_to_the_edit_page_to_hand_it_over(org):
    owned = InitiativeFactory(title="Gabe's pet project", team=org.checkout, owner=org.gabe)
    assert fixes(org.gabe, "leader-owned")["Gabe's pet project"] == (
        f"/initiatives/{owned.pk}/edit/",
        "Hand it to Pia",
    )
    assert fixes(org.paul, "leader-owned")["Gabe's pet project"][0] == f"/initiatives/{owned.pk}/"


# The overview and one kind in full.


def test_the_overview_shows_a_few_of_each_kind_and_one_kind_pages_through_all(org):
    for number in range(60):
        InitiativeFactory(title=f"Loose end {number:02}", team=org.checkout)
    overview = kind_of(check(org.gabe), "unaligned")
    assert (overview.count, len(overview.items), overview.has_more) == (63, 25, True)
    second = check(org.gabe, kind="unaligned", page=2)
    assert second.selected.slug == "unaligned"
    assert (second.page.number, len(second.selected.items)) == (2, 13)
    assert kind_of(second, "stale-status").items == []
    assert kind_of(second, "unserved-objectives").count == 0


def test_an_unknown_kind_is_refused_by_the_selector(org):
    with pytest.raises(ValueError, match="not a kind"):
        check(org.gabe, kind="everything")


# The page.


@pytest.mark.parametrize("viewer", ["pia", "gabe", "cora", "sam", "ada"])
def test_everyone_who_sees_the_portfolio_opens_the_alignment_check(client_for, org, viewer):
    response = client_for(getattr(org, viewer)).get("/strategy/alignment/")
    assert response.status_code == 200
    assert [kind.slug for kind in response.context["check"].kinds] == KINDS


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login_and_sees_no_findings(client, db):
    assert client.get("/strategy/alignment/").status_code == 302
    assert check(AnonymousUser()) is None


def test_the_summary_strip_counts_each_kind_and_says_all_clear_for_the_rest(
    client_for, org, on_today
):
    page = client_for(org.gabe).get("/strategy/alignment/").content.decode()
    start = page.index('class="alignment-summary"')
    strip = page[start : page.index("</ul>", start)]
    assert re.search(r"<strong>3</strong>\s*<span>Initiatives serving no objective", strip)
    assert strip.count("All clear") == len(KINDS) - 1


def test_a_stakeholder_sees_the_findings_but_no_edit_link(client_for, org, on_today):
    ObjectiveFactory(title="Win mobile", period="2027-H1")
    InitiativeFactory(title="Pet project", team=org.checkout, owner=org.gabe)
    page = client_for(org.sam).get("/strategy/alignment/").content.decode()
    assert "Win mobile" in page and "Pet project" in page
    assert "/edit/" not in page
    assert "/edit/" in client_for(org.gabe).get("/strategy/alignment/").content.decode()


def stale_labels(response) -> list[str]:
    return [finding.label for finding in kind_of(response.context["check"], "stale-status").items]


def test_stale_days_come_from_the_query_and_default_to_the_setting(
    client_for, org, settings, on_today
):
    quiet = InitiativeFactory(title="Quiet work", status="in_progress")
    status_update(quiet, TODAY - timedelta(days=10))
    client = client_for(org.gabe)
    settings.STALE_UPDATE_DAYS = 7
    response = client.get("/strategy/alignment/")
    assert response.context["check"].stale_after_days == 7
    assert stale_labels(response) == ["Quiet work"]
    assert "no status update in the last 7 days" in response.content.decode()
    response = client.get("/strategy/alignment/?stale_days=30")
    assert response.context["check"].stale_after_days == 30
    assert stale_labels(response) == []
    assert 'value="30"' in response.content.decode()
    one_kind = client.get("/strategy/alignment/?stale_days=30&kind=unaligned").content.decode()
    assert 'href="?stale_days=30&amp;kind=stale-status"' in one_kind


@pytest.mark.parametrize("value", ["0", "366", "-3", "two weeks", "14.5"])
def test_stale_days_out_of_range_fall_back_to_the_default_with_a_message(
    client_for, org, settings, value
):
    settings.STALE_UPDATE_DAYS = 21
    response = client_for(org.gabe).get("/strategy/alignment/", {"stale_days": value})
    assert response.status_code == 200
    assert response.context["check"].stale_after_days == 21
    assert "Stale after must be a whole number of days from 1 to 365" in (response.content.decode())


def test_show_all_opens_one_kind_with_pages_of_fifty(client_for, org, on_today):
    for number in range(60):
        InitiativeFactory(title=f"Loose end {number:02}", team=org.checkout)
    client = client_for(org.gabe)
    overview = client.get("/strategy/alignment/").content.decode()
    assert 'href="?kind=unaligned">Show all 63</a>' in overview
    first = client.get("/strategy/alignment/?kind=unaligned").content.decode()
    assert first.count('<th scope="row">') == 50
    assert 'href="?kind=unaligned&amp;page=2"' in first
    second = client.get("/strategy/alignment/?kind=unaligned&page=2").content.decode()
    assert second.count('<th scope="row">') == 13
    assert "51–63 of 63" in second


def test_an_unknown_kind_in_the_query_shows_every_kind_with_a_message(client_for, org):
    response = client_for(org.gabe).get("/strategy/alignment/?kind=everything")
    assert response.status_code == 200
    assert response.context["check"].selected is None
    assert "There is no such kind of finding" in response.content.decode()


def test_an_htmx_request_gets_the_findings_alone(client_for, org):
    response = client_for(org.gabe).get(
        "/strategy/alignment/?stale_days=30", headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="findings"')
    assert "<html" not in page


# The page's cost does not grow with the portfolio.

MAX_QUERIES = 18
URLS = [
    "/strategy/alignment/",
    "/strategy/alignment/?kind=unaligned&page=2",
    "/strategy/alignment/?kind=blocked-dependencies&stale_days=7",
    "/strategy/alignment/?kind=stale-status&stale_days=400",
]


@pytest.fixture(scope="module", params=[1, 3], ids=["small", "small-x3"])
def demo_org(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        size = generator.SIZES["small"].scaled(request.param)
        generator.demo_organisation_create(size=size, seed=7)
        _place_and_date_some_work()
        yield request.param
        transaction.set_rollback(True)


def _place_and_date_some_work() -> None:
    """Place and date a third each of the open work, whatever the demo's own plan, so that
    every kind of finding has rows to show and the bound covers them."""
    ids = list(
        Initiative.objects.exclude(status="done").order_by("pk").values_list("pk", flat=True)
    )
    Initiative.objects.filter(pk__in=ids[0::3]).update(start_quarter="2027-Q1", duration_quarters=2)
    Initiative.objects.filter(pk__in=ids[1::3]).update(
        start_quarter="2027-Q2", deadline=date(2027, 1, 31), earliest_start=None
    )


def demo_account(role: str) -> User:
    username = next(a.username for a in generator.demo_accounts() if a.role == role)
    return User.objects.get(username=username)


def test_every_kind_has_findings_in_the_demo_the_bound_is_measured_on(demo_org, db):
    result = alignment_check(user=demo_account("CPO"), stale_after_days=14, today=TODAY)
    assert all(kind.count > 0 for kind in result.kinds), [
        (kind.slug, kind.count) for kind in result.kinds
    ]


@pytest.mark.parametrize("role", ["CPO", "Director", "Group PM", "PM", "Stakeholder", "Admin"])
@pytest.mark.parametrize("url", URLS)
def test_the_page_stays_within_its_query_bound_as_data_grows(
    demo_org, db, client, django_assert_max_num_queries, on_today, role, url
):
    client.force_login(demo_account(role))
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
