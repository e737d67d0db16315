"""Teams, people and people data (1:1s, assessments, growth plans) through the API: the same
privacy rules as the pages, a 404 for whatever the user may not see, and never a private note."""

from __future__ import annotations

import pytest
from django.utils import timezone

from productorg.factories import (
    AssessmentFactory,
    GrowthPlanFactory,
    PersonFactory,
    level,
)
from productorg.people.models import Assessment, GrowthPlan, OneOnOne
from productorg.people.tests.test_one_on_ones import (
    ACTION_TEXT,
    AGENDA_TEXT,
    GABE_PRIVATE_TEXT,
    PIA_PRIVATE_TEXT,
    SHARED_TEXT,
    Pair,
    pair_fixture,  # noqa: F401 - the `pair` fixture
)

PRIVATE_TEXTS = [GABE_PRIVATE_TEXT, PIA_PRIVATE_TEXT]


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["items"]]


# Teams and people.


def test_every_role_reads_the_teams(org, api):
    for who in [org.pia, org.sam, org.ada]:
        response = api(who).get("/teams")
        assert names(response) == ["Billing", "Checkout", "Search"]
    team = api(org.sam).get(f"/teams/{org.checkout.pk}").json()
    assert (team["product_manager_id"], team["initiative_count"]) == (org.pia.pk, 1)
    assert api(org.sam).get("/teams/424242").status_code == 404


def test_a_leader_lists_the_people_below_them(org, api):
    assert names(api(org.gabe).get("/people")) == ["Gabe", "Paul", "Pia"]
    assert names(api(org.gabe).get("/people", q="pi")) == ["Pia"]
    assert names(api(org.dana).get("/people", manager=org.greta.pk)) == ["Olive"]


def test_a_pm_sees_only_themselves(org, api):
    assert names(api(org.pia).get("/people")) == ["Pia"]
    assert api(org.pia).get(f"/people/{org.paul.pk}").status_code == 404


def test_a_stakeholder_sees_no_people(org, api):
    client = api(org.sam)
    assert client.get("/people").json() == {"items": [], "count": 0}
    assert client.get(f"/people/{org.pia.pk}").status_code == 404


def test_a_person_reads_with_their_level(org, api):
    body = api(org.gabe).get(f"/people/{org.pia.pk}").json()
    assert (body["name"], body["level"], body["manager_id"]) == ("Pia", "pm", org.gabe.pk)


def test_the_people_list_takes_a_fixed_number_of_queries(org, api, django_assert_max_num_queries):
    for number in range(60):
        PersonFactory(name=f"Report {number:02}", manager=org.gabe, level=level("pm"))
    client = api(org.gabe)
    with django_assert_max_num_queries(10):
        response = client.get("/people", limit=200)
    assert response.json()["count"] == 63


# 1:1s.


def test_a_participant_lists_and_reads_their_1_1_with_content(org, api, pair: Pair):
    client = api(org.pia)
    listed = client.get("/one-on-ones").json()
    assert [row["id"] for row in listed["items"]] == [pair.one_on_one.pk]
    series = client.get(f"/one-on-ones/{pair.one_on_one.pk}").json()
    assert {meeting["id"] for meeting in series["meetings"]} == {pair.meeting.pk, pair.earlier.pk}
    meeting = client.get(f"/meetings/{pair.meeting.pk}")
    assert meeting.status_code == 200
    text = meeting.content.decode()
    for content in [AGENDA_TEXT, SHARED_TEXT, ACTION_TEXT]:
        assert content in text


@pytest.mark.parametrize("who", ["dana", "cora", "paul", "greta", "sam", "ada"])
def test_nobody_but_the_pair_reads_1_1_content(org, api, pair: Pair, who):
    client = api(getattr(org, who))
    assert client.get(f"/one-on-ones/{pair.one_on_one.pk}").status_code == 404
    assert client.get(f"/meetings/{pair.meeting.pk}").status_code == 404
    response = client.post(f"/meetings/{pair.meeting.pk}/agenda-items", {"text": "Sneak"})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["dana", "ada"])
def test_leaders_above_and_admins_get_the_cadence_only(org, api, pair: Pair, who):
    response = api(getattr(org, who)).get("/one-on-ones/cadence")
    pairs = {(row["manager_id"], row["report_id"]): row for row in response.json()["items"]}
    row = pairs[(org.gabe.pk, org.pia.pk)]
    assert row["cadence"] == "weekly"
    for content in [AGENDA_TEXT, SHARED_TEXT, ACTION_TEXT, *PRIVATE_TEXTS]:
        assert content not in response.content.decode()


def test_a_private_note_is_in_no_api_answer_even_to_its_author(org, api, pair: Pair):
    paths = [
        "/one-on-ones",
        "/one-on-ones/cadence",
        f"/one-on-ones/{pair.one_on_one.pk}",
        f"/meetings/{pair.meeting.pk}",
        f"/meetings/{pair.earlier.pk}",
    ]
    for who in [org.gabe, org.pia, org.dana, org.ada]:
        client = api(who)
        for path in paths:
            text = client.get(path).content.decode()
            for private in PRIVATE_TEXTS:
                assert private not in text, (who, path)


