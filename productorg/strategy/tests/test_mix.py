from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from productorg.demo import generator
from productorg.factories import InitiativeFactory
from productorg.people.models import Team
from productorg.strategy.models import (
    BalanceDimension,
    Classification,
    Initiative,
    InitiativeEffort,
    MixTarget,
)
from productorg.strategy.selectors import mix as selectors
from productorg.strategy.services import mix as services

PERIOD = "2027-H1"
BOARD = "/strategy/mix/"
TARGETS = "/strategy/mix/targets/"
DRILL = "/strategy/mix/initiatives/"


@pytest.fixture
def dimensions(db) -> dict[str, BalanceDimension]:
    """The two built-in dimensions by field; the board makes them again after a flush."""
    return {
        dimension.initiative_field: dimension for dimension in services.builtin_dimensions_ensure()
    }


@pytest.fixture
def category(dimensions) -> BalanceDimension:
    return dimensions["category"]


def placed(team, effort, category="feature", start="2027-Q1", duration=1, **fields) -> Initiative:
    """An initiative placed on the roadmap, all its effort its team's."""
    return InitiativeFactory(
        team=team,
        category=category,
        effort_estimate=effort,
        start_quarter=start,
        duration_quarters=duration,
        status=fields.pop("status", "planned"),
        **fields,
    )


def shares_of(dimension: BalanceDimension, **percent: float) -> dict[int, Decimal]:
    return {value.pk: Decimal(str(percent.get(value.key, 0))) for value in dimension.values.all()}


def org_targets(dimension, team=None, tolerance=5, period=PERIOD, **percent):
    return services.mix_targets_set(
        dimension=dimension,
        team=team,
        period=period,
        shares=shares_of(dimension, **percent),
        tolerance=Decimal(tolerance),
    )


def scope_of(board: selectors.MixBoard, name: str) -> selectors.ScopeMix:
    if name == selectors.ORG_NAME:
        return board.org
    return next(scope for scope in board.teams if scope.name == name)


def fader(scope: selectors.ScopeMix, key: str) -> selectors.Fader:
    return next(each for each in scope.faders if each.key == key)


def board_for(user, **filters) -> selectors.MixBoard:
    board = selectors.mix_board(user=user.user if hasattr(user, "user") else user, **filters)
    assert board is not None
    return board


# Setting targets.


def test_shares_that_do_not_add_up_to_100_are_refused_naming_the_field_and_nothing_is_saved(
    org, category
):
    org_targets(category, feature=50, growth=30, scaling=10, pmf_expansion=10)
    before = list(MixTarget.objects.values_list("value__key", "share").order_by("value__key"))
    with pytest.raises(ValidationError) as refused:
        org_targets(category, feature=40, growth=30, scaling=10, pmf_expansion=10)
    assert "shares" in refused.value.message_dict
    assert "90 %" in refused.value.message_dict["shares"][0]
    after = list(MixTarget.objects.values_list("value__key", "share").order_by("value__key"))
    assert after == before


def test_the_targets_form_refuses_shares_not_adding_up_and_saves_nothing(client_for, org, category):
    values = list(category.values.all())
    data = {"period": PERIOD, "tolerance": "5", f"share_{values[0].pk}": "60"}
    data[f"share_{values[1].pk}"] = "30"
    url = f"{TARGETS}?dimension=work-category&team={org.checkout.pk}"
    response = client_for(org.gabe).post(url, data)
    assert response.status_code == 400
    assert "Shares add up to 90 %; they must add up to 100 %." in response.content.decode()
    assert not MixTarget.objects.exists()


@pytest.mark.parametrize("period", ["2027-Q5", "27-H1", "2027 H1", "2027-H1\n", "H1-2027", ""])
def test_a_period_in_the_wrong_format_is_refused_naming_the_field(org, category, period):
    with pytest.raises(ValidationError) as refused:
        org_targets(category, period=period, feature=100)
    assert list(refused.value.message_dict) == ["period"]
    assert not MixTarget.objects.exists()


def test_the_targets_form_without_a_dimension_opens_on_work_category(client_for, org, category):
    response = client_for(org.gabe).get(TARGETS)
    assert response.status_code == 200
    assert "Product-market-fit expansion" in response.content.decode()


