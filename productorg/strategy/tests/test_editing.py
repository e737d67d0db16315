from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from unittest import mock

import pytest
from django.db.models import QuerySet

from productorg import once
from productorg.accounts import permissions
from productorg.factories import InitiativeFactory, ObjectiveFactory, PersonFactory
from productorg.strategy.models import (
    Dependency,
    Initiative,
    InitiativeEffort,
    KeyResult,
    Milestone,
    Objective,
    Risk,
    StatusUpdate,
)
from productorg.strategy.services import editing as services

NEW = "/initiatives/new/"
NEW_OBJECTIVE = "/strategy/objectives/new/"


def edit_url(initiative: Initiative) -> str:
    return f"/initiatives/{initiative.pk}/edit/"


def objective_edit_url(objective: Objective) -> str:
    return f"/strategy/objectives/{objective.pk}/edit/"


def post_data(editor) -> dict:
    """What the browser would post back for a form page left as it was loaded."""
    formset = editor.efforts if hasattr(editor, "efforts") else editor.key_results
    data: dict = {}
    for form in [editor.form, formset.management_form, *formset.forms]:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            data[bound.html_name] = [str(v) for v in value] if isinstance(value, list) else value
    return {name: value if isinstance(value, list) else str(value) for name, value in data.items()}


def loaded(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return post_data(response.context["editor"])


def errors_of(response) -> dict:
    return response.context["editor"].form.errors


@pytest.fixture
def reorder(org) -> Initiative:
    return org.checkout.initiatives.get()


@pytest.fixture
def objective(org) -> Objective:
    company = ObjectiveFactory(title="Grow repeat purchases", period="2027-H1", owner=org.cora)
    KeyResult.objects.create(
        objective=company, metric="Repeat purchase rate", unit="%", baseline=18, target=24
    )
    return company


def new_initiative(org, **changes) -> dict:
    data = {
        "title": "Saved baskets",
        "description": "Keep the basket across devices.",
        "team": str(org.checkout.pk),
        "owner": str(org.pia.pk),
        "category": "growth",
        "bucket": "customer_request",
        "status": "planned",
        "value_estimate": "120",
        "start_quarter": "2027-Q1",
        "duration_quarters": "2",
        "earliest_start": "2027-01-04",
        "deadline": "2027-06-30",
        "reach": "4000",
        "impact": "2",
        "confidence": "80",
        "ease": "6",
        "business_value": "8",
        "time_criticality": "5",
        "risk_reduction": "3",
        "job_size": "5",
        "form_token": str(uuid.uuid4()),
        "efforts-TOTAL_FORMS": "2",
        "efforts-INITIAL_FORMS": "0",
        "efforts-0-team": "",
        "efforts-0-effort": "12",
        "efforts-1-team": str(org.search.pk),
        "efforts-1-effort": "4.5",
    }
    return {**data, **changes}


# Creating initiatives.


def test_a_pm_creates_an_initiative_whose_effort_is_the_sum_of_its_team_efforts(client_for, org):
    response = client_for(org.pia).post(NEW, new_initiative(org))
    assert response.status_code == 302
    initiative = Initiative.objects.get(title="Saved baskets")
    assert response["Location"] == f"/initiatives/{initiative.pk}/"
    assert initiative.effort_estimate == Decimal("16.5")
    efforts = dict(initiative.team_efforts.values_list("team__name", "effort"))
    # The row without a team is the owning team's.
    assert efforts == {"Checkout": Decimal("12.0"), "Search": Decimal("4.5")}
    assert (initiative.start_quarter, initiative.duration_quarters) == ("2027-Q1", 2)
    assert (initiative.reach, initiative.confidence, initiative.job_size) == (4000, 80, 5)
    assert initiative.bucket == "customer_request" and initiative.version == 1


def test_an_initiative_without_effort_rows_is_not_sized_yet(client_for, org):
    data = new_initiative(org, **{"efforts-0-effort": "", "efforts-1-team": ""})
    data.pop("efforts-1-effort")
    assert client_for(org.gabe).post(NEW, data).status_code == 302
    initiative = Initiative.objects.get(title="Saved baskets")
    assert initiative.effort_estimate == 0 and not initiative.team_efforts.exists()
    page = client_for(org.gabe).get(f"/initiatives/{initiative.pk}/").content.decode()
    assert "Not sized yet." in page


def test_a_new_initiative_starts_on_feature_and_must_have_a_category(client_for, org):
    form = client_for(org.pia).get(NEW).context["editor"].form
    assert form["category"].value() == "feature"
    assert "" not in dict(form.fields["category"].choices)
    response = client_for(org.pia).post(NEW, new_initiative(org, category=""))
    assert response.status_code == 400
    assert "category" in errors_of(response)
    assert not Initiative.objects.filter(title="Saved baskets").exists()


def test_an_imported_initiative_without_a_category_is_edited_without_choosing_one(
    client_for, org, reorder
):
    Initiative.objects.filter(pk=reorder.pk).update(category="")
    data = loaded(client_for(org.pia), edit_url(reorder))
    assert data["category"] == ""
    data["title"] = "Reorder in one tap"
    assert client_for(org.pia).post(edit_url(reorder), data).status_code == 302
    reorder.refresh_from_db()
    assert (reorder.title, reorder.category) == ("Reorder in one tap", "")
    page = client_for(org.pia).get(f"/initiatives/{reorder.pk}/").content.decode()
    assert "No category" in page


def test_a_pm_cannot_create_an_initiative_for_a_team_not_theirs(client_for, org):
    response = client_for(org.pia).post(NEW, new_initiative(org, team=str(org.billing.pk)))
    assert response.status_code == 400
    assert "team" in errors_of(response)
    assert not Initiative.objects.filter(title="Saved baskets").exists()


def test_the_new_initiative_form_offers_a_pm_only_their_teams(client_for, org):
    editor = client_for(org.pia).get(NEW).context["editor"]
    assert list(editor.form.fields["team"].queryset) == [org.checkout]
    # Their only team and themselves as owner are filled in.
    assert (editor.form["team"].value(), editor.form["owner"].value()) == (
        org.checkout.pk,
        org.pia.pk,
    )


@pytest.mark.parametrize("viewer", ["gabe", "cora"])
def test_leaders_create_initiatives_for_any_team(client_for, org, viewer):
    client = client_for(getattr(org, viewer))
    response = client.post(NEW, new_initiative(org, team=str(org.billing.pk)))
    assert response.status_code == 302
    assert Initiative.objects.get(title="Saved baskets").team == org.billing


def test_a_pm_without_a_team_gets_404_on_the_new_initiative_page(client_for, org):
    between_teams = PersonFactory(name="Tess", manager=org.greta)
    client = client_for(between_teams)
    assert client.get(NEW).status_code == 404
    assert client.post(NEW, new_initiative(org)).status_code == 404
    assert "New initiative" not in client.get("/initiatives/").content.decode()


@pytest.mark.parametrize("viewer", ["sam", "ada"])
def test_stakeholders_and_admins_get_404_on_the_new_initiative_page(client_for, org, viewer):
    client = client_for(getattr(org, viewer))
    assert client.get(NEW).status_code == 404
    assert client.post(NEW, new_initiative(org)).status_code == 404
    assert not Initiative.objects.filter(title="Saved baskets").exists()
    assert "New initiative" not in client.get("/initiatives/").content.decode()


@pytest.mark.parametrize("viewer", ["pia", "gabe"])
def test_the_list_links_to_the_new_initiative_page_for_who_may_use_it(client_for, org, viewer):
    assert (
        "/initiatives/new/"
        in client_for(getattr(org, viewer)).get("/initiatives/").content.decode()
    )


# Editing initiatives: who may.


@pytest.mark.parametrize("viewer", ["olive", "sam", "ada"])
def test_outsiders_get_404_on_the_edit_page_and_change_nothing(client_for, org, reorder, viewer):
    data = loaded(client_for(org.pia), edit_url(reorder))
    client = client_for(getattr(org, viewer))
    assert client.get(edit_url(reorder)).status_code == 404
    assert client.post(edit_url(reorder), {**data, "title": "Hijacked"}).status_code == 404
    reorder.refresh_from_db()
    assert reorder.title == "One-click reorder" and reorder.version == 1
    page = client.get(f"/initiatives/{reorder.pk}/").content.decode()
    assert edit_url(reorder) not in page


@pytest.mark.parametrize("viewer", ["pia", "gabe", "cora"])
def test_the_teams_pm_and_leaders_edit_an_initiative(client_for, org, reorder, viewer):
    client = client_for(getattr(org, viewer))
    assert edit_url(reorder) in client.get(f"/initiatives/{reorder.pk}/").content.decode()
    data = loaded(client, edit_url(reorder))
    response = client.post(edit_url(reorder), {**data, "title": "Reorder in one click"})
    assert response.status_code == 302
    reorder.refresh_from_db()
    assert reorder.title == "Reorder in one click" and reorder.version == 2


def test_a_pm_edits_an_initiative_they_own_in_another_team(client_for, org):
    owned = InitiativeFactory(title="Shared wallet", team=org.billing, owner=org.paul)
    client = client_for(org.paul)
    data = loaded(client, edit_url(owned))
    assert client.post(edit_url(owned), {**data, "status": "discovery"}).status_code == 302
    owned.refresh_from_db()
    assert owned.status == "discovery" and owned.team == org.billing


def test_an_unknown_initiative_is_404(client_for, org):
    assert client_for(org.cora).get("/initiatives/999999/edit/").status_code == 404


def test_an_unsplit_estimate_is_offered_as_the_owning_teams_row_and_kept(client_for, org, reorder):
    client = client_for(org.pia)
    data = loaded(client, edit_url(reorder))
    assert data["efforts-0-team"] == str(org.checkout.pk)
    assert Decimal(data["efforts-0-effort"]) == 10
    assert client.post(edit_url(reorder), data).status_code == 302
    reorder.refresh_from_db()
    assert reorder.effort_estimate == 10
    assert list(reorder.team_efforts.values_list("team", "effort")) == [(org.checkout.pk, 10)]


def test_editing_replaces_team_efforts_and_objectives(client_for, org, reorder, objective):
    client = client_for(org.pia)
    data = loaded(client, edit_url(reorder))
    data.update(
        {
            "objectives": [str(objective.pk)],
            "efforts-0-effort": "6",
            "efforts-1-team": str(org.billing.pk),
            "efforts-1-effort": "3",
        }
    )
    assert client.post(edit_url(reorder), data).status_code == 302
    reorder.refresh_from_db()
    assert reorder.effort_estimate == 9
    assert list(reorder.objectives.all()) == [objective]
    data = loaded(client, edit_url(reorder))
    # Rows come in team name order: Billing, then Checkout.
    assert data["efforts-0-team"] == str(org.billing.pk)
    data["efforts-0-DELETE"] = "on"
    assert client.post(edit_url(reorder), data).status_code == 302
    reorder.refresh_from_db()
    assert reorder.effort_estimate == 6
    assert list(reorder.team_efforts.values_list("team", flat=True)) == [org.checkout.pk]


# Optimistic locking.


def test_two_concurrent_saves_of_different_fields_both_stand(client, org, reorder):
    client.force_login(org.pia.user)
    mine = loaded(client, edit_url(reorder))
    client.force_login(org.gabe.user)
    theirs = loaded(client, edit_url(reorder))
    assert (
        client.post(edit_url(reorder), {**theirs, "title": "Reorder anything"}).status_code == 302
    )

    client.force_login(org.pia.user)
    assert client.post(edit_url(reorder), {**mine, "value_estimate": "250"}).status_code == 302
    reorder.refresh_from_db()
    assert (reorder.title, reorder.value_estimate, reorder.version) == ("Reorder anything", 250, 3)
    assert reorder.updated_by == org.pia


def test_the_second_of_two_saves_of_the_same_field_is_refused_showing_theirs_keeping_mine(
    client, org, reorder
):
    client.force_login(org.pia.user)
    mine = loaded(client, edit_url(reorder))
    client.force_login(org.gabe.user)
    theirs = loaded(client, edit_url(reorder))
    assert (
        client.post(edit_url(reorder), {**theirs, "title": "Reorder anything"}).status_code == 302
    )

    client.force_login(org.pia.user)
    response = client.post(
        edit_url(reorder), {**mine, "title": "Reorder in one tap", "value_estimate": "250"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Gabe saved this initiative while you were editing it" in page
    rows = response.context["conflict"].rows
    assert [(row.label, row.theirs, row.yours) for row in rows] == [
        ("Title", "Reorder anything", "Reorder in one tap")
    ]
    # My input is kept, and the form now carries their version, so saving again overwrites.
    form = response.context["editor"].form
    assert form["value_estimate"].value() == "250"
    assert form["version"].value() == "2"
    reorder.refresh_from_db()
    assert (reorder.title, reorder.value_estimate, reorder.version) == ("Reorder anything", 100, 2)

    again = post_data(response.context["editor"])
    assert client.post(edit_url(reorder), again).status_code == 302
    reorder.refresh_from_db()
    assert (reorder.title, reorder.value_estimate, reorder.version) == (
        "Reorder in one tap",
        250,
        3,
    )


def test_a_conflict_with_my_own_earlier_save_says_so_and_comes_back_as_200_over_htmx(
    client_for, org, reorder
):
    client = client_for(org.pia)
    stale = loaded(client, edit_url(reorder))
    assert client.post(edit_url(reorder), {**stale, "status": "planned"}).status_code == 302
    # The same page again (another tab, or Back): the same field, another value.
    response = client.post(
        edit_url(reorder), {**stale, "status": "discovery"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "You saved this initiative in another tab or window at" in page
    assert "Pia saved" not in page and "Someone else" not in page
    assert [row.label for row in response.context["conflict"].rows] == ["Status"]


def test_a_conflicting_service_update_raises_with_the_current_initiative(org, reorder):
    user = org.pia.user
    data = services.InitiativeData(title="First", team=org.checkout)
    services.initiative_update(user=user, initiative=reorder, version=1, data=data)
    with pytest.raises(services.StaleEdit) as refused:
        services.initiative_update(
            user=user,
            initiative=reorder,
            version=1,
            data=services.InitiativeData(title="Second", team=org.checkout),
        )
    assert refused.value.current.title == "First" and refused.value.current.version == 2
    reorder.refresh_from_db()
    assert reorder.title == "First"


def test_two_leaders_editing_one_objective_merge_when_they_change_different_fields(
    client, org, objective
):
    client.force_login(org.gabe.user)
    mine = loaded(client, objective_edit_url(objective))
    client.force_login(org.cora.user)
    theirs = loaded(client, objective_edit_url(objective))
    theirs["key_results-0-target"] = "30"
    assert client.post(objective_edit_url(objective), theirs).status_code == 302

    client.force_login(org.gabe.user)
    response = client.post(objective_edit_url(objective), {**mine, "title": "Grow repeat buys"})
    assert response.status_code == 302
    objective.refresh_from_db()
    assert (objective.title, objective.version) == ("Grow repeat buys", 3)
    assert objective.key_results.get().target == 30


def test_two_leaders_changing_the_same_key_result_the_second_is_refused(client, org, objective):
    client.force_login(org.gabe.user)
    mine = loaded(client, objective_edit_url(objective))
    client.force_login(org.cora.user)
    theirs = loaded(client, objective_edit_url(objective))
    theirs["key_results-0-target"] = "30"
    assert client.post(objective_edit_url(objective), theirs).status_code == 302

    client.force_login(org.gabe.user)
    mine["key_results-0-target"] = "26"
    response = client.post(objective_edit_url(objective), {**mine, "title": "Grow repeat buys"})
    assert response.status_code == 409
    assert "Cora saved this objective while you were editing it" in response.content.decode()
    rows = response.context["conflict"].rows
    assert [row.label for row in rows] == ["Key results"]
    assert "18 → 30 %" in rows[0].theirs and "18 → 26 %" in rows[0].yours
    assert response.context["editor"].form["title"].value() == "Grow repeat buys"
    objective.refresh_from_db()
    assert objective.title == "Grow repeat purchases" and objective.version == 2


# Double submits.


def test_a_double_clicked_new_initiative_creates_one(client_for, org):
    client = client_for(org.pia)
    data = new_initiative(org)
    first = client.post(NEW, data)
    second = client.post(NEW, data)
    assert Initiative.objects.filter(title="Saved baskets").count() == 1
    assert first["Location"] == second["Location"]


def test_the_token_race_is_settled_by_the_unique_constraint(org):
    token = uuid.uuid4()
    user = org.gabe.user
    stored = once.scoped_token(user_id=user.pk, token=token)
    existing = InitiativeFactory(title="Saved baskets", team=org.checkout, form_token=stored)
    permissions.role_of(user)  # the user's role is memoised before first() is patched
    data = services.InitiativeData(title="Saved baskets", team=org.checkout)
    # The twin request's check ran before this one saved: it finds nothing, then loses the insert.
    with mock.patch.object(QuerySet, "first", side_effect=[None, existing]):
        created = services.initiative_create(user=user, data=data, form_token=token)
    assert created == existing
    assert Initiative.objects.filter(title="Saved baskets").count() == 1


def test_a_double_clicked_new_objective_creates_one(client_for, org):
    client = client_for(org.gabe)
    data = post_data(client.get(NEW_OBJECTIVE).context["editor"])
    data.update({"title": "Win mid-market", "period": "2027"})
    assert client.post(NEW_OBJECTIVE, data).status_code == 302
    assert client.post(NEW_OBJECTIVE, data).status_code == 302
    assert Objective.objects.filter(title="Win mid-market").count() == 1


def test_a_double_clicked_status_update_posts_one(client_for, org, reorder):
    client = client_for(org.pia)
    form = client.get(f"/initiatives/{reorder.pk}/").context["form"]
    token = str(form["form_token"].value())
    update = {
        "date": "2026-11-20",
        "health": "amber",
        "progress": "40",
        "summary": "Beta with 12 merchants.",
        "form_token": token,
    }
    assert client.post(f"/initiatives/{reorder.pk}/", update).status_code == 302
    assert client.post(f"/initiatives/{reorder.pk}/", update).status_code == 302
    assert StatusUpdate.objects.filter(initiative=reorder).count() == 1
    reorder.refresh_from_db()
    assert reorder.health == "amber"


# Bad input: refused with a message naming the field, nothing saved, never a 500.


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"deadline": "2026-12-01"}, "deadline", "deadline must not be before the earliest start"),
        ({"start_quarter": "2027-Q5"}, "start_quarter", "is not a quarter"),
        ({"start_quarter": "Q1 2027"}, "start_quarter", "is not a quarter"),
        ({"value_estimate": "-5"}, "value_estimate", "cannot be negative"),
        ({"duration_quarters": "0"}, "duration_quarters", "greater than or equal to 1"),
        ({"confidence": "140"}, "confidence", "less than or equal to 100"),
        ({"impact": "11"}, "impact", "less than or equal to 10"),
        ({"reach": "-1"}, "reach", "greater than or equal to 0"),
        ({"team": "999999"}, "team", "Select a valid choice"),
        ({"owner": "abc"}, "owner", "Select a valid choice"),
        ({"objectives": "999999"}, "objectives", "Select a valid choice"),
        ({"category": "teleportation"}, "category", "Select a valid choice"),
        ({"title": ""}, "title", "required"),
        ({"earliest_start": "yesterday"}, "earliest_start", "Enter a valid date"),
    ],
)
def test_a_bad_initiative_field_is_refused_naming_the_field(
    client_for, org, changes, field, message
):
    response = client_for(org.gabe).post(NEW, new_initiative(org, **changes))
    assert response.status_code == 400
    assert message in " ".join(errors_of(response)[field])
    label = str(response.context["editor"].form.fields[field].label)
    assert f"{label}</a>: " in response.content.decode()
    assert not Initiative.objects.filter(title__in=["Saved baskets", ""]).exists()
    assert not InitiativeEffort.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"efforts-1-effort": "-3"}, "Effort cannot be negative."),
        ({"efforts-1-team": str(999999)}, "Select a valid choice"),
        ({"efforts-1-team": ""}, "Checkout has two rows: give each team one."),
        ({"efforts-1-team": "", "efforts-0-team": ""}, "Checkout has two rows"),
        ({"efforts-1-effort": "lots"}, "Enter a number."),
        ({"efforts-1-effort": ""}, "Enter the person-weeks, or tick Remove."),
    ],
)
def test_a_bad_effort_row_is_refused_naming_the_row(client_for, org, changes, message):
    data = new_initiative(org, **{"efforts-0-team": str(org.checkout.pk)})
    response = client_for(org.gabe).post(NEW, {**data, **changes})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Effort per team, row 2" in page
    assert not Initiative.objects.filter(title="Saved baskets").exists()