def test_a_manager_starts_a_1_1_and_schedules_a_meeting_with_an_agenda(org, api):
    client = api(org.greta)
    started = client.post("/one-on-ones", {"report_id": org.olive.pk, "cadence": "weekly"})
    assert started.status_code == 201, started.json()
    one_on_one_id = started.json()["id"]
    meeting = client.post(f"/one-on-ones/{one_on_one_id}/meetings", {"date": "2027-02-01"})
    assert meeting.status_code == 201, meeting.json()
    item = client.post(
        f"/meetings/{meeting.json()['id']}/agenda-items",
        {"text": "Career goals", "recurring": True},
    )
    assert item.status_code == 201
    assert api(org.olive).get(f"/meetings/{meeting.json()['id']}").json()["agenda_items"][0][
        "text"
    ] == ("Career goals")


def test_only_the_current_manager_starts_a_1_1(org, api):
    response = api(org.dana).post("/one-on-ones", {"report_id": org.pia.pk})
    assert response.status_code == 400
    assert response.json()["field"] == "report"
    assert api(org.pia).post("/one-on-ones", {"report_id": org.olive.pk}).status_code == 400
    assert not OneOnOne.objects.exists()


# Assessments.


def submitted(person, author=None, kind="self") -> Assessment:
    return AssessmentFactory(
        person=person,
        author=author or person,
        kind=kind,
        status="submitted",
        submitted_at=timezone.now(),
        summary="SUM-1",
    )


def test_the_person_and_the_managers_above_read_a_submitted_assessment(org, api, framework):
    assessment = submitted(org.pia)
    for who in [org.pia, org.gabe, org.dana, org.cora]:
        response = api(who).get(f"/assessments/{assessment.pk}")
        assert response.status_code == 200, who
        assert {row["competency"] for row in response.json()["ratings"]} == {
            competency.name for competency in framework.competencies
        }
    assert [row["id"] for row in api(org.gabe).get("/assessments").json()["items"]] == [
        assessment.pk
    ]


@pytest.mark.parametrize("who", ["paul", "olive", "greta", "sam", "ada"])
def test_outsiders_cannot_read_an_assessment(org, api, who):
    assessment = submitted(org.pia)
    client = api(getattr(org, who))
    assert client.get(f"/assessments/{assessment.pk}").status_code == 404
    assert client.get("/assessments").json()["count"] == 0


def test_a_draft_is_its_authors_alone(org, api):
    draft = AssessmentFactory(person=org.pia, author=org.pia, kind="self")
    assert api(org.pia).get(f"/assessments/{draft.pk}").status_code == 200
    assert api(org.gabe).get(f"/assessments/{draft.pk}").status_code == 404


def test_a_pm_starts_their_self_assessment_and_not_a_manager_one(org, api):
    started = api(org.pia).post("/assessments", {"person_id": org.pia.pk, "kind": "self"})
    assert started.status_code == 201
    assert started.json()["status"] == "draft"
    refused = api(org.pia).post("/assessments", {"person_id": org.pia.pk, "kind": "manager"})
    assert refused.status_code == 403
    assert (
        api(org.pia).post("/assessments", {"person_id": org.paul.pk, "kind": "self"}).status_code
        == 400
    )


# Growth plans.


def test_the_person_and_managers_above_read_a_growth_plan_and_outsiders_do_not(org, api):
    plan = GrowthPlanFactory(person=org.pia)
    for who in [org.pia, org.gabe, org.dana]:
        assert api(who).get(f"/growth-plans/{plan.pk}").status_code == 200
    for who in [org.paul, org.olive, org.greta, org.sam, org.ada]:
        client = api(who)
        assert client.get(f"/growth-plans/{plan.pk}").status_code == 404
        assert client.get("/growth-plans").json()["count"] == 0


def test_the_direct_manager_starts_and_changes_a_growth_plan(org, api):
    client = api(org.gabe)
    created = client.post(
        "/growth-plans", {"person_id": org.pia.pk, "target_level": "senior-pm", "summary": "Go"}
    )
    assert created.status_code == 201, created.json()
    plan = created.json()
    assert (plan["target_level"], plan["status"]) == ("senior-pm", "active")
    changed = client.patch(
        f"/growth-plans/{plan['id']}", {"version": plan["version"], "summary": "Lead discovery"}
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["summary"] == "Lead discovery"
    stale = client.patch(
        f"/growth-plans/{plan['id']}", {"version": plan["version"], "summary": "x"}
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == plan["version"] + 1


def test_growth_plan_markdown_over_the_pages_limit_is_a_422_naming_the_field(org, api):
    client = api(org.gabe)
    too_long = "x" * 4001
    response = client.post(
        "/growth-plans",
        {"person_id": org.pia.pk, "target_level": "senior-pm", "summary": too_long},
    )
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"][-1] == "summary" and "4000" in error["msg"]
    assert not GrowthPlan.objects.exists()
    plan = GrowthPlanFactory(person=org.pia)
    goal = client.post(
        f"/growth-plans/{plan.pk}/goals",
        {"version": plan.version, "title": "Coach", "description": too_long},
    )
    assert goal.status_code == 422
    assert goal.json()["detail"][0]["loc"][-1] == "description"


def test_a_manager_above_reads_but_cannot_change_a_growth_plan(org, api):
    plan = GrowthPlanFactory(person=org.pia)
    response = api(org.dana).patch(f"/growth-plans/{plan.pk}", {"version": 1, "summary": "Mine"})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.summary == "Grow into the next level."


def test_an_unknown_level_is_a_400(org, api):
    response = api(org.gabe).post(
        "/growth-plans", {"person_id": org.pia.pk, "target_level": "wizard"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "target_level"
    assert not GrowthPlan.objects.exists()