def test_the_targets_form_names_the_period_when_it_is_wrong(client_for, org, category):
    feature = category.values.get(key="feature")
    response = client_for(org.cora).post(
        f"{TARGETS}?dimension=work-category",
        {"period": "2027-Q9", "tolerance": "5", f"share_{feature.pk}": "100"},
    )
    assert response.status_code == 400
    assert "Period: &#x27;2027-Q9&#x27; is not a period" in response.content.decode()
    assert not MixTarget.objects.exists()


@pytest.mark.parametrize("tolerance", ["-1", "50.5", "abc", "2.25"])
def test_a_tolerance_out_of_range_is_refused_naming_the_field(client_for, org, category, tolerance):
    feature = category.values.get(key="feature")
    response = client_for(org.cora).post(
        f"{TARGETS}?dimension=work-category",
        {"period": PERIOD, "tolerance": tolerance, f"share_{feature.pk}": "100"},
    )
    assert "Tolerance: " in response.content.decode()
    assert not MixTarget.objects.exists()


def test_a_share_that_is_not_a_percentage_is_refused_naming_the_value(client_for, org, category):
    feature, growth = category.values.all()[:2]
    response = client_for(org.cora).post(
        f"{TARGETS}?dimension=work-category",
        {
            "period": PERIOD,
            "tolerance": "5",
            f"share_{feature.pk}": "120",
            f"share_{growth.pk}": "-20",
        },
    )
    page = response.content.decode()
    assert "Feature: Ensure this value is less than or equal to 100." in page
    assert not MixTarget.objects.exists()


def test_setting_targets_replaces_the_scope_s_targets_only(org, category):
    org_targets(category, feature=50, growth=50)
    org_targets(category, team=org.checkout, feature=100)
    org_targets(category, team=org.checkout, feature=70, scaling=30, tolerance=10)
    checkout = MixTarget.objects.filter(team=org.checkout)
    assert dict(checkout.values_list("value__key", "share")) == {
        "feature": Decimal(70),
        "growth": Decimal(0),
        "scaling": Decimal(30),
        "pmf_expansion": Decimal(0),
    }
    assert set(checkout.values_list("tolerance", flat=True)) == {Decimal(10)}
    assert MixTarget.objects.filter(team=None, share=50).count() == 2


