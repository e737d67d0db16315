from __future__ import annotations

import pytest

from productorg.factories import InitiativeFactory


def titles(response) -> list[str]:
    return [initiative.title for initiative in response.context["page"].object_list]


@pytest.mark.parametrize("viewer", ["pia", "gabe", "cora", "sam", "ada"])
def test_every_role_sees_the_whole_portfolio(client_for, org, viewer):
    response = client_for(getattr(org, viewer)).get("/initiatives/")
    assert response.status_code == 200
    assert sorted(titles(response)) == [
        "Invoice dunning",
        "One-click reorder",
        "Typo-tolerant search",
    ]


def test_filters_narrow_by_team_category_status_health_and_owner(client_for, org):
    InitiativeFactory(
        title="Reorder reminders",
        team=org.checkout,
        owner=org.pia,
        category="growth",
        status="in_progress",
        health="red",
    )
    client = client_for(org.gabe)
    assert titles(client.get(f"/initiatives/?team={org.checkout.pk}")) == [
        "One-click reorder",
        "Reorder reminders",
    ]
    assert titles(client.get("/initiatives/?category=growth")) == [
        "Reorder reminders",
        "Typo-tolerant search",
    ]
    assert titles(client.get("/initiatives/?status=in_progress&health=red")) == [
        "Reorder reminders"
    ]
    assert titles(client.get(f"/initiatives/?owner={org.olive.pk}")) == ["Invoice dunning"]


def test_the_list_filters_on_no_category_and_shows_it(client_for, org):
    InitiativeFactory(title="Imported epic", team=org.checkout, category="")
    client = client_for(org.gabe)
    response = client.get("/initiatives/?category=none")
    assert titles(response) == ["Imported epic"]
    assert "No category" in response.content.decode()


def test_search_matches_titles_case_insensitively(client_for, org):
    assert titles(client_for(org.pia).get("/initiatives/?q=REORDER")) == ["One-click reorder"]


@pytest.mark.parametrize(
    "query",
    [
        "team=abc",
        "team=999999",
        "category=teleportation",
        "status=%00",
        "health=purple&owner=-1",
        "page=last",
        "page=-5",
        "page=99999999999999999999",
        "q=" + "x" * 500,
    ],
)
def test_nonsense_filter_values_never_fail(client_for, org, query):
    response = client_for(org.pia).get(f"/initiatives/?{query}")
    assert response.status_code == 200


def test_an_invalid_filter_is_ignored_with_a_message(client_for, org):
    response = client_for(org.pia).get("/initiatives/?category=teleportation&team=abc")
    page = response.content.decode()
    assert "Ignored a filter value" in page
    assert len(titles(response)) == 3


def test_the_list_is_paginated_by_fifty(client_for, org):
    InitiativeFactory.create_batch(60, team=org.checkout)
    client = client_for(org.pia)
    first = client.get("/initiatives/")
    assert len(titles(first)) == 50
    assert "page 1 of 2" in first.content.decode()
    second = client.get("/initiatives/?page=2")
    assert len(titles(second)) == 13


def test_pagination_links_keep_the_filters(client_for, org):
    InitiativeFactory.create_batch(60, team=org.checkout, category="growth")
    page = client_for(org.pia).get("/initiatives/?category=growth").content.decode()
    assert "?category=growth&amp;page=2" in page


def test_an_htmx_request_gets_only_the_results_fragment(client_for, org):
    response = client_for(org.pia).get("/initiatives/?q=dunning", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="results">')
    assert "Invoice dunning" in page
    assert "<html" not in page


def test_initiative_page_shows_its_facts(client_for, org):
    initiative = org.checkout.initiatives.get()
    page = client_for(org.sam).get(f"/initiatives/{initiative.pk}/").content.decode()
    assert "One-click reorder" in page
    assert "Checkout" in page
    assert "Serves no objective yet" in page


def test_unknown_initiative_is_404(client_for, org):
    assert client_for(org.pia).get("/initiatives/31337/").status_code == 404


def test_initiatives_filter_by_the_objective_they_serve(client_for, org):
    from productorg.factories import ObjectiveFactory

    objective = ObjectiveFactory(title="Grow repeat purchases")
    org.checkout.initiatives.get().objectives.add(objective)
    response = client_for(org.pia).get(f"/initiatives/?objective={objective.pk}")
    assert titles(response) == ["One-click reorder"]
    assert "Grow repeat purchases" in response.content.decode()