def test_a_tampered_formset_or_version_is_refused_not_a_500(client_for, org, reorder):
    client = client_for(org.pia)
    data = loaded(client, edit_url(reorder))
    for broken in ({"efforts-TOTAL_FORMS": "x"}, {"version": "abc"}, {"form_token": "nope"}):
        response = client.post(edit_url(reorder), {**data, **broken})
        assert response.status_code == 400
        assert "Nothing was saved." in response.content.decode()
    reorder.refresh_from_db()
    assert reorder.version == 1


def test_a_rejected_edit_leaves_the_initiative_untouched(client_for, org, reorder):
    client = client_for(org.pia)
    data = loaded(client, edit_url(reorder))
    data.update({"title": "Changed", "deadline": "2027-01-01", "earliest_start": "2027-02-01"})
    response = client.post(edit_url(reorder), data)
    assert response.status_code == 400
    assert "deadline" in errors_of(response)
    reorder.refresh_from_db()
    assert reorder.title == "One-click reorder" and reorder.version == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"earliest_start": datetime.date(2027, 2, 1), "deadline": datetime.date(2027, 1, 1)},
            "deadline",
        ),
        ({"start_quarter": "2027-Q9"}, "start_quarter"),
        ({"value_estimate": Decimal(-1)}, "value_estimate"),
        ({"efforts": [services.TeamEffortInput(team=None, effort=Decimal(-1))]}, "efforts"),
        (
            {
                "efforts": [
                    services.TeamEffortInput(team=None, effort=Decimal(1)),
                    services.TeamEffortInput(team=None, effort=Decimal(2)),
                ]
            },
            "efforts",
        ),
    ],
)
def test_the_service_refuses_what_the_form_would_have_caught(org, reorder, changes, field):
    data = services.InitiativeData(title="Bad", team=org.checkout, **changes)
    with pytest.raises(services.EditingError) as refused:
        services.initiative_update(user=org.gabe.user, initiative=reorder, version=1, data=data)
    assert refused.value.field == field
    reorder.refresh_from_db()
    assert reorder.title == "One-click reorder" and reorder.version == 1