def test_a_leader_saves_targets_through_the_form_and_lands_on_the_team_s_board(
    client_for, org, category
):
    values = {value.key: value.pk for value in category.values.all()}
    response = client_for(org.gabe).post(
        f"{TARGETS}?dimension=work-category&team={org.search.pk}",
        {
            "period": "2027-Q2",
            "tolerance": "7.5",
            f"share_{values['feature']}": "55.5",
            f"share_{values['growth']}": "44.5",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"{BOARD}?period=2027-Q2&dimension=work-category&team={org.search.pk}"
    )
    saved = MixTarget.objects.filter(team=org.search, period="2027-Q2")
    assert dict(saved.values_list("value__key", "share"))["feature"] == Decimal("55.5")


def test_clearing_a_team_s_targets_falls_back_to_the_org_s(client_for, org, category):
    org_targets(category, feature=100)
    org_targets(category, team=org.billing, growth=100)
    response = client_for(org.cora).post(
        f"{TARGETS}?dimension=work-category&team={org.billing.pk}",
        {"period": PERIOD, "clear": "1"},
    )
    assert response.status_code == 302
    assert not MixTarget.objects.filter(team=org.billing).exists()
    placed(org.billing, 10, category="growth")
    billing = scope_of(board_for(org.cora, period=PERIOD), "Billing")
    assert billing.targets_from == selectors.TargetsFrom.ORG
    assert billing.flagged


def test_the_running_sum_adds_up_the_shares_typed_so_far(client_for, org, category):
    feature, growth = category.values.all()[:2]
    response = client_for(org.cora).get(
        f"{TARGETS}?dimension=work-category&share_{feature.pk}=60&share_{growth.pk}=25.5",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="running-sum",
    )
    page = response.content.decode()
    assert "<html" not in page
    assert "85.5 %" in page and "must add up to 100 %" in page


def test_a_team_s_form_starts_from_the_org_s_targets(client_for, org, category):
    org_targets(category, feature=60, growth=40, tolerance=8)
    response = client_for(org.cora).get(
        f"{TARGETS}?dimension=work-category&team={org.checkout.pk}&period={PERIOD}"
    )
    form = response.context["form"]
    feature = category.values.get(key="feature")
    assert form.initial[f"share_{feature.pk}"] == Decimal(60)
    assert form.initial["tolerance"] == Decimal(8)
    assert "held to the org" in response.content.decode()


# The board.


def test_actual_share_is_planned_effort_in_the_period_and_only_beyond_tolerance_is_flagged(
    org, category
):
    placed(org.checkout, 55)
    placed(org.search, 25, category="growth")
    placed(org.billing, 20, category="scaling")
    placed(org.billing, 400, category="scaling", start="2027-Q3")  # another period
    placed(org.billing, 400, category="scaling", status="dropped")
    org_targets(category, feature=50, growth=40, scaling=10, tolerance=5)
    board = board_for(org.cora, period=PERIOD)
    whole = board.org
    assert whole.effort == Decimal(100)
    assert fader(whole, "feature").actual == Decimal(55)
    assert not fader(whole, "feature").out_of_tolerance  # exactly at the tolerance
    assert fader(whole, "growth").out_of_tolerance  # 15 points under
    assert fader(whole, "scaling").out_of_tolerance  # 10 points over
    assert fader(whole, "pmf_expansion").actual == 0
    assert not fader(whole, "pmf_expansion").out_of_tolerance
    assert [each.label for each in whole.out_of_tolerance] == ["Growth", "Scaling"]


def test_effort_spread_over_quarters_and_split_across_teams_counts_in_its_quarters(org, category):
    # 80 pw over four quarters: 20 a quarter, so 40 in the first half.
    long_one = placed(org.checkout, 80, start="2026-Q4", duration=4)
    InitiativeEffort.objects.create(initiative=long_one, team=org.checkout, effort=60)
    InitiativeEffort.objects.create(initiative=long_one, team=org.search, effort=20)
    placed(org.search, 10, category="growth", start="2027-Q2")
    board = board_for(org.cora, period=PERIOD)
    checkout, search = scope_of(board, "Checkout"), scope_of(board, "Search")
    assert checkout.effort == Decimal(30)
    assert search.effort == Decimal(20)
    assert fader(search, "feature").effort == Decimal(10)
    assert fader(search, "growth").actual == Decimal(50)


def test_a_team_without_targets_of_its_own_is_held_to_the_org_s(org, category):
    placed(org.checkout, 10)
    placed(org.search, 10, category="growth")
    org_targets(category, feature=100, tolerance=5)
    org_targets(category, team=org.search, growth=100, tolerance=5)
    board = board_for(org.cora, period=PERIOD)
    checkout, search = scope_of(board, "Checkout"), scope_of(board, "Search")
    assert checkout.targets_from == "org" and not checkout.flagged
    assert fader(checkout, "feature").target == Decimal(100)
    assert search.targets_from == "own" and not search.flagged
    assert board.org.flagged  # the org: half feature, half growth against all feature


def test_flagged_teams_come_first_and_the_filters_narrow_the_board(client_for, org, category):
    placed(org.checkout, 10)
    placed(org.search, 10, category="growth")
    org_targets(category, feature=100)
    board = board_for(org.cora, period=PERIOD)
    assert [scope.name for scope in board.teams] == ["Search", "Billing", "Checkout"]
    assert board.flagged_count == 1
    assert [s.name for s in board_for(org.cora, period=PERIOD, only_flagged=True).teams] == [
        "Search"
    ]
    only = board_for(org.cora, period=PERIOD, team_id=org.checkout.pk)
    assert [scope.name for scope in only.teams] == ["Checkout"]
    page = client_for(org.pia).get(f"{BOARD}?period={PERIOD}&flagged=1").content.decode()
    assert "⚠ 1 of 3 teams out of tolerance" in page
    assert "⚠ Out of tolerance: Feature, Growth" in page


def test_a_scope_with_targets_but_no_planned_effort_says_so_plainly(client_for, org, category):
    org_targets(category, team=org.billing, feature=100)
    board = board_for(org.cora, period=PERIOD)
    billing = scope_of(board, "Billing")
    assert billing.effort == 0 and not billing.flagged
    assert fader(billing, "feature").actual is None
    page = client_for(org.cora).get(f"{BOARD}?period={PERIOD}").content.decode()
    assert "No planned effort in 2027-H1: the targets have nothing to compare with." in page


def test_the_bucket_dimension_counts_effort_without_a_bucket_as_unclassified(org, dimensions):
    placed(org.checkout, 30, bucket="metrics_mover")
    placed(org.checkout, 10)
    board = board_for(org.cora, period=PERIOD, dimension="bucket")
    assert board.dimension == dimensions["bucket"]
    checkout = scope_of(board, "Checkout")
    assert fader(checkout, "metrics_mover").actual == Decimal(75)
    assert fader(checkout, "unclassified").label == "Unclassified"
    assert fader(checkout, "unclassified").actual == Decimal(25)


def test_effort_with_no_category_chosen_has_its_own_fader_held_to_no_target(
    client_for, org, category
):
    placed(org.checkout, 60)
    placed(org.checkout, 40, category="")  # imported without a category
    org_targets(category, feature=60, growth=20, scaling=10, pmf_expansion=10, tolerance=5)
    checkout = scope_of(board_for(org.cora, period=PERIOD), "Checkout")
    # Not counted as Feature: Feature has its 60 %, the rest is shown as not chosen.
    assert fader(checkout, "feature").actual == Decimal(60)
    unchosen = fader(checkout, "unclassified")
    assert (unchosen.label, unchosen.actual, unchosen.target) == ("No category", 40, None)
    assert not unchosen.out_of_tolerance
    page = client_for(org.cora).get(BOARD, {"period": PERIOD}).content.decode()
    assert "No category" in page
    drill = client_for(org.cora).get(
        DRILL, {"period": PERIOD, "dimension": category.slug, "value": "unclassified"}
    )
    assert drill.status_code == 200
    assert "No category" in drill.content.decode()


def test_a_period_or_dimension_the_board_cannot_read_is_ignored_and_named(client_for, org):
    response = client_for(org.pia).get(f"{BOARD}?period=2027-Q7&dimension=nope&team=abc")
    assert response.status_code == 200
    assert "Ignored a value that is not valid: dimension, period, team." in (
        response.content.decode()
    )


def test_the_board_works_on_a_database_without_the_built_in_dimensions(client_for, org):
    BalanceDimension.objects.all().delete()
    response = client_for(org.sam).get(BOARD)
    assert response.status_code == 200
    assert BalanceDimension.objects.filter(initiative_field__isnull=False).count() == 2
    services.builtin_dimensions_ensure()
    assert BalanceDimension.objects.count() == 2


def test_each_fader_links_to_the_initiatives_behind_it(client_for, org, category):
    placed(org.checkout, 10)
    page = client_for(org.sam).get(f"{BOARD}?period={PERIOD}").content.decode()
    assert (
        f'href="{DRILL}?period=2027-H1&amp;dimension=work-category&amp;team={org.checkout.pk}'
        '&amp;value=feature"'
    ) in page
    assert f'hx-target="#drill-{org.checkout.pk}"' in page


# The initiatives behind a share.


def test_the_drill_down_lists_the_initiatives_behind_one_share_with_their_effort(
    client_for, org, category
):
    big = placed(org.checkout, 30, title="Big checkout work")
    small = placed(org.checkout, 10, title="Small checkout work", start="2026-Q4", duration=2)
    placed(org.checkout, 10, category="growth", title="Checkout growth")
    placed(org.search, 50, title="Search feature")
    placed(org.checkout, 10, title="Later work", start="2027-Q3")
    drilldown = selectors.mix_initiatives(
        user=org.gabe.user,
        period=PERIOD,
        dimension="work-category",
        value="feature",
        team_id=org.checkout.pk,
    )
    assert [(row.initiative, row.effort) for row in drilldown.initiatives] == [
        (big, Decimal(30)),
        (small, Decimal(5)),
    ]
    assert drilldown.scope_effort == Decimal(45)
    assert drilldown.share == Decimal("77.8")
    url = f"{DRILL}?period={PERIOD}&dimension=work-category&value=feature&team={org.checkout.pk}"
    fragment = client_for(org.sam).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Big checkout work" in fragment
    assert "Search feature" not in fragment
    whole = client_for(org.sam).get(url.replace(f"&team={org.checkout.pk}", ""))
    assert "Search feature" in whole.content.decode() and "<html" in whole.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "period=2027-H1&dimension=work-category&value=teleport",
        "period=2027-H1&dimension=nope&value=feature",
        "period=2027-X1&dimension=work-category&value=feature",
        "period=2027-H1&dimension=work-category&value=feature&team=999999",
        "period=2027-H1&dimension=work-category&value=feature&team=abc",
        "",
    ],
)
def test_a_drill_down_with_an_unknown_part_is_a_404(client_for, org, category, query):
    assert client_for(org.cora).get(f"{DRILL}?{query}").status_code == 404


