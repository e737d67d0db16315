"""The Plan pages: leaders only, forms that name the wrong field, the plan, apply and compare."""

from __future__ import annotations

from decimal import Decimal

import pytest

from productorg.factories import InitiativeFactory, ScenarioFactory
from productorg.planning import services
from productorg.planning.engine.model import CapacityValue, ProgressPoint, Result, result_as_dict
from productorg.planning.models import PlanRun, Scenario, ScenarioCapacity, ScenarioMixBound
from productorg.planning.models import ScenarioChoice as Choice
from productorg.strategy.models import Initiative

HTMX = {"HX-Request": "true"}


def make_scenario(name: str = "Base", **settings) -> Scenario:
    return ScenarioFactory(name=name, **settings)


def finished_run(scenario: Scenario, result: Result, **fields) -> PlanRun:
    """A run as the worker leaves it, with a result made by hand (the engine is not called)."""
    run = services.plan_run_create(scenario=scenario, requested_by=None)
    run.status = fields.pop("status", PlanRun.Status.DONE)
    run.result = result_as_dict(result)
    run.progress = [
        {"elapsed_s": p.elapsed_s, "objective": p.objective, "bound": p.bound, "phase": p.phase}
        for p in result.history
    ]
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()
    return run


def persona_teams(org) -> list:
    return [org.checkout, org.search, org.billing]


def ids(*titles: str) -> list[str]:
    return [str(Initiative.objects.get(title=title).pk) for title in titles]


def hand_result(org, **changes) -> Result:
    """Reorder starts in 2027-Q1 for two quarters; Checkout nearly full; the rest left out."""
    reorder, search, dunning = ids("One-click reorder", "Typo-tolerant search", "Invoice dunning")
    checkout = str(org.checkout.pk)
    fields = {
        "status": "feasible",
        "objective": 90.0,
        "bound": 100.0,
        "gap": 0.1,
        "starts": {reorder: "2027-Q1"},
        "left_out": {
            search: "Search is full in every quarter it could start",
            dunning: "its deadline (2026-Q4) is before the horizon",
        },
        "load": {checkout: {"2027-Q1": 19.0, "2027-Q2": 19.0, "2027-Q3": 0.0, "2027-Q4": 0.0}},
        "mix": {"feature": 1.0},
        "capacity_values": [
            CapacityValue(team=checkout, quarter=f"2027-Q{n}", dual=float(n), resolved_gain=None)
            for n in range(1, 5)
        ]
        + [
            CapacityValue(
                team=str(org.search.pk), quarter="2027-Q1", dual=0.5 + n / 100, resolved_gain=None
            )
            for n in range(8)
        ]
        + [CapacityValue(team=str(org.search.pk), quarter="2027-Q2", dual=7.5, resolved_gain=6.0)],
        "greedy_objective": 75.0,
        "history": [
            ProgressPoint(elapsed_s=0.1, objective=75.0, bound=120.0, phase="greedy"),
            ProgressPoint(elapsed_s=1.5, objective=90.0, bound=100.0, phase="lns"),
        ],
        "elapsed_s": 1.5,
    }
    fields.update(changes)
    return Result(**fields)


@pytest.fixture
def plan_org(org):
    """The persona org with capacities, efforts and durations the plan can use."""
    for team, capacity in ((org.checkout, 20), (org.search, 10), (org.billing, 10)):
        team.capacity_per_quarter = Decimal(capacity)
        team.save()
    Initiative.objects.filter(title="One-click reorder").update(
        effort_estimate=38, duration_quarters=2, value_estimate=90, status="planned"
    )
    return org


@pytest.fixture
def scenario(plan_org) -> Scenario:
    return make_scenario()


def page_urls(scenario: Scenario, run: PlanRun) -> list[str]:
    base = f"/plan/scenarios/{scenario.pk}"
    return [
        "/plan/",
        f"{base}/",
        f"{base}/runs/{run.pk}/",
        f"{base}/edit/",
        f"{base}/copy/",
        f"{base}/delete/",
        f"{base}/roadmap/",
        f"{base}/runs/{run.pk}/apply/",
        f"/plan/compare/?a={scenario.pk}&b={scenario.pk}",
        "/plan/compare/",
    ]