def test_a_pm_cannot_move_an_initiative_to_a_team_not_theirs_through_the_service(org, reorder):
    data = services.InitiativeData(title="Moved", team=org.billing)
    with pytest.raises(services.EditingError) as refused:
        services.initiative_update(user=org.pia.user, initiative=reorder, version=1, data=data)
    assert refused.value.field == "team"
    with pytest.raises(services.EditingNotAllowed):
        services.initiative_update(user=org.olive.user, initiative=reorder, version=1, data=data)


def test_an_initiative_owned_by_someone_who_left_still_saves(client_for, org, reorder):
    org.pia.active = False
    org.pia.save()
    client = client_for(org.gabe)
    data = loaded(client, edit_url(reorder))
    assert client.post(edit_url(reorder), {**data, "status": "planned"}).status_code == 302
    reorder.refresh_from_db()
    assert (reorder.owner, reorder.status) == (org.pia, "planned")


def test_a_save_over_htmx_sends_the_browser_to_the_initiative(client_for, org):
    response = client_for(org.pia).post(NEW, new_initiative(org), headers={"HX-Request": "true"})
    initiative = Initiative.objects.get(title="Saved baskets")
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/initiatives/{initiative.pk}/"
    refused = client_for(org.pia).post(
        NEW, new_initiative(org, deadline="2020-01-01"), headers={"HX-Request": "true"}
    )
    assert refused.status_code == 200 and "Nothing was saved." in refused.content.decode()


