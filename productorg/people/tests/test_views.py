from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from productorg.factories import PersonFactory, level


def status_for(client_for, who, url: str) -> int:
    return client_for(who).get(url).status_code


@pytest.mark.parametrize("viewer", ["pia", "gabe", "dana", "cora", "ada"])
def test_a_person_page_is_open_to_the_person_their_managers_and_admins(client_for, org, viewer):
    response = client_for(getattr(org, viewer)).get(f"/people/{org.pia.pk}/")
    assert response.status_code == 200
    assert "Pia" in response.content.decode()


@pytest.mark.parametrize("viewer", ["paul", "olive", "greta", "sam"])
def test_a_person_page_is_not_found_for_peers_other_groups_and_stakeholders(
    client_for, org, viewer
):
    assert status_for(client_for, getattr(org, viewer), f"/people/{org.pia.pk}/") == 404


def test_a_pm_opening_another_pms_person_page_gets_404(client_for, org):
    assert status_for(client_for, org.pia, f"/people/{org.paul.pk}/") == 404


def test_a_person_page_of_an_unknown_id_is_404(client_for, org):
    assert status_for(client_for, org.cora, "/people/999999/") == 404


def test_people_list_of_a_group_pm_holds_their_reports_and_nobody_else(client_for, org):
    page = client_for(org.gabe).get("/people/").content.decode()
    for person in [org.gabe, org.pia, org.paul]:
        assert f'href="/people/{person.pk}/"' in page
    for person in [org.olive, org.dana, org.greta]:
        assert f'href="/people/{person.pk}/"' not in page


def test_people_list_of_a_pm_holds_only_themselves(client_for, org):
    page = client_for(org.pia).get("/people/").content.decode()
    assert f'href="/people/{org.pia.pk}/"' in page
    assert "Paul" not in page


def test_stakeholder_cannot_open_people_list_or_org_chart(client_for, org):
    assert status_for(client_for, org.sam, "/people/") == 404
    assert status_for(client_for, org.sam, "/org-chart/") == 404


def test_org_chart_draws_the_reporting_tree_with_links_only_where_allowed(client_for, org):
    page = client_for(org.gabe).get("/org-chart/").content.decode()
    for name in ["Cora", "Dana", "Gabe", "Greta", "Pia", "Paul", "Olive"]:
        assert name in page
    assert f'href="/people/{org.pia.pk}/"' in page
    assert f'href="/people/{org.olive.pk}/"' not in page
    assert page.index("Dana") < page.index("Gabe") < page.index("Pia")


def test_org_chart_leaves_out_people_who_left(client_for, org):
    PersonFactory(name="Xavier Gone", manager=org.gabe, active=False)
    page = client_for(org.cora).get("/org-chart/").content.decode()
    assert "Xavier Gone" not in page


@pytest.mark.parametrize("viewer", ["pia", "gabe", "cora", "sam", "ada"])
def test_teams_are_portfolio_and_open_to_every_role(client_for, org, viewer):
    client = client_for(getattr(org, viewer))
    assert "Checkout" in client.get("/teams/").content.decode()
    team_page = client.get(f"/teams/{org.billing.pk}/").content.decode()
    assert "Invoice dunning" in team_page


def test_unknown_team_is_404(client_for, org):
    assert status_for(client_for, org.pia, "/teams/424242/") == 404


def test_leader_home_flags_too_wide_and_too_narrow_spans(client_for, org):
    for number in range(9):
        PersonFactory(name=f"Extra {number}", manager=org.gabe, level=level("apm"))
    page = client_for(org.dana).get("/").content.decode()
    assert "Span of control" in page
    gabe_row = page[page.index(f'href="/people/{org.gabe.pk}/"') :].split("</tr>")[0]
    assert "11" in gabe_row and "too wide" in gabe_row
    greta_row = page[page.index(f'href="/people/{org.greta.pk}/"') :].split("</tr>")[0]
    assert "narrow" in greta_row


def test_leader_home_counts_people_by_level_and_draws_the_mix(client_for, org):
    page = client_for(org.gabe).get("/").content.decode()
    assert "Your people by level" in page
    assert "<svg" in page and "Scaling" in page
    assert "Checkout" in page and "Search" in page
    assert "Billing" not in page


def test_leader_home_lists_the_assessments_they_have_to_write(client_for, org):
    from productorg.factories import AssessmentFactory

    # Paul was assessed a year ago, Pia last month; Gabe has a peer draft about Olive.
    AssessmentFactory(
        person=org.paul,
        author=org.gabe,
        kind="manager",
        status="submitted",
        submitted_at=timezone.now() - datetime.timedelta(days=365),
    )
    AssessmentFactory(
        person=org.pia,
        author=org.gabe,
        kind="manager",
        status="submitted",
        submitted_at=timezone.now() - datetime.timedelta(days=30),
    )
    draft = AssessmentFactory(person=org.olive, author=org.gabe, kind="peer", status="draft")
    page = client_for(org.gabe).get("/").content.decode()
    block = page[page.index('id="assessments-to-write"') :].split("</article>")[0]
    assert f'href="/assessments/{draft.pk}/"' in block and "Peer assessment of Olive" in block
    assert "Manager assessment of Paul" in block and "last one" in block
    assert "Pia" not in block
    # A manager draft replaces the reminder: it is listed once, as the draft.
    AssessmentFactory(person=org.paul, author=org.gabe, kind="manager", status="draft")
    block = client_for(org.gabe).get("/").content.decode()
    block = block[block.index('id="assessments-to-write"') :].split("</article>")[0]
    assert block.count("Manager assessment of Paul") == 1 and "your draft" in block
    # Dana's reminders are her direct reports', not the people below them.
    dana_page = client_for(org.dana).get("/").content.decode()
    assert "Manager assessment of Gabe" in dana_page
    assert "Manager assessment of Olive" not in dana_page


def test_pm_home_shows_their_team_and_its_initiatives(client_for, org):
    page = client_for(org.pia).get("/").content.decode()
    assert "Checkout" in page
    assert "One-click reorder" in page
    assert "Typo-tolerant search" not in page


def test_stakeholder_home_is_a_portfolio_summary(client_for, org):
    page = client_for(org.sam).get("/").content.decode()
    assert "Portfolio summary" in page
    assert "3 initiatives" in page
    assert "Pia" not in page