# Who may plan.


def test_every_plan_page_opens_for_a_leader(client_for, plan_org, scenario):
    run = finished_run(scenario, hand_result(plan_org))
    client = client_for(plan_org.gabe)
    for url in page_urls(scenario, run):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["pia", "olive", "sam", "ada"])
def test_every_plan_page_fragment_and_form_is_a_404_to_anyone_but_a_leader(
    client_for, plan_org, scenario, who
):
    run = finished_run(scenario, hand_result(plan_org))
    user = getattr(plan_org, who)
    client = client_for(user)
    base = f"/plan/scenarios/{scenario.pk}"
    for url in page_urls(scenario, run):
        assert client.get(url).status_code == 404, url
        assert client.get(url, headers=HTMX).status_code == 404, url
    posts = [
        "/plan/",
        f"{base}/plan/",
        f"{base}/edit/",
        f"{base}/copy/",
        f"{base}/delete/",
        f"{base}/runs/{run.pk}/stop/",
        f"{base}/runs/{run.pk}/apply/",
    ]
    for url in posts:
        assert client.post(url, {"name": "X", "confirm": "yes"}).status_code == 404, url
    assert Scenario.objects.filter(pk=scenario.pk).exists()
    assert PlanRun.objects.count() == 1
    assert not Initiative.objects.exclude(start_quarter="").exists()


def test_the_plan_link_shows_in_the_menu_only_for_leaders(client_for, plan_org):
    assert 'href="/plan/"' in client_for(plan_org.dana).get("/").content.decode()
    assert 'href="/plan/"' not in client_for(plan_org.pia).get("/").content.decode()


# The scenario list.


def test_a_leader_makes_a_scenario_from_the_list_page(client_for, plan_org):
    response = client_for(plan_org.gabe).post(
        "/plan/",
        {
            "name": "Next year",
            "first_quarter": "2027-Q1",
            "quarters": "4",
            "discount_percent": "5",
            "time_limit_s": "30",
            "description": "",
        },
    )
    scenario = Scenario.objects.get(name="Next year")
    assert response.status_code == 302
    assert response["Location"] == f"/plan/scenarios/{scenario.pk}/"
    assert scenario.discount_rate == Decimal("0.05")
    assert scenario.quarters == 4


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("first_quarter", "2027-Q5", "First quarter"),
        ("first_quarter", "next year", "First quarter"),
        ("quarters", "0", "Horizon (quarters)"),
        ("quarters", "13", "Horizon (quarters)"),
        ("quarters", "four", "Horizon (quarters)"),
        ("discount_percent", "-1", "Discount per quarter of delay (%)"),
        ("discount_percent", "101", "Discount per quarter of delay (%)"),
        ("discount_percent", "NaN", "Discount per quarter of delay (%)"),
        ("time_limit_s", "0", "Time limit (seconds)"),
        ("name", "", "Name"),
    ],
)
def test_a_new_scenario_with_bad_input_is_refused_naming_the_field(
    client_for, plan_org, field, value, says
):
    data = {
        "name": "Next year",
        "first_quarter": "2027-Q1",
        "quarters": "4",
        "discount_percent": "0",
        "time_limit_s": "30",
    }
    data[field] = value
    response = client_for(plan_org.gabe).post("/plan/", data)
    assert response.status_code == 400
    assert f'<small class="field-error" role="alert">{says}:' in response.content.decode()
    assert not Scenario.objects.exists()


def test_a_second_scenario_of_the_same_name_is_refused_naming_the_field(
    client_for, plan_org, scenario
):
    data = {"name": "Base", "first_quarter": "2027-Q1", "quarters": "4"}
    data |= {"discount_percent": "0", "time_limit_s": "30"}
    response = client_for(plan_org.gabe).post("/plan/", data)
    assert response.status_code == 400
    assert '<small class="field-error" role="alert">Name:' in response.content.decode()
    assert Scenario.objects.count() == 1


