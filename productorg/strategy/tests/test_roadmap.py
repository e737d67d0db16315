"""The roadmap (initiatives by quarter and team) and capacity (planned effort against each
team's capacity per quarter): placement, filters, dependencies, load, the window's
parameters, who may look, and bounded queries as the portfolio grows."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from productorg.demo import generator
from productorg.factories import InitiativeFactory, ObjectiveFactory, TeamFactory
from productorg.people.models import Team
from productorg.strategy.models import Dependency, Initiative, InitiativeEffort
from productorg.strategy.periods import quarter_add, quarter_of
from productorg.strategy.selectors import capacity
from productorg.strategy.selectors import roadmap as roadmap_selectors

WINDOW = "from=2027-Q1&quarters=4"


def place(title: str, team: Team, start: str, duration: int = 1, **fields) -> Initiative:
    return InitiativeFactory(
        title=title, team=team, start_quarter=start, duration_quarters=duration, **fields
    )


def bands(user, **filters) -> dict[str, list[roadmap_selectors.Bar]]:
    """Team name → the bars of its band, for the 2027 window."""
    found = roadmap_selectors.roadmap(
        user=user, quarters=["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"], **filters
    )
    return {band.team.name: band.bars for band in found.bands}


def bar_of(bars: list[roadmap_selectors.Bar], title: str) -> roadmap_selectors.Bar:
    return next(bar for bar in bars if bar.title == title)


# Placing bars.


def test_a_bar_lands_in_its_quarters_and_its_teams_band(org):
    place("Saved carts", org.checkout, "2027-Q2", 2)
    shown = bands(org.cora.user)
    bar = bar_of(shown["Checkout"], "Saved carts")
    assert (bar.column, bar.span) == (2, 2)
    assert (bar.start_quarter, bar.end_quarter) == ("2027-Q2", "2027-Q3")
    assert not bar.continues_before and not bar.continues_after
    assert not any(b.title == "Saved carts" for b in shown["Search"])


def test_a_bar_is_clipped_at_the_window_edges_and_says_it_continues(org):
    place("Long migration", org.search, "2026-Q3", 8)
    bar = bar_of(bands(org.cora.user)["Search"], "Long migration")
    assert (bar.column, bar.span) == (1, 4)
    assert bar.continues_before and bar.continues_after
    assert bar.end_quarter == "2028-Q2"


def test_work_outside_the_window_unplaced_or_dropped_is_not_on_the_roadmap(org):
    place("Finished last year", org.checkout, "2026-Q2", 3)  # ends 2026-Q4
    place("Next year's", org.checkout, "2028-Q1")
    place("Dropped", org.checkout, "2027-Q1", status=Initiative.Status.DROPPED)
    place("Just touching", org.checkout, "2026-Q2", 4)  # ends 2027-Q1
    titles = [bar.title for bar in bands(org.cora.user)["Checkout"]]
    assert titles == ["Just touching"]


def test_a_multi_team_initiative_shows_in_the_band_of_every_team_putting_effort_in(org):
    shared = place("Shared wallet", org.checkout, "2027-Q1", 2)
    InitiativeEffort.objects.create(initiative=shared, team=org.checkout, effort=30)
    InitiativeEffort.objects.create(initiative=shared, team=org.billing, effort=10)
    InitiativeEffort.objects.create(initiative=shared, team=org.search, effort=0)
    shown = bands(org.cora.user)
    lead = bar_of(shown["Checkout"], "Shared wallet")
    assert lead.lead_team is None and lead.partners == ["Billing"]
    contribution = bar_of(shown["Billing"], "Shared wallet")
    assert contribution.lead_team == "Checkout"
    assert not any(bar.title == "Shared wallet" for bar in shown["Search"])


def test_bands_are_grouped_by_product_area(org):
    Team.objects.filter(pk=org.billing.pk).update(product_area="Money")
    found = roadmap_selectors.roadmap(user=org.cora.user, quarters=["2027-Q1"])
    assert [(band.team.name, band.area_heading) for band in found.bands] == [
        ("Checkout", "Core"),
        ("Search", None),
        ("Billing", "Money"),
    ]


def test_the_roadmap_page_shows_the_bar_with_status_health_deadline_and_a_link(org, client_for):
    initiative = place(
        "Saved carts",
        org.checkout,
        "2027-Q2",
        2,
        category="growth",
        status=Initiative.Status.IN_PROGRESS,
        health=Initiative.Health.AMBER,
        deadline=date(2027, 4, 30),
    )
    page = client_for(org.pia).get(f"/roadmap/?{WINDOW}").content.decode()
    bar = re.search(r'<li class="rm-bar cat-growth[^"]*"[^>]*>.*?</li>', page, re.S).group(0)
    assert "gc-2 gs-2" in bar
    assert f'href="/initiatives/{initiative.pk}/"' in bar
    assert "In progress" in bar and "health-amber" in bar and "Amber" in bar
    assert "due 30 Apr 2027" in bar
    # It ends in 2027-Q3, after the quarter of its deadline: said in words, not colour.
    assert "after its deadline" in bar
    # The category's colour comes from roadmap.css (test_security_headers.py keeps it the
    # charts' colour), not from an inline style the Content-Security-Policy would refuse.
    assert "css/roadmap.css" in page


# Filters.


def test_filters_narrow_the_bars_and_keep_only_teams_with_something_to_show(org):
    objective = ObjectiveFactory(title="Grow repeat purchases")
    growth = place("Referral codes", org.search, "2027-Q1", category="growth")
    growth.objectives.add(objective)
    place("Faster checkout", org.checkout, "2027-Q1", status=Initiative.Status.PLANNED)
    place("Invoices in PDF", org.billing, "2027-Q2", category="scaling")
    assert {name: len(bars) for name, bars in bands(org.cora.user, category="growth").items()} == {
        "Search": 1
    }
    assert list(bands(org.cora.user, objective_id=objective.pk)) == ["Search"]
    assert list(bands(org.cora.user, status="planned")) == ["Checkout"]
    assert list(bands(org.cora.user, team_id=org.billing.pk)) == ["Billing"]
    # Without an initiative filter a team with nothing planned still has its (empty) band.
    assert list(bands(org.cora.user, area="Core")) == ["Billing", "Checkout", "Search"]


def test_the_roadmap_filters_on_no_category_and_names_it_in_the_legend(org, client_for):
    place("Imported epic", org.checkout, "2027-Q1", category="")
    place("Referral codes", org.search, "2027-Q1", category="growth")
    assert {
        name: [bar.title for bar in bars]
        for name, bars in bands(org.cora.user, category="none").items()
    } == {"Checkout": ["Imported epic"]}
    page = client_for(org.cora).get("/roadmap/", {"from": "2027-Q1"}).content.decode()
    assert "No category" in page


def test_a_filtered_contribution_keeps_the_contributing_team_listed(org):
    shared = place("Shared wallet", org.checkout, "2027-Q1", category="growth")
    InitiativeEffort.objects.create(initiative=shared, team=org.billing, effort=5)
    assert set(bands(org.cora.user, category="growth")) == {"Checkout", "Billing"}


def test_the_filter_form_swaps_the_grid_over_htmx_and_keeps_the_url(org, client_for):
    place("Referral codes", org.search, "2027-Q1", category="growth")
    place("Faster checkout", org.checkout, "2027-Q1")
    client = client_for(org.paul)
    page = client.get("/roadmap/").content.decode()
    assert 'hx-target="#roadmap"' in page and 'hx-push-url="true"' in page
    grid = client.get(f"/roadmap/?{WINDOW}&category=growth", HTTP_HX_REQUEST="true")
    html = grid.content.decode()
    assert html.lstrip().startswith('<section id="roadmap"')
    assert "Referral codes" in html and "Faster checkout" not in html
    assert "<html" not in html


@pytest.mark.parametrize(
    "query",
    ["category=poetry", "team=abc", "team=999999", "objective=nope", "status=dropped", "area=Mars"],
)
def test_an_invalid_filter_is_ignored_with_a_message(org, client_for, query):
    place("Faster checkout", org.checkout, "2027-Q1")
    response = client_for(org.cora).get(f"/roadmap/?{WINDOW}&{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ignored a value that is not valid" in page
    assert "Faster checkout" in page


# Dependencies.


def prerequisite_problem(org, **prerequisite) -> str:
    before = InitiativeFactory(title="Payments API", team=org.billing, **prerequisite)
    after = place("One-tap pay", org.checkout, "2027-Q3", status=Initiative.Status.PLANNED)
    Dependency.objects.create(initiative=after, depends_on=before)
    bar = bar_of(bands(org.cora.user)["Checkout"], "One-tap pay")
    [found] = bar.prerequisites
    assert found.title == "Payments API"
    assert bar.conflicts == ([found] if found.problem else [])
    return found.problem


def test_a_prerequisite_finishing_before_the_start_is_no_conflict(org):
    assert prerequisite_problem(org, start_quarter="2027-Q1", duration_quarters=2) == ""


def test_starting_before_a_prerequisite_ends_is_a_conflict(org):
    problem = prerequisite_problem(org, start_quarter="2027-Q2", duration_quarters=2)
    assert problem == "ends 2027-Q3, not before this starts (2027-Q3)"


def test_a_dropped_prerequisite_is_a_conflict(org):
    problem = prerequisite_problem(org, start_quarter="2027-Q1", status=Initiative.Status.DROPPED)
    assert problem == "dropped"


def test_an_unplaced_prerequisite_is_a_conflict_unless_it_is_done(org):
    assert prerequisite_problem(org, start_quarter="") == "not on the roadmap"


def test_a_finished_prerequisite_is_no_conflict_wherever_it_sits(org):
    assert prerequisite_problem(org, start_quarter="", status=Initiative.Status.DONE) == ""


def test_the_page_flags_a_dependency_conflict_on_the_bar_and_names_the_prerequisite(
    org, client_for
):
    before = place("Payments API", org.billing, "2027-Q2", 2)
    after = place("One-tap pay", org.checkout, "2027-Q3")
    Dependency.objects.create(initiative=after, depends_on=before)
    page = client_for(org.sam).get(f"/roadmap/?{WINDOW}").content.decode()
    bar = re.search(r'<li class="rm-bar[^"]*rm-conflict[^"]*"[^>]*>.*?</details>', page, re.S)
    assert bar is not None
    assert "One-tap pay" in bar.group(0)
    assert "⚠ dependency conflict" in bar.group(0)
    assert "1 prerequisite" in bar.group(0)
    assert f'href="/initiatives/{before.pk}/">Payments API</a>' in bar.group(0)


# Unplaced work.


def test_active_initiatives_without_a_start_quarter_are_counted_with_a_link(org, client_for):
    # The persona org has three unplaced ideas already.
    InitiativeFactory(title="Finished", team=org.checkout, status=Initiative.Status.DONE)
    place("Placed", org.checkout, "2027-Q1")
    found = roadmap_selectors.roadmap(user=org.cora.user, quarters=["2027-Q1"])
    assert found.unplaced_count == 3
    checkout = roadmap_selectors.roadmap(
        user=org.cora.user, quarters=["2027-Q1"], team_id=org.checkout.pk
    )
    assert checkout.unplaced_count == 1
    page = client_for(org.cora).get(f"/roadmap/?{WINDOW}&team={org.checkout.pk}")
    assert f'href="/initiatives/?team={org.checkout.pk}">' in page.content.decode()


# Capacity.


def test_effort_is_spread_evenly_over_the_duration_and_summed_per_team_and_quarter(org):
    split = place("Split", org.checkout, "2027-Q1", 3)
    InitiativeEffort.objects.create(initiative=split, team=org.checkout, effort=30)
    InitiativeEffort.objects.create(initiative=split, team=org.search, effort=9)
    place("Unsplit", org.checkout, "2027-Q2", 2, effort_estimate=20)
    place("Dropped", org.checkout, "2027-Q2", status=Initiative.Status.DROPPED)
    loads = capacity.team_quarter_load(quarters=["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"])
    assert loads[(org.checkout.pk, "2027-Q1")] == Decimal(10)
    assert loads[(org.checkout.pk, "2027-Q2")] == Decimal(20)
    assert loads[(org.checkout.pk, "2027-Q3")] == Decimal(20)
    assert loads[(org.search.pk, "2027-Q3")] == Decimal(3)
    assert (org.checkout.pk, "2027-Q4") not in loads
    only_search = capacity.team_quarter_load(quarters=["2027-Q1"], team_ids=[org.search.pk])
    assert only_search == {(org.search.pk, "2027-Q1"): Decimal(3)}


def test_thirds_that_add_up_to_the_capacity_are_not_over_it(org):
    Team.objects.filter(pk=org.search.pk).update(capacity_per_quarter=10)
    for title in ("One", "Two", "Three"):
        place(title, org.search, "2027-Q1", 3, effort_estimate=10)
    assert capacity.team_quarter_load(quarters=["2027-Q1"])[(org.search.pk, "2027-Q1")] == 10
    assert capacity.over_allocations(quarters=["2027-Q1"]) == []


def test_over_allocations_name_the_team_quarter_load_capacity_and_excess(org):
    place("Big", org.checkout, "2027-Q1", 2, effort_estimate=130)  # 65 a quarter
    place("Small", org.search, "2027-Q1", effort_estimate=10)
    [first, second] = capacity.over_allocations(quarters=["2027-Q1", "2027-Q2", "2027-Q3"])
    assert (first.team, first.quarter, first.load, first.capacity, first.excess) == (
        org.checkout,
        "2027-Q1",
        Decimal(65),
        Decimal(52),
        Decimal(13),
    )
    assert second.quarter == "2027-Q2"
    assert capacity.over_allocations(quarters=["2027-Q1"], team_ids=[org.search.pk]) == []


def test_the_capacity_page_flags_over_allocation_in_words_and_totals_each_quarter(org, client_for):
    place("Big", org.checkout, "2027-Q1", 2, effort_estimate=130)
    place("Small", org.search, "2027-Q1", effort_estimate=10)
    response = client_for(org.sam).get(f"/capacity/?{WINDOW}")
    assert response.status_code == 200
    table = response.context["table"]
    checkout = next(row for row in table.page if row.team.name == "Checkout")
    assert [cell.over for cell in checkout.cells] == [True, True, False, False]
    assert [cell.load for cell in table.totals][:3] == [Decimal(75), Decimal(65), Decimal(0)]
    assert table.totals[0].capacity == Decimal(156)
    assert table.over_counts == [1, 1, 0, 0]
    page = response.content.decode()
    assert "⚠ over by 13 pw" in page
    assert "Total of 3 teams" in page


def test_only_teams_over_capacity_can_be_listed(org, client_for):
    place("Big", org.checkout, "2027-Q1", effort_estimate=100)
    response = client_for(org.cora).get(f"/capacity/?{WINDOW}&over=on")
    assert [row.team.name for row in response.context["table"].page] == ["Checkout"]
    # Totals still cover every team the team filters select.
    assert response.context["table"].team_count == 3


def test_capacity_filters_by_area_and_team(org, client_for):
    Team.objects.filter(pk=org.billing.pk).update(product_area="Money")
    by_area = client_for(org.cora).get(f"/capacity/?{WINDOW}&area=Money")
    assert [row.team.name for row in by_area.context["table"].page] == ["Billing"]
    by_team = client_for(org.cora).get(f"/capacity/?{WINDOW}&team={org.search.pk}")
    assert [row.team.name for row in by_team.context["table"].page] == ["Search"]


def test_the_drill_down_lists_the_initiatives_behind_a_teams_load_per_quarter(org, client_for):
    shared = place("Shared wallet", org.billing, "2027-Q1", 2)
    InitiativeEffort.objects.create(initiative=shared, team=org.checkout, effort=20)
    place("Own work", org.checkout, "2027-Q2", effort_estimate=7)
    url = f"/capacity/teams/{org.checkout.pk}/?{WINDOW}&quarter=2027-Q2"
    full = client_for(org.sam).get(url)
    assert full.status_code == 200
    detail = full.context["detail"]
    assert [(row.title, row.efforts, row.lead_team) for row in detail.initiatives] == [
        ("Shared wallet", [Decimal(10), Decimal(10), None, None], "Billing"),
        ("Own work", [None, Decimal(7), None, None], None),
    ]
    assert [cell.load for cell in detail.cells] == [10, 17, 0, 0]
    # Over htmx the capacity page gets the table alone, to show under its own.
    fragment = client_for(org.sam).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<article class="cap-detail">')
    assert "Shared wallet" in fragment and 'class="num cap-selected"' in fragment


def test_the_drill_down_of_a_team_that_does_not_exist_is_a_404(org, client_for):
    assert client_for(org.cora).get("/capacity/teams/999999/").status_code == 404


# The window and the page of teams.


@pytest.fixture
def mid_february_2027(time_machine):
    time_machine.move_to(datetime(2027, 2, 15, 12, tzinfo=UTC), tick=False)


@pytest.mark.usefixtures("mid_february_2027")
def test_the_default_window_starts_at_the_current_quarter_for_six_quarters(org, client_for):
    response = client_for(org.cora).get("/roadmap/")
    assert response.context["window"].quarters == [
        "2027-Q1",
        "2027-Q2",
        "2027-Q3",
        "2027-Q4",
        "2028-Q1",
        "2028-Q2",
    ]
    assert "Ignored" not in response.content.decode()


@pytest.mark.usefixtures("mid_february_2027")
def test_the_window_moves_by_a_quarter_and_by_a_whole_window(org, client_for):
    response = client_for(org.cora).get("/roadmap/?from=2027-Q3&quarters=4&category=growth")
    links = response.context["links"]
    assert links.previous == "from=2027-Q2&quarters=4&category=growth"
    assert links.next == "from=2027-Q4&quarters=4&category=growth"
    assert links.earlier == "from=2026-Q3&quarters=4&category=growth"
    assert links.later == "from=2028-Q3&quarters=4&category=growth"
    assert links.now == "from=2027-Q1&quarters=4&category=growth"


@pytest.mark.usefixtures("mid_february_2027")
@pytest.mark.parametrize("url", ["/roadmap/", "/capacity/", "/capacity/teams/{team}/"])
@pytest.mark.parametrize(
    "query",
    [
        "from=garbage",
        "from=2027-Q5",
        "from=0001-Q1",
        "from=9999-Q4",
        "from=" + "x" * 5000,
        "quarters=0",
        "quarters=99",
        "quarters=-3",
        "quarters=six",
        "page=0",
        "page=x",
        "page=-1",
        "quarter=2027-Q9",
    ],
)
def test_garbage_window_or_page_falls_back_to_the_default_with_a_message(
    org, client_for, url, query
):
    response = client_for(org.cora).get(url.format(team=org.checkout.pk) + "?" + query)
    assert response.status_code == 200
    window = response.context["window"]
    assert (window.first, window.count) == ("2027-Q1", 6)
    name = query.split("=")[0]
    if name in response.context["form"].fields:
        assert "Ignored a value that is not valid" in response.content.decode()


def test_a_page_past_the_last_shows_the_last(org, client_for):
    TeamFactory.create_batch(30)
    response = client_for(org.cora).get(f"/roadmap/?{WINDOW}&page=99")
    page = response.context["roadmap"].page
    assert page.number == page.paginator.num_pages == 3
    assert len(response.context["roadmap"].bands) == 3


def test_teams_are_shown_fifteen_to_a_page_with_links_that_keep_the_filters(org, client_for):
    TeamFactory.create_batch(30)
    response = client_for(org.cora).get(f"/roadmap/?{WINDOW}&page=2")
    assert len(response.context["roadmap"].bands) == 15
    links = response.context["links"]
    assert links.previous_page == f"{WINDOW}&page=1"
    assert links.next_page == f"{WINDOW}&page=3"
    capacity_page = client_for(org.cora).get(f"/capacity/?{WINDOW}&page=3")
    assert len(capacity_page.context["table"].page) == 3


# Who may look.


@pytest.mark.parametrize("who", ["sam", "ada", "pia", "gabe", "cora"])
@pytest.mark.parametrize("url", ["/roadmap/", "/capacity/", "/capacity/teams/{team}/"])
def test_every_signed_in_role_including_a_stakeholder_browses_the_roadmap_and_capacity(
    org, client_for, who, url
):
    place("Faster checkout", org.checkout, quarter_of(timezone.localdate()))
    response = client_for(getattr(org, who)).get(url.format(team=org.checkout.pk))
    assert response.status_code == 200
    if url == "/roadmap/":
        assert "Faster checkout" in response.content.decode()


@pytest.mark.parametrize("url", ["/roadmap/", "/capacity/", "/capacity/teams/1/"])
def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login(db, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# Queries stay bounded as the portfolio grows.


def _place_the_demo() -> None:
    """Give the demo's initiatives start quarters around today and some shared effort,
    whether or not the demo places them itself: the bound must hold for a full roadmap."""
    current = quarter_of(timezone.localdate())
    unplaced = list(
        Initiative.objects.filter(start_quarter="").order_by("pk").values_list("pk", flat=True)
    )
    for offset in range(8):
        Initiative.objects.filter(pk__in=unplaced[offset::8]).update(
            start_quarter=quarter_add(current, offset - 3), duration_quarters=offset % 3 + 1
        )
    # Every fifth initiative shares its work with the next team.
    teams = list(Team.objects.order_by("pk").values_list("pk", flat=True))
    following = dict(zip(teams, teams[1:] + teams[:1], strict=True))
    owned = Initiative.objects.filter(team__isnull=False).order_by("pk").values_list("pk", "team")
    shares = [
        InitiativeEffort(initiative_id=pk, team_id=following[team], effort=Decimal(5))
        for pk, team in list(owned)[::5]
    ]
    InitiativeEffort.objects.bulk_create(shares, ignore_conflicts=True)


@pytest.fixture(scope="module", params=[1, 3], ids=["small", "small-x3"])
def placed_demo(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        size = generator.SIZES["small"].scaled(request.param)
        generator.demo_organisation_create(size=size, seed=7)
        _place_the_demo()
        yield request.param
        transaction.set_rollback(True)


# One bound per page for both sizes. The roadmap reads the teams, its bars, their team efforts,
# their prerequisites, the bands' load (two) and the unplaced count, plus the filter choices
# (two) and the session and role (four); an initiative filter adds the teams with work.
ROADMAP_MAX_QUERIES = {
    "/roadmap/": 13,
    "/roadmap/?category=growth&status=planned&page=2": 14,
    "/roadmap/?quarters=8&from={earlier}": 13,
    "/capacity/": 8,
    "/capacity/?over=on&page=2": 8,
    "/capacity/teams/{team}/": 8,
}


@pytest.mark.parametrize("role", ["CPO", "Director", "Group PM", "PM", "Stakeholder", "Admin"])
@pytest.mark.parametrize("url", list(ROADMAP_MAX_QUERIES))
def test_roadmap_and_capacity_stay_within_their_query_bound_as_data_grows(
    placed_demo, db, client, django_user_model, django_assert_max_num_queries, role, url
):
    username = next(a.username for a in generator.demo_accounts() if a.role == role)
    client.force_login(django_user_model.objects.get(username=username))
    team = Team.objects.order_by("pk").values_list("pk", flat=True).first()
    earlier = quarter_add(quarter_of(timezone.localdate()), -4)
    with django_assert_max_num_queries(ROADMAP_MAX_QUERIES[url]):
        response = client.get(url.format(team=team, earlier=earlier))
    assert response.status_code == 200
    if url == "/roadmap/":
        assert response.content.count(b'class="rm-bar ') > 20