# Dependencies.


def test_a_dependency_is_added_and_removed_on_the_edit_page(client_for, org, reorder):
    payments = InitiativeFactory(title="Payments API v2", team=org.billing)
    client = client_for(org.pia)
    url = f"/initiatives/{reorder.pk}/dependencies/"
    response = client.post(url, {"depends_on": payments.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Payments API v2" in response.content.decode()
    dependency = Dependency.objects.get(initiative=reorder)
    assert dependency.depends_on == payments
    response = client.post(f"{url}{dependency.pk}/remove/")
    assert response.status_code == 302
    assert not Dependency.objects.exists()


def test_a_dependency_cycle_is_refused_with_the_cycle_shown_on_the_field(client_for, org, reorder):
    payments = InitiativeFactory(title="Payments API v2", team=org.checkout)
    services.initiative_dependency_add(user=org.gabe.user, initiative=payments, depends_on=reorder)
    client = client_for(org.pia)
    url = f"/initiatives/{reorder.pk}/dependencies/"
    response = client.post(url, {"depends_on": payments.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "One-click reorder → Payments API v2 → One-click reorder" in page
    assert 'class="field-error"' in page
    plain = client.post(url, {"depends_on": payments.pk})
    assert plain.status_code == 400
    assert "dependency cycle" in " ".join(plain.context["dependency_form"].errors["depends_on"])
    assert Dependency.objects.count() == 1


@pytest.mark.parametrize("viewer", ["olive", "sam", "ada"])
def test_outsiders_cannot_add_or_remove_dependencies(client_for, org, reorder, viewer):
    other = InitiativeFactory(title="Elsewhere", team=org.search)
    dependency = Dependency.objects.create(initiative=reorder, depends_on=other)
    client = client_for(getattr(org, viewer))
    url = f"/initiatives/{reorder.pk}/dependencies/"
    assert client.post(url, {"depends_on": other.pk}).status_code == 404
    assert client.post(f"{url}{dependency.pk}/remove/").status_code == 404
    assert Dependency.objects.count() == 1


def test_a_dependency_of_another_initiative_is_404(client_for, org, reorder):
    a, b = InitiativeFactory(), InitiativeFactory()
    foreign = Dependency.objects.create(initiative=a, depends_on=b)
    url = f"/initiatives/{reorder.pk}/dependencies/{foreign.pk}/remove/"
    assert client_for(org.pia).post(url).status_code == 404
    assert Dependency.objects.filter(pk=foreign.pk).exists()


# Milestones and risks.


def test_milestones_are_added_marked_done_and_undone(client_for, org, reorder):
    client = client_for(org.pia)
    base = f"/initiatives/{reorder.pk}/milestones/"
    response = client.post(base, {"title": "Beta live", "due": "2027-02-15"})
    assert response.status_code == 302
    milestone = Milestone.objects.get(initiative=reorder)
    assert (milestone.title, str(milestone.due), milestone.done) == (
        "Beta live",
        "2027-02-15",
        False,
    )
    htmx = {"HX-Request": "true"}
    response = client.post(f"{base}{milestone.pk}/done/", {"done": "on"}, headers=htmx)
    assert response.status_code == 200 and "Not done" in response.content.decode()
    # The state is explicit: a second click of the same button leaves it done.
    client.post(f"{base}{milestone.pk}/done/", {"done": "on"}, headers=htmx)
    milestone.refresh_from_db()
    assert milestone.done
    client.post(f"{base}{milestone.pk}/done/", {"done": ""})
    milestone.refresh_from_db()
    assert not milestone.done
    page = client.get(f"/initiatives/{reorder.pk}/").content.decode()
    assert "Beta live" in page and "15 Feb 2027" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "due": "2027-02-15"}, "Milestone: This field is required."),
        ({"title": "Beta", "due": "soon"}, "Due: Enter a valid date."),
        ({"title": "x" * 201, "due": "2027-02-15"}, "Milestone: Ensure this value has at most"),
    ],
)
def test_a_bad_milestone_is_refused_naming_the_field(client_for, org, reorder, data, message):
    client = client_for(org.pia)
    url = f"/initiatives/{reorder.pk}/milestones/"
    htmx = client.post(url, data, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and message in htmx.content.decode()
    plain = client.post(url, data)
    assert plain.status_code == 400 and message in plain.content.decode()
    assert not Milestone.objects.exists()


def test_risks_are_added_and_closed(client_for, org, reorder):
    client = client_for(org.gabe)
    base = f"/initiatives/{reorder.pk}/risks/"
    data = {"description": "Provider API changes", "severity": "high", "mitigation": "Pin v3."}
    assert client.post(base, data).status_code == 302
    risk = Risk.objects.get(initiative=reorder)
    assert (risk.severity, risk.mitigation, risk.closed) == ("high", "Pin v3.", False)
    response = client.post(f"{base}{risk.pk}/close/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "closed" in response.content.decode()
    risk.refresh_from_db()
    assert risk.closed
    page = client.get(f"/initiatives/{reorder.pk}/").content.decode()
    assert "Provider API changes" in page and "Pin v3." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": "", "severity": "high"}, "Risk: This field is required."),
        ({"description": "Churn", "severity": "apocalyptic"}, "Severity: Select a valid choice."),
    ],
)
def test_a_bad_risk_is_refused_naming_the_field(client_for, org, reorder, data, message):
    response = client_for(org.pia).post(f"/initiatives/{reorder.pk}/risks/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Risk.objects.exists()


def test_a_risk_service_refuses_a_mitigation_too_long_naming_it(org, reorder):
    with pytest.raises(services.EditingError) as refused:
        services.risk_add(
            user=org.pia.user,
            initiative=reorder,
            description="Churn",
            severity="high",
            mitigation="m" * 4001,
        )
    assert refused.value.field == "mitigation"
    assert "4,001 characters long; at most 4,000 fit" in refused.value.message
    assert not Risk.objects.exists()


@pytest.mark.parametrize("viewer", ["olive", "sam", "ada"])
def test_outsiders_cannot_touch_milestones_or_risks(client_for, org, reorder, viewer):
    milestone = Milestone.objects.create(initiative=reorder, title="Beta", due="2027-02-15")
    risk = Risk.objects.create(initiative=reorder, description="Churn")
    client = client_for(getattr(org, viewer))
    base = f"/initiatives/{reorder.pk}"
    assert (
        client.post(f"{base}/milestones/", {"title": "X", "due": "2027-01-01"}).status_code == 404
    )
    assert client.post(f"{base}/milestones/{milestone.pk}/done/", {"done": "on"}).status_code == 404
    assert client.post(f"{base}/risks/", {"description": "X", "severity": "low"}).status_code == 404
    assert client.post(f"{base}/risks/{risk.pk}/close/").status_code == 404
    assert Milestone.objects.count() == 1 and Risk.objects.count() == 1
    milestone.refresh_from_db()
    risk.refresh_from_db()
    assert not milestone.done and not risk.closed
    page = client.get(f"{base}/").content.decode()
    assert "Beta" in page and "Churn" in page and "Add a milestone" not in page


def test_a_milestone_or_risk_of_another_initiative_is_404(client_for, org, reorder):
    other = InitiativeFactory(team=org.checkout)
    milestone = Milestone.objects.create(initiative=other, title="Beta", due="2027-02-15")
    risk = Risk.objects.create(initiative=other, description="Churn")
    client = client_for(org.pia)
    base = f"/initiatives/{reorder.pk}"
    assert client.post(f"{base}/milestones/{milestone.pk}/done/", {"done": "on"}).status_code == 404
    assert client.post(f"{base}/risks/{risk.pk}/close/").status_code == 404
    assert client.get(f"{base}/milestones/").status_code == 405


# The detail page.


def test_the_detail_page_shows_the_new_fields_readably(client_for, org):
    client = client_for(org.pia)
    client.post(NEW, new_initiative(org))
    initiative = Initiative.objects.get(title="Saved baskets")
    page = client_for(org.sam).get(f"/initiatives/{initiative.pk}/").content.decode()
    for shown in [
        "Customer request",
        "2027-Q1 to 2027-Q2",
        "4 Jan 2027",
        "30 Jun 2027",
        "<td>Checkout</td>",
        "<td>Search</td>",
        "16.5",
        "80%",
        "4000",
    ]:
        assert shown in page, shown
    assert "/edit/" not in page


# Objectives.


def test_a_leader_creates_an_objective_with_key_results_under_a_parent(client_for, org, objective):
    client = client_for(org.gabe)
    data = post_data(client.get(NEW_OBJECTIVE).context["editor"])
    data.update(
        {
            "title": "Reorder in one click",
            "period": "2027-H1",
            "owner": str(org.pia.pk),
            "parent": str(objective.pk),
            "key_results-0-metric": "Reorders per week",
            "key_results-0-baseline": "120",
            "key_results-0-target": "400",
            "key_results-1-metric": "Time to reorder",
            "key_results-1-unit": "s",
            "key_results-1-baseline": "95",
            "key_results-1-target": "10",
            "key_results-1-current": "60",
        }
    )
    response = client.post(NEW_OBJECTIVE, data)
    assert response.status_code == 302
    assert response["Location"] == "/strategy/?period=2027-H1"
    created = Objective.objects.get(title="Reorder in one click")
    assert created.parent == objective and created.owner == org.pia
    assert list(created.key_results.values_list("metric", "unit", "current")) == [
        ("Reorders per week", "", None),
        ("Time to reorder", "s", Decimal("60.00")),
    ]


def test_editing_an_objective_updates_adds_and_removes_key_results(client_for, org, objective):
    original = objective.key_results.get()
    client = client_for(org.cora)
    data = loaded(client, objective_edit_url(objective))
    data.update(
        {
            "key_results-0-current": "21",
            "key_results-1-metric": "Subscribers",
            "key_results-1-baseline": "0",
            "key_results-1-target": "5000",
        }
    )
    assert client.post(objective_edit_url(objective), data).status_code == 302
    assert objective.key_results.get(pk=original.pk).current == 21
    assert objective.key_results.count() == 2
    data = loaded(client, objective_edit_url(objective))
    data["key_results-0-DELETE"] = "on"
    assert client.post(objective_edit_url(objective), data).status_code == 302
    assert list(objective.key_results.values_list("metric", flat=True)) == ["Subscribers"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"period": "2027-H3"}, "period", "is not a period"),
        ({"period": "H1 2027"}, "period", "is not a period"),
        ({"owner": "999999"}, "owner", "Select a valid choice"),
        ({"parent": "999999"}, "parent", "Select a valid choice"),
        ({"title": ""}, "title", "required"),
    ],
)
def test_a_bad_objective_field_is_refused_naming_the_field(
    client_for, org, objective, changes, field, message
):
    client = client_for(org.gabe)
    data = loaded(client, objective_edit_url(objective))
    response = client.post(objective_edit_url(objective), {**data, **changes})
    assert response.status_code == 400
    assert message in " ".join(errors_of(response)[field])
    label = str(response.context["editor"].form.fields[field].label)
    assert f"{label}</a>: " in response.content.decode()
    objective.refresh_from_db()
    assert (objective.period, objective.version) == ("2027-H1", 1)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"key_results-0-target": "18"}, "The target must differ from the baseline."),
        ({"key_results-0-metric": ""}, "Name the metric."),
        ({"key_results-0-baseline": "many"}, "Enter a number."),
    ],
)
def test_a_bad_key_result_is_refused_naming_the_row(client_for, org, objective, changes, message):
    client = client_for(org.gabe)
    data = loaded(client, objective_edit_url(objective))
    response = client.post(objective_edit_url(objective), {**data, **changes})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Key results, row 1" in page
    assert objective.key_results.get().target == 24