def test_the_list_shows_each_scenarios_last_plan_and_compares_two_ticked(
    client_for, plan_org, scenario
):
    finished_run(scenario, hand_result(plan_org))
    other = make_scenario("Lean")
    client = client_for(plan_org.gabe)
    page = client.get("/plan/").content.decode()
    assert "Feasible" in page
    assert "10 %" in page
    assert "not planned yet" in page

    ticked = client.get("/plan/compare/", {"pick": [scenario.pk, other.pk]})
    assert ticked.status_code == 302
    assert ticked["Location"] == f"/plan/compare/?a={scenario.pk}&b={other.pk}"
    one = client.get("/plan/compare/", {"pick": [scenario.pk]})
    assert one["Location"] == "/plan/"


# The plan page.


def test_the_plan_page_shows_a_finished_plan_its_grid_loads_mix_and_left_out_reasons(
    client_for, plan_org, scenario
):
    ScenarioMixBound.objects.create(
        scenario=scenario, category="feature", min_share=Decimal("0.2"), max_share=Decimal("0.6")
    )
    run = finished_run(scenario, hand_result(plan_org))
    page = client_for(plan_org.gabe).get(f"/plan/scenarios/{scenario.pk}/").content.decode()
    reorder, search = ids("One-click reorder", "Typo-tolerant search")

    assert "Feasible, gap 10 %" in page
    assert "1.20 ×" in page  # 90 over the greedy 75
    assert f'<a href="/initiatives/{reorder}/">One-click reorder</a>' in page
    # Starts in Q1 and still runs in Q2.
    assert page.count(">One-click reorder</a>") == 2
    assert "19 / 20 pw" in page
    assert "nearly full" in page
    assert "⚠ above the most" in page
    assert "Search is full in every quarter it could start" in page
    assert f'<a href="/initiatives/{search}/">Typo-tolerant search</a>' in page
    assert "its deadline (2026-Q4) is before the horizon" in page
    assert f"/plan/scenarios/{scenario.pk}/runs/{run.pk}/apply/" in page
    assert "hx-trigger" not in page


def test_the_value_of_capacity_shows_the_top_ten_by_value_and_all_behind_show_all(
    client_for, plan_org, scenario
):
    finished_run(scenario, hand_result(plan_org))
    page = client_for(plan_org.gabe).get(f"/plan/scenarios/{scenario.pk}/").content.decode()
    assert "Show all 13" in page
    _, top, every = page.split('<table class="plan-capacity-values">')
    top = top.split("</table>")[0]
    # Search in Q2 is worth the most (7.50 by the dual, 6.00 planned again), then Checkout Q4.
    assert top.index("7.50") < top.index("6.00") < top.index("4.00") < top.index("3.00")
    assert top.count('<tr><th scope="row">') == 10
    assert every.split("</table>")[0].count('<tr><th scope="row">') == 13


def test_an_infeasible_plan_lists_the_conflicts_and_offers_no_apply(client_for, plan_org, scenario):
    result = hand_result(
        plan_org,
        status="infeasible",
        starts={},
        conflicts=["must-do One-click reorder needs 38 pw of Checkout in 2027-Q1; it has 20"],
    )
    finished_run(scenario, result)
    page = client_for(plan_org.gabe).get(f"/plan/scenarios/{scenario.pk}/").content.decode()
    assert "Infeasible" in page
    assert "must-do One-click reorder needs 38 pw of Checkout in 2027-Q1; it has 20" in page
    assert "Apply the plan" not in page


def test_an_optimal_plan_says_so(client_for, plan_org, scenario):
    finished_run(scenario, hand_result(plan_org, status="optimal", bound=90.0, gap=0.0))
    page = client_for(plan_org.gabe).get(f"/plan/scenarios/{scenario.pk}/").content.decode()
    assert "✓ Optimal" in page