# Leaders' own dimensions.


def test_a_leader_adds_a_dimension_classifies_work_and_gets_its_row_of_faders(
    client_for, org, category
):
    client = client_for(org.cora)
    response = client.post(
        "/strategy/mix/dimensions/new/",
        {"name": "Demand", "description": "Who asked", "new_values": "Customer\nBusiness\n"},
    )
    assert response.status_code == 302
    demand = BalanceDimension.objects.get(name="Demand")
    assert demand.initiative_field is None
    customer, business = demand.values.all()
    one = placed(org.checkout, 30)
    two = placed(org.checkout, 10)
    placed(org.search, 60)
    services.classification_set(initiative=one, dimension=demand, value=customer)
    response = client.post(
        f"/strategy/mix/initiatives/{two.pk}/classify/",
        {"dimension": "demand", "value": "business", "period": PERIOD, "shown": "unclassified"},
    )
    assert response.status_code == 302
    assert Classification.objects.get(initiative=two).value == business
    org_targets(demand, customer=50, business=50)
    board = board_for(org.cora, period=PERIOD, dimension="demand")
    checkout = scope_of(board, "Checkout")
    assert [(each.key, each.actual) for each in checkout.faders] == [
        ("customer", Decimal(75)),
        ("business", Decimal(25)),
        ("unclassified", Decimal(0)),
    ]
    assert checkout.flagged
    assert fader(board.org, "unclassified").actual == Decimal(60)
    unclassified = selectors.mix_initiatives(
        user=org.cora.user, period=PERIOD, dimension="demand", value="unclassified"
    )
    assert [row.initiative.title for row in unclassified.initiatives] == [
        Initiative.objects.get(team=org.search, start_quarter="2027-Q1").title
    ]