def test_a_parent_cycle_is_refused_naming_the_cycle(client_for, org, objective):
    child = ObjectiveFactory(title="Reorder in one click", period="2027-H1", parent=objective)
    grandchild = ObjectiveFactory(title="Basket memory", period="2027-Q1", parent=child)
    client = client_for(org.gabe)
    data = loaded(client, objective_edit_url(objective))
    response = client.post(objective_edit_url(objective), {**data, "parent": grandchild.pk})
    assert response.status_code == 400
    message = " ".join(errors_of(response)["parent"])
    assert (
        "Grow repeat purchases → Basket memory → Reorder in one click → Grow repeat purchases"
        in message
    )
    objective.refresh_from_db()
    assert objective.parent is None


@pytest.mark.parametrize("viewer", ["pia", "olive", "sam", "ada"])
def test_only_leaders_create_and_edit_objectives(client_for, org, objective, viewer):
    data = loaded(client_for(org.gabe), objective_edit_url(objective))
    client = client_for(getattr(org, viewer))
    assert client.get(NEW_OBJECTIVE).status_code == 404
    assert client.post(NEW_OBJECTIVE, {**data, "title": "Mine"}).status_code == 404
    assert client.get(objective_edit_url(objective)).status_code == 404
    assert client.post(objective_edit_url(objective), {**data, "title": "Mine"}).status_code == 404
    assert not Objective.objects.filter(title="Mine").exists()
    page = client.get("/strategy/?period=2027-H1").content.decode()
    assert NEW_OBJECTIVE not in page and objective_edit_url(objective) not in page