def test_a_running_plan_polls_itself_and_stops_polling_when_the_run_ends(
    client_for, plan_org, scenario
):
    run = services.plan_run_create(scenario=scenario, requested_by=None)
    run.status = PlanRun.Status.RUNNING
    run.progress = [{"elapsed_s": 2.0, "objective": 80.0, "bound": 100.0, "phase": "lns"}]
    run.save()
    client = client_for(plan_org.gabe)

    page = client.get(f"/plan/scenarios/{scenario.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert '<button type="submit" disabled aria-disabled="true">Plan</button>' in page
    assert "Stop (keep the best plan so far)" in page
    panel = client.get(f"/plan/scenarios/{scenario.pk}/runs/{run.pk}/", headers=HTMX)
    fragment = panel.content.decode()
    assert fragment.lstrip().startswith('<section id="run"')
    assert 'hx-trigger="every 1s"' in fragment
    assert "20 %" in fragment  # the gap of 80 below a bound of 100
    assert "<svg" in fragment

    run.status = PlanRun.Status.DONE
    run.result = result_as_dict(hand_result(plan_org))
    run.save()
    final = client.get(f"/plan/scenarios/{scenario.pk}/runs/{run.pk}/", headers=HTMX)
    fragment = final.content.decode()
    assert "hx-trigger" not in fragment
    assert "Feasible, gap 10 %" in fragment
    # The Plan button, disabled while the run went on, comes back enabled out of band.
    assert 'id="plan-start" hx-swap-oob="true"' in fragment
    assert "disabled" not in fragment.split('id="plan-start"')[1].split("</form>")[0]


def test_pressing_plan_plans_the_scenario_and_shows_the_result(
    client_for, plan_org, scenario, django_capture_on_commit_callbacks
):
    client = client_for(plan_org.gabe)
    # The run is queued when the request's transaction commits; the test backend runs it then.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/plan/scenarios/{scenario.pk}/plan/")
    assert response.status_code == 302
    run = PlanRun.objects.get(scenario=scenario)
    assert run.status == PlanRun.Status.DONE
    page = client.get(response["Location"]).content.decode()
    assert "The plan" in page
    assert "value (discounted)" in page


def test_pressing_plan_while_a_run_is_under_way_says_so_and_starts_no_other(
    client_for, plan_org, scenario
):
    services.plan_run_create(scenario=scenario, requested_by=None)
    response = client_for(plan_org.gabe).post(f"/plan/scenarios/{scenario.pk}/plan/", follow=True)
    assert "is being planned already" in response.content.decode()
    assert PlanRun.objects.count() == 1


def test_stop_asks_a_running_plan_to_stop(client_for, plan_org, scenario):
    run = services.plan_run_create(scenario=scenario, requested_by=None)
    PlanRun.objects.filter(pk=run.pk).update(status=PlanRun.Status.RUNNING)
    response = client_for(plan_org.gabe).post(f"/plan/scenarios/{scenario.pk}/runs/{run.pk}/stop/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.stop_requested


def test_a_run_of_another_scenario_is_a_404(client_for, plan_org, scenario):
    other = make_scenario("Other")
    run = finished_run(other, hand_result(plan_org))
    assert (
        client_for(plan_org.gabe).get(f"/plan/scenarios/{scenario.pk}/runs/{run.pk}/").status_code
        == 404
    )


# Apply.


def test_the_apply_page_lists_every_change_and_applying_sets_the_start_quarters(
    client_for, plan_org, scenario
):
    run = finished_run(scenario, hand_result(plan_org))
    reorder = Initiative.objects.get(title="One-click reorder")
    client = client_for(plan_org.gabe)
    url = f"/plan/scenarios/{scenario.pk}/runs/{run.pk}/apply/"

    page = client.get(url).content.decode()
    assert "1 initiative would change" in page
    assert f'<a href="/initiatives/{reorder.pk}/">One-click reorder</a>' in page
    assert "not placed" in page
    assert "<strong>2027-Q1</strong>" in page
    reorder.refresh_from_db()
    assert reorder.start_quarter == ""

    applied = client.post(url, follow=True)
    assert "Plan applied: 1 initiative now starts in the quarter the plan chose." in (
        applied.content.decode()
    )
    reorder.refresh_from_db()
    assert reorder.start_quarter == "2027-Q1"
    assert "nothing to apply" in client.get(url).content.decode()


def test_an_infeasible_plan_cannot_be_applied(client_for, plan_org, scenario):
    run = finished_run(scenario, hand_result(plan_org, status="infeasible"))
    client = client_for(plan_org.gabe)
    url = f"/plan/scenarios/{scenario.pk}/runs/{run.pk}/apply/"
    assert "found no feasible plan" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "found no feasible plan" in response.content.decode()
    assert not Initiative.objects.exclude(start_quarter="").exists()


# Editing a scenario.


def edit(client, scenario: Scenario, section: str, data: dict):
    return client.post(f"/plan/scenarios/{scenario.pk}/edit/", {"section": section, **data})


def test_the_capacity_grid_starts_at_each_teams_usual_capacity_and_keeps_only_changes(
    client_for, plan_org, scenario
):
    client = client_for(plan_org.gabe)
    page = client.get(f"/plan/scenarios/{scenario.pk}/edit/").content.decode()
    checkout = plan_org.checkout.pk
    assert f'name="capacity_{checkout}_2027-Q1" id="id_capacity_{checkout}_2027-Q1" value="20"' in (
        page
    )

    data = {
        f"capacity_{team.pk}_2027-Q{n}": "" for team in persona_teams(plan_org) for n in range(1, 5)
    }
    data[f"capacity_{checkout}_2027-Q1"] = "20"  # the usual: no override
    data[f"capacity_{checkout}_2027-Q2"] = "30"
    response = edit(client, scenario, "capacity", data)
    assert response.status_code == 302
    assert list(ScenarioCapacity.objects.values_list("team_id", "quarter", "capacity")) == [
        (checkout, "2027-Q2", Decimal("30.0"))
    ]

    data[f"capacity_{checkout}_2027-Q2"] = ""
    edit(client, scenario, "capacity", data)
    assert not ScenarioCapacity.objects.exists()


@pytest.mark.parametrize("value", ["-5", "lots", "1e400", "99999999"])
def test_a_bad_capacity_is_refused_naming_the_team_and_quarter(
    client_for, plan_org, scenario, value
):
    checkout = plan_org.checkout.pk
    response = edit(
        client_for(plan_org.gabe), scenario, "capacity", {f"capacity_{checkout}_2027-Q3": value}
    )
    assert response.status_code == 400
    assert "Checkout, 2027-Q3:" in response.content.decode()
    assert not ScenarioCapacity.objects.exists()


def test_mix_bounds_are_saved_as_shares_and_blank_means_no_bound(client_for, plan_org, scenario):
    client = client_for(plan_org.gabe)
    response = edit(client, scenario, "mix", {"min_feature": "20", "max_feature": "60"})
    assert response.status_code == 302
    bound = ScenarioMixBound.objects.get(scenario=scenario)
    assert (bound.category, bound.min_share, bound.max_share) == (
        "feature",
        Decimal("0.2"),
        Decimal("0.6"),
    )
    edit(client, scenario, "mix", {"min_feature": "", "max_feature": ""})
    assert not ScenarioMixBound.objects.exists()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"min_growth": "60", "max_growth": "40"}, "Growth: most (%): The most (40 %) is below"),
        ({"min_growth": "-1"}, "Growth: least (%):"),
        ({"max_scaling": "101"}, "Scaling: most (%):"),
        ({"max_scaling": "ten"}, "Scaling: most (%):"),
    ],
)
def test_bad_mix_bounds_are_refused_naming_the_field(client_for, plan_org, scenario, data, says):
    response = edit(client_for(plan_org.gabe), scenario, "mix", data)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not ScenarioMixBound.objects.exists()