def test_classifying_through_htmx_answers_the_list_as_it_is_now(client_for, org, category):
    demand = services.dimension_create(name="Demand", values=["Customer", "Business"])
    work = placed(org.checkout, 30, title="Reorder reminders")
    response = client_for(org.pia).post(
        f"/strategy/mix/initiatives/{work.pk}/classify/",
        {"dimension": demand.slug, "value": "customer", "period": PERIOD, "shown": "unclassified"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="drill-org",
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert "Reorder reminders is now Customer on Demand." in page
    assert "No planned effort on Unclassified" in page


def test_a_pm_cannot_classify_another_team_s_work_nor_a_built_in_dimension(
    client_for, org, category
):
    demand = services.dimension_create(name="Demand", values=["Customer", "Business"])
    billing_work = placed(org.billing, 30)
    own_work = placed(org.checkout, 30)
    client = client_for(org.pia)
    answer = client.post(
        f"/strategy/mix/initiatives/{billing_work.pk}/classify/",
        {"dimension": demand.slug, "value": "customer"},
    )
    assert answer.status_code == 404
    answer = client.post(
        f"/strategy/mix/initiatives/{own_work.pk}/classify/",
        {"dimension": "work-category", "value": "growth"},
    )
    assert answer.status_code == 404
    assert not Classification.objects.exists()
    with pytest.raises(ValidationError):
        services.classification_set(
            initiative=own_work, dimension=category, value=category.values.first()
        )


@pytest.mark.parametrize(
    ("name", "values", "field"),
    [
        ("", "A\nB", "name"),
        ("Work category", "A\nB", "name"),
        ("Demand", "Only one", "new_values"),
        ("Demand", "Same\nsame", "new_values"),
        ("Demand", "Customer\nUnclassified", "new_values"),
    ],
)
def test_a_dimension_that_cannot_be_made_is_refused_naming_the_field(
    client_for, org, category, name, values, field
):
    response = client_for(org.cora).post(
        "/strategy/mix/dimensions/new/", {"name": name, "new_values": values}
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not BalanceDimension.objects.filter(initiative_field__isnull=True).exists()


def test_a_value_in_use_is_not_deleted_silently(client_for, org, category):
    demand = services.dimension_create(name="Demand", values=["Customer", "Business"])
    customer, business = demand.values.all()
    work = placed(org.checkout, 10)
    services.classification_set(initiative=work, dimension=demand, value=customer)
    org_targets(demand, team=org.checkout, customer=60, business=40)
    org_targets(demand, business=100)
    edit = f"/strategy/mix/dimensions/{demand.pk}/"
    client = client_for(org.cora)
    form = {
        "name": "Demand",
        "description": "",
        f"value_{customer.pk}": "",
        f"value_{business.pk}": "Business demand",
        "new_values": "Partner demand",
    }
    response = client.post(edit, form)
    assert response.status_code == 400
    assert "Values: Values in use would be deleted: Customer (1 initiative and 1 mix target)" in (
        response.content.decode()
    )
    assert list(demand.values.values_list("label", flat=True)) == ["Customer", "Business"]
    response = client.post(edit, {**form, "delete_in_use": "on"})
    assert response.status_code == 302
    assert list(demand.values.values_list("label", flat=True)) == [
        "Business demand",
        "Partner demand",
    ]
    assert not Classification.objects.exists()
    # Checkout's targets went with the value; the org's, which wanted 0 % of it, stay.
    assert not MixTarget.objects.filter(team=org.checkout).exists()
    assert list(MixTarget.objects.values_list("team", "value__label", "share")) == [
        (None, "Business demand", Decimal(100))
    ]


def test_values_can_be_renamed_and_swapped_keeping_their_classifications(org, category):
    demand = services.dimension_create(name="Demand", values=["Customer", "Business"])
    customer, business = demand.values.all()
    work = placed(org.checkout, 10)
    services.classification_set(initiative=work, dimension=demand, value=customer)
    services.dimension_update(
        dimension=demand,
        name="Who asks",
        description="",
        values=[(customer.pk, "Business"), (business.pk, "Customer")],
    )
    demand.refresh_from_db()
    assert demand.name == "Who asks"
    assert Classification.objects.get(initiative=work).value.label == "Business"


def test_a_built_in_dimension_changes_only_its_description(client_for, org, category):
    response = client_for(org.cora).post(
        f"/strategy/mix/dimensions/{category.pk}/",
        {"name": "Renamed", "description": "The four kinds of product work"},
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.name == "Work category"
    assert category.description == "The four kinds of product work"
    with pytest.raises(ValidationError) as refused:
        services.dimension_update(dimension=category, name="Renamed", description="", values=[])
    assert "name" in refused.value.message_dict


# Who may do what.


@pytest.mark.parametrize("viewer", ["pia", "gabe", "cora", "sam", "ada"])
def test_everyone_who_sees_the_portfolio_sees_the_board_and_its_drill_downs(
    client_for, org, category, viewer
):
    placed(org.checkout, 10)
    who = getattr(org, viewer)
    client = client_for(who)
    assert client.get(BOARD).status_code == 200
    drill = f"{DRILL}?period={PERIOD}&dimension=work-category&value=feature"
    assert client.get(drill).status_code == 200


@pytest.mark.parametrize("viewer", ["pia", "paul", "sam", "ada"])
@pytest.mark.parametrize(
    "url",
    [
        f"{TARGETS}?dimension=work-category",
        "/strategy/mix/dimensions/new/",
        "/strategy/mix/dimensions/{category}/",
    ],
)
def test_only_leaders_set_targets_and_edit_dimensions_others_get_a_404(
    client_for, org, category, viewer, url
):
    client = client_for(getattr(org, viewer))
    url = url.format(category=category.pk)
    assert client.get(url).status_code == 404
    feature = category.values.get(key="feature")
    posted = {"period": PERIOD, "tolerance": "5", f"share_{feature.pk}": "100", "name": "X"}
    assert client.post(url, posted).status_code == 404
    assert not MixTarget.objects.exists()
    assert BalanceDimension.objects.get(pk=category.pk).name == "Work category"


def test_set_targets_links_show_to_leaders_only(client_for, org, category):
    assert "Set targets for the org" in client_for(org.gabe).get(BOARD).content.decode()
    assert "Set targets" not in client_for(org.pia).get(BOARD).content.decode()
    assert "New dimension" not in client_for(org.sam).get(BOARD).content.decode()


@pytest.mark.parametrize(
    "query",
    ["dimension=nope", "dimension=work-category&team=999999", "dimension=work-category&team=x"],
)
def test_targets_of_an_unknown_scope_are_a_404(client_for, org, category, query):
    assert client_for(org.cora).get(f"{TARGETS}?{query}").status_code == 404


def test_an_unknown_dimension_is_a_404_to_edit(client_for, org):
    assert client_for(org.cora).get("/strategy/mix/dimensions/999999/").status_code == 404


# Queries stay bounded as the organisation grows.

MAX_QUERIES = {
    "board": 12,
    "board-bucket": 12,
    "board-custom": 13,
    "board-flagged-page-2": 12,
    "drill": 9,
    "drill-custom": 11,
    "targets": 11,
}


@pytest.fixture(scope="module", params=[1, 3], ids=["small", "small-x3"])
def demo_mix(request, django_db_setup, django_db_blocker):
    """The small demo (and three times it) with every initiative placed in 2027, org and
    team targets, and a leader's own dimension classifying half the initiatives."""
    with django_db_blocker.unblock(), transaction.atomic():
        size = generator.SIZES["small"].scaled(request.param)
        generator.demo_organisation_create(size=size, seed=7)
        category, _ = services.builtin_dimensions_ensure()
        for index, pk in enumerate(Initiative.objects.values_list("pk", flat=True)):
            Initiative.objects.filter(pk=pk).update(
                start_quarter=f"2027-Q{index % 4 + 1}", duration_quarters=index % 3 + 1
            )
        org_targets(category, feature=50, growth=20, scaling=20, pmf_expansion=10)
        for team in list(Team.objects.order_by("pk"))[::3]:
            org_targets(category, team=team, feature=70, growth=10, scaling=10, pmf_expansion=10)
        demand = services.dimension_create(name="Who asks", values=["Customer", "Business"])
        customer, business = demand.values.all()
        Classification.objects.bulk_create(
            Classification(initiative_id=pk, dimension=demand, value=(customer, business)[pk % 2])
            for pk in Initiative.objects.values_list("pk", flat=True)[::2]
        )
        yield {"demand": demand, "team": Team.objects.order_by("pk").first()}
        transaction.set_rollback(True)


def account(role: str) -> str:
    return next(each.username for each in generator.demo_accounts() if each.role == role)


@pytest.mark.parametrize("role", ["CPO", "PM", "Stakeholder"])
@pytest.mark.parametrize("page", list(MAX_QUERIES))
def test_mix_pages_stay_within_their_query_bound_as_data_grows(
    demo_mix, db, client, django_user_model, django_assert_max_num_queries, role, page
):
    team = demo_mix["team"].pk
    urls = {
        "board": f"{BOARD}?period={PERIOD}",
        "board-bucket": f"{BOARD}?period=2027&dimension=bucket",
        "board-custom": f"{BOARD}?period={PERIOD}&dimension=who-asks",
        "board-flagged-page-2": f"{BOARD}?period=2027-Q2&flagged=1&page=2",
        "drill": f"{DRILL}?period={PERIOD}&dimension=work-category&value=feature",
        "drill-custom": f"{DRILL}?period=2027&dimension=who-asks&value=customer&team={team}",
        "targets": f"{TARGETS}?dimension=work-category&team={team}&period={PERIOD}",
    }
    client.force_login(django_user_model.objects.get(username=account(role)))
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        response = client.get(urls[page])
    expected = 404 if page == "targets" and role != "CPO" else 200
    assert response.status_code == expected
