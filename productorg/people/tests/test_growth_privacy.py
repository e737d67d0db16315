"""The privacy matrix of growth data: assessments (draft and submitted), growth plans, feedback.

Every object is Pia's (a PM under Gabe, under Dana, under Cora). Relations: Pia herself, her
manager Gabe, the manager's manager Dana (and Cora above), a peer PM Paul, another manager
Greta, Olive (a PM of Greta's group), Sam the stakeholder and Ada the admin. For every page
and htmx endpoint, GET and POST: who may read, who may write, and that everyone else gets 404.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import timezone

from productorg.accounts.permissions import can_read_feedback
from productorg.factories import (
    AssessmentFactory,
    FeedbackFactory,
    GrowthActionFactory,
    GrowthGoalFactory,
    GrowthPlanFactory,
    OneOnOneFactory,
    RatingFactory,
    level,
)
from productorg.people.models import Assessment, Feedback, GrowthPlan, Rating
from productorg.people.selectors.growth import feedback_readable

EVERYONE = ["pia", "gabe", "dana", "cora", "paul", "greta", "olive", "sam", "ada"]
# Who reads Pia's growth (assessments, plan): herself and the managers above her.
GROWTH_READERS = {"pia", "gabe", "dana", "cora"}
# Who writes it: Pia and her direct manager. Dana and Cora only read.
GROWTH_WRITERS = {"pia", "gabe"}


@dataclass
class Growth:
    self_submitted: Assessment
    self_draft: Assessment
    manager_submitted: Assessment
    manager_draft: Assessment
    peer_submitted: Assessment
    plan: GrowthPlan
    open_feedback: Feedback
    manager_only_feedback: Feedback


def assessment(person, author, kind, framework, *, submitted: bool) -> Assessment:
    made = AssessmentFactory(
        person=person,
        author=author,
        kind=kind,
        status="submitted" if submitted else "draft",
        submitted_at=timezone.now() if submitted else None,
    )
    for competency in framework.competencies:
        RatingFactory(assessment=made, competency=competency, score=2, evidence="Evidence.")
    return made


@pytest.fixture
def growth(org, framework) -> Growth:
    plan = GrowthPlanFactory(person=org.pia, summary="Pia's plan toward Senior PM.")
    goal = GrowthGoalFactory(plan=plan, title="Run discovery weekly")
    GrowthActionFactory(goal=goal, title="Interview two customers")
    OneOnOneFactory(manager=org.gabe, report=org.pia)
    return Growth(
        self_submitted=assessment(org.pia, org.pia, "self", framework, submitted=True),
        self_draft=assessment(org.pia, org.pia, "self", framework, submitted=False),
        manager_submitted=assessment(org.pia, org.gabe, "manager", framework, submitted=True),
        manager_draft=assessment(org.pia, org.gabe, "manager", framework, submitted=False),
        peer_submitted=assessment(org.pia, org.olive, "peer", framework, submitted=True),
        plan=plan,
        open_feedback=FeedbackFactory(
            giver=org.olive,
            recipient=org.pia,
            text="Open praise from Olive",
            visibility="recipient",
        ),
        manager_only_feedback=FeedbackFactory(
            giver=org.paul,
            recipient=org.pia,
            kind="constructive",
            text="Quiet word from Paul for Gabe",
            visibility="managers",
        ),
    )


# Reading.


@pytest.mark.parametrize("viewer", EVERYONE)
def test_the_growth_page_is_open_to_the_person_and_their_managers_only(
    client_for, org, growth, viewer
):
    response = client_for(getattr(org, viewer)).get(f"/people/{org.pia.pk}/growth/")
    assert response.status_code == (200 if viewer in GROWTH_READERS else 404)


@pytest.mark.parametrize("viewer", EVERYONE)
def test_the_growth_page_as_an_htmx_request_follows_the_same_rules(client_for, org, growth, viewer):
    response = client_for(getattr(org, viewer)).get(
        f"/people/{org.pia.pk}/growth/", headers={"HX-Request": "true"}
    )
    assert response.status_code == (200 if viewer in GROWTH_READERS else 404)


@pytest.mark.parametrize(
    ("kind", "readers"),
    [
        ("self_submitted", GROWTH_READERS),
        ("manager_submitted", GROWTH_READERS),
        ("peer_submitted", GROWTH_READERS | {"olive"}),
        ("self_draft", {"pia"}),
        ("manager_draft", {"gabe"}),
    ],
)
@pytest.mark.parametrize("viewer", EVERYONE)
def test_an_assessment_is_read_by_the_person_their_managers_and_its_author_a_draft_by_its_author(
    client_for, org, growth, kind, readers, viewer
):
    url = f"/assessments/{getattr(growth, kind).pk}/"
    response = client_for(getattr(org, viewer)).get(url)
    assert response.status_code == (200 if viewer in readers else 404)


@pytest.mark.parametrize("viewer", EVERYONE)
def test_a_growth_plan_is_read_by_the_person_and_their_managers_only(
    client_for, org, growth, viewer
):
    response = client_for(getattr(org, viewer)).get(f"/growth-plans/{growth.plan.pk}/")
    assert response.status_code == (200 if viewer in GROWTH_READERS else 404)
    if viewer in GROWTH_READERS:
        assert "Run discovery weekly" in response.content.decode()


@pytest.mark.parametrize("viewer", ["sam", "ada"])
def test_stakeholders_and_admins_have_no_growth_or_feedback_pages(client_for, org, viewer):
    client = client_for(getattr(org, viewer))
    assert client.get("/my-growth/").status_code == 404
    assert client.get("/feedback/").status_code == 404
    assert client.post("/feedback/", {"recipient": org.pia.pk}).status_code == 404


def test_a_pm_sees_neither_a_peers_growth_nor_its_content_anywhere(client_for, org, growth):
    client = client_for(org.paul)
    assert client.get(f"/people/{org.pia.pk}/growth/").status_code == 404
    for page in ["/my-growth/", "/feedback/"]:
        html = client.get(page).content.decode()
        assert "Pia&#x27;s plan" not in html and "Open praise from Olive" not in html


# Writing assessments.


@pytest.mark.parametrize("viewer", EVERYONE)
def test_only_the_author_edits_a_draft_and_everyone_else_gets_404(
    client_for, org, framework, growth, viewer
):
    draft = growth.self_draft
    data = {f"score_{c.pk}": "3" for c in framework.competencies}
    response = client_for(getattr(org, viewer)).post(f"/assessments/{draft.pk}/", data)
    assert response.status_code == (302 if viewer == "pia" else 404)
    scores = set(Rating.objects.filter(assessment=draft).values_list("score", flat=True))
    assert scores == ({3} if viewer == "pia" else {2})


@pytest.mark.parametrize("viewer", EVERYONE)
def test_nobody_edits_a_submitted_assessment(client_for, org, framework, growth, viewer):
    submitted = growth.self_submitted
    data = {f"score_{c.pk}": "4" for c in framework.competencies}
    response = client_for(getattr(org, viewer)).post(f"/assessments/{submitted.pk}/", data)
    # The author learns it is read-only; managers above learn they may only read; others 404.
    expected_status = {"pia": 409, "gabe": 403, "dana": 403, "cora": 403}.get(viewer, 404)
    assert response.status_code == expected_status
    assert set(submitted.ratings.values_list("score", flat=True)) == {2}


@pytest.mark.parametrize(
    ("kind", "writers"),
    [("self", {"pia": 302}), ("manager", {"gabe": 302})],
)
@pytest.mark.parametrize("viewer", EVERYONE)
def test_a_self_assessment_is_started_by_the_person_a_manager_one_by_the_direct_manager(
    client_for, org, framework, kind, writers, viewer
):
    response = client_for(getattr(org, viewer)).post(
        f"/people/{org.pia.pk}/assessments/new/", {"kind": kind}
    )
    refused = 403 if viewer in GROWTH_READERS else 404
    assert response.status_code == writers.get(viewer, refused)
    assert Assessment.objects.filter(person=org.pia).exists() == (viewer in writers)


# Writing growth plans: every endpoint, plain and htmx.


def plan_posts(growth: Growth, org) -> dict[str, tuple[str, dict]]:
    plan = GrowthPlan.objects.get(pk=growth.plan.pk)
    goal = plan.goals.get()
    action = goal.actions.get()
    version = plan.version
    return {
        "edit the plan": (
            f"/growth-plans/{plan.pk}/",
            {
                "version": version,
                "target_level": level("senior-pm").pk,
                "status": "active",
                "summary": "Changed",
            },
        ),
        "add a goal": (f"/growth-plans/{plan.pk}/goals/", {"version": version, "title": "New"}),
        "set a goal's status": (
            f"/growth-goals/{goal.pk}/status/",
            {"version": version, "status": "done"},
        ),
        "add an action": (
            f"/growth-goals/{goal.pk}/actions/",
            {"version": version, "title": "Next step"},
        ),
        "tick an action off": (
            f"/growth-actions/{action.pk}/done/",
            {"version": version, "done": "on"},
        ),
        "put a goal on the 1:1 agenda": (f"/growth-goals/{goal.pk}/agenda/", {}),
        "remove a goal": (f"/growth-goals/{goal.pk}/delete/", {"version": version}),
    }


PLAN_ENDPOINTS = [
    "edit the plan",
    "add a goal",
    "set a goal's status",
    "add an action",
    "tick an action off",
    "put a goal on the 1:1 agenda",
    "remove a goal",
]


@pytest.mark.parametrize("endpoint", PLAN_ENDPOINTS)
@pytest.mark.parametrize("viewer", EVERYONE)
def test_the_person_and_their_manager_write_a_growth_plan_managers_above_only_read(
    client_for, org, growth, endpoint, viewer
):
    url, data = plan_posts(growth, org)[endpoint]
    before = GrowthPlan.objects.get(pk=growth.plan.pk).version
    response = client_for(getattr(org, viewer)).post(url, data)
    if viewer in GROWTH_WRITERS:
        assert response.status_code == 302
    else:
        assert response.status_code == (403 if viewer in GROWTH_READERS else 404)
        assert GrowthPlan.objects.get(pk=growth.plan.pk).version == before
        assert growth.plan.goals.get().actions.get().done is False


@pytest.mark.parametrize("endpoint", PLAN_ENDPOINTS)
@pytest.mark.parametrize("viewer", EVERYONE)
def test_htmx_growth_plan_endpoints_answer_the_fragment_to_writers_and_404_to_outsiders(
    client_for, org, growth, endpoint, viewer
):
    url, data = plan_posts(growth, org)[endpoint]
    response = client_for(getattr(org, viewer)).post(url, data, headers={"HX-Request": "true"})
    if viewer in GROWTH_READERS:
        # htmx swaps only 2xx answers: a refusal comes back as the fragment with its reason.
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="growth-plan"' in html and "<html" not in html
        if viewer not in GROWTH_WRITERS:
            assert "you may read it" in html
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("viewer", EVERYONE)
def test_a_growth_plan_is_started_by_the_person_or_their_manager_only(client_for, org, viewer):
    response = client_for(getattr(org, viewer)).post(
        f"/people/{org.pia.pk}/growth-plans/new/",
        {"target_level": level("senior-pm").pk, "summary": "Toward Senior PM"},
    )
    if viewer in GROWTH_WRITERS:
        assert response.status_code == 302
    else:
        assert response.status_code == (403 if viewer in GROWTH_READERS else 404)
    assert GrowthPlan.objects.filter(person=org.pia).exists() == (viewer in GROWTH_WRITERS)


# Feedback.


@pytest.mark.parametrize("viewer", EVERYONE)
def test_open_feedback_is_read_by_the_giver_the_person_and_their_managers(
    client_for, org, growth, viewer
):
    readers = {"olive", "pia", "gabe", "dana", "cora"}
    client = client_for(getattr(org, viewer))
    pages = [client.get("/feedback/"), client.get(f"/people/{org.pia.pk}/growth/")]
    shown = any(
        "Open praise from Olive" in page.content.decode()
        for page in pages
        if page.status_code == 200
    )
    assert shown == (viewer in readers)


@pytest.mark.parametrize("viewer", EVERYONE)
def test_manager_only_feedback_is_read_by_the_giver_and_the_direct_manager_alone(
    client_for, org, growth, viewer
):
    readers = {"paul", "gabe"}
    client = client_for(getattr(org, viewer))
    pages = [
        client.get("/feedback/"),
        client.get(f"/people/{org.pia.pk}/growth/"),
        client.get("/my-growth/"),
    ]
    shown = any(
        "Quiet word from Paul" in page.content.decode() for page in pages if page.status_code == 200
    )
    assert shown == (viewer in readers)


def test_the_feedback_query_agrees_with_the_permission_rule_for_everyone(org, growth):
    FeedbackFactory(giver=org.greta, recipient=org.olive, visibility="managers")
    FeedbackFactory(giver=org.pia, recipient=org.gabe)
    FeedbackFactory(giver=org.cora, recipient=org.paul, kind="constructive")
    everything = list(Feedback.objects.select_related("recipient"))
    for name in EVERYONE:
        who = getattr(org, name)
        user = who.user if hasattr(who, "user") else who
        readable = set(feedback_readable(user=user).values_list("pk", flat=True))
        allowed = {item.pk for item in everything if can_read_feedback(user, item)}
        assert readable == allowed, name


@pytest.mark.parametrize("viewer", ["pia", "paul", "greta", "cora"])
def test_any_member_may_give_feedback_to_someone_else_in_the_org(client_for, org, viewer):
    response = client_for(getattr(org, viewer)).post(
        "/feedback/",
        {"recipient": org.olive.pk, "kind": "praise", "visibility": "recipient", "text": "Thanks!"},
    )
    assert response.status_code == 302
    assert Feedback.objects.filter(recipient=org.olive, text="Thanks!").count() == 1