def test_must_and_never_lists_are_saved_and_an_initiative_cannot_be_on_both(
    client_for, plan_org, scenario
):
    client = client_for(plan_org.gabe)
    reorder, search = (int(pk) for pk in ids("One-click reorder", "Typo-tolerant search"))
    both = edit(client, scenario, "choices", {"must": [reorder], "never": [reorder, search]})
    assert both.status_code == 400
    assert "Never: An initiative cannot be both must do and never: One-click reorder." in (
        both.content.decode()
    )
    assert not Choice.objects.exists()

    saved = edit(client, scenario, "choices", {"must": [reorder], "never": [search]})
    assert saved.status_code == 302
    assert set(Choice.objects.values_list("initiative_id", "choice")) == {
        (reorder, "must"),
        (search, "never"),
    }
    edit(client, scenario, "choices", {"never": [search]})
    assert set(Choice.objects.values_list("initiative_id", "choice")) == {(search, "never")}


def test_an_unknown_initiative_in_the_lists_is_refused(client_for, plan_org, scenario):
    response = edit(client_for(plan_org.gabe), scenario, "choices", {"must": ["999999", "x"]})
    assert response.status_code == 400
    assert "Must do:" in response.content.decode()


def test_settings_are_edited_and_bad_ones_refused_naming_the_field(client_for, plan_org, scenario):
    client = client_for(plan_org.gabe)
    data = {"name": "Renamed", "first_quarter": "2027-Q2", "quarters": "6"}
    data |= {"discount_percent": "2.5", "time_limit_s": "60", "description": "Why not"}
    assert edit(client, scenario, "settings", data).status_code == 302
    scenario.refresh_from_db()
    assert (scenario.name, scenario.quarters, scenario.discount_rate) == (
        "Renamed",
        6,
        Decimal("0.025"),
    )
    bad = edit(client, scenario, "settings", {**data, "quarters": "-2"})
    assert bad.status_code == 400
    assert "Horizon (quarters):" in bad.content.decode()