def test_the_strategy_tree_links_leaders_to_new_and_edit(client_for, org, objective):
    page = client_for(org.dana).get("/strategy/?period=2027-H1").content.decode()
    assert NEW_OBJECTIVE in page and objective_edit_url(objective) in page


# Query counts.


def test_the_edit_page_takes_a_bounded_number_of_queries(
    client_for, org, reorder, objective, django_assert_max_num_queries
):
    for number in range(5):
        other = InitiativeFactory(title=f"Prerequisite {number}", team=org.search)
        Dependency.objects.create(initiative=reorder, depends_on=other)
        reorder.objectives.add(ObjectiveFactory(period="2027-H1"))
    for team in (org.checkout, org.search, org.billing):
        InitiativeEffort.objects.create(initiative=reorder, team=team, effort=5)
    client = client_for(org.pia)
    client.get("/")
    with django_assert_max_num_queries(16):
        response = client.get(edit_url(reorder))
    assert response.status_code == 200


def test_the_detail_page_takes_a_bounded_number_of_queries(
    client_for, org, reorder, django_assert_max_num_queries
):
    for number in range(5):
        Milestone.objects.create(initiative=reorder, title=f"Step {number}", due="2027-01-01")
        Risk.objects.create(initiative=reorder, description=f"Risk {number}")
    for team in (org.checkout, org.search, org.billing):
        InitiativeEffort.objects.create(initiative=reorder, team=team, effort=5)
    client = client_for(org.pia)
    client.get("/")
    with django_assert_max_num_queries(20):
        response = client.get(f"/initiatives/{reorder.pk}/")
    assert response.status_code == 200