def test_an_unknown_section_or_garbage_post_never_fails(client_for, plan_org, scenario):
    client = client_for(plan_org.gabe)
    assert edit(client, scenario, "nonsense", {"x": "y"}).status_code == 200
    assert client.post(f"/plan/scenarios/{scenario.pk}/edit/", {}).status_code == 200


# Copy and delete.


def test_copying_a_scenario_makes_a_new_one_with_its_inputs(client_for, plan_org, scenario):
    services.scenario_capacity_set(
        scenario=scenario, team=plan_org.search, quarter="2027-Q1", capacity=Decimal(15)
    )
    response = client_for(plan_org.gabe).post(
        f"/plan/scenarios/{scenario.pk}/copy/", {"name": "Base + hire"}
    )
    copy = Scenario.objects.get(name="Base + hire")
    assert response["Location"] == f"/plan/scenarios/{copy.pk}/"
    assert copy.capacities.get().capacity == Decimal(15)


@pytest.mark.parametrize("name", ["Base", "", " "])
def test_a_copy_needs_a_new_name(client_for, plan_org, scenario, name):
    response = client_for(plan_org.gabe).post(
        f"/plan/scenarios/{scenario.pk}/copy/", {"name": name}
    )
    assert response.status_code == 400
    assert "Name of the copy:" in response.content.decode()
    assert Scenario.objects.count() == 1


def test_deleting_a_scenario_asks_first(client_for, plan_org, scenario):
    client = client_for(plan_org.gabe)
    url = f"/plan/scenarios/{scenario.pk}/delete/"
    assert "Delete Base?" in client.get(url).content.decode()
    assert client.post(url).status_code == 200
    assert Scenario.objects.exists()
    response = client.post(url, {"confirm": "yes"})
    assert response["Location"] == "/plan/"
    assert not Scenario.objects.exists()


# Compare and roadmap.


def test_compare_puts_two_plans_side_by_side_with_what_moved_and_why(
    client_for, plan_org, scenario
):
    reorder, search = ids("One-click reorder", "Typo-tolerant search")
    finished_run(scenario, hand_result(plan_org))
    hire = make_scenario("Hire in Search")
    services.scenario_capacity_set(
        scenario=hire, team=plan_org.search, quarter="2027-Q1", capacity=Decimal(40)
    )
    services.scenario_choice_set(
        scenario=hire, initiative=Initiative.objects.get(pk=reorder), choice="never"
    )
    finished_run(
        hire,
        hand_result(
            plan_org,
            objective=95.0,
            starts={search: "2027-Q1"},
            left_out={reorder: "never, as the scenario says"},
        ),
    )
    page = (
        client_for(plan_org.gabe)
        .get("/plan/compare/", {"a": scenario.pk, "b": hire.pk})
        .content.decode()
    )
    assert "A: <a" in page and "Hire in Search</a>" in page
    assert "95" in page
    assert "What moved (2)" in page
    assert "newly planned" in page
    assert "newly left out" in page
    assert "Left out: never, as the scenario says" in page
    assert "Search capacity in 2027-Q1: 10 → 40 pw" in page
    assert "free in A, never in B" in page


def test_compare_says_which_scenario_has_no_plan_yet(client_for, plan_org, scenario):
    other = make_scenario("Unplanned")
    finished_run(scenario, hand_result(plan_org))
    page = (
        client_for(plan_org.gabe)
        .get("/plan/compare/", {"a": scenario.pk, "b": other.pk})
        .content.decode()
    )
    assert "Unplanned</a> has no plan yet" in page


@pytest.mark.parametrize(
    "query", [{"a": "x", "b": "1"}, {"a": "999", "b": "998"}, {"a": "1"}, {"a": "1", "b": "1"}]
)
def test_compare_with_a_bad_pair_shows_the_field_error(client_for, plan_org, scenario, query):
    query = {key: str(scenario.pk) if value == "1" else value for key, value in query.items()}
    response = client_for(plan_org.gabe).get("/plan/compare/", query)
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()


def test_the_plan_roadmap_draws_a_bar_per_team_across_its_quarters(client_for, plan_org, scenario):
    finished_run(scenario, hand_result(plan_org))
    page = client_for(plan_org.gabe).get(f"/plan/scenarios/{scenario.pk}/roadmap/").content.decode()
    assert "gc-1 gs-2" in page
    assert "2027-Q1–2027-Q2" in page
    assert "2 initiatives are left out" in page


def test_the_plan_roadmap_of_an_unplanned_scenario_says_so(client_for, plan_org, scenario):
    page = client_for(plan_org.gabe).get(f"/plan/scenarios/{scenario.pk}/roadmap/").content.decode()
    assert "no plan yet" in page


# Query counts.


def test_the_plan_pages_take_a_bounded_number_of_queries_however_big_the_plan(
    client_for, plan_org, scenario, django_assert_max_num_queries
):
    client = client_for(plan_org.gabe)
    for number in range(60):
        InitiativeFactory(title=f"Extra {number}", team=plan_org.checkout, effort_estimate=1)
    for number in range(5):
        finished_run(make_scenario(f"More {number}"), hand_result(plan_org))
    run = finished_run(scenario, hand_result(plan_org))
    services.scenario_choice_set(
        scenario=scenario, initiative=Initiative.objects.get(title="Extra 1"), choice="must"
    )
    other = make_scenario("Other")
    finished_run(other, hand_result(plan_org))
    bounds = {
        "/plan/": 6,
        f"/plan/scenarios/{scenario.pk}/": 10,
        f"/plan/scenarios/{scenario.pk}/runs/{run.pk}/apply/": 7,
        f"/plan/scenarios/{scenario.pk}/edit/": 10,
        f"/plan/scenarios/{scenario.pk}/roadmap/": 7,
        f"/plan/compare/?a={scenario.pk}&b={other.pk}": 9,
    }
    for url, bound in bounds.items():
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200
