"""A double-clicked submit makes one object, on every create form of the app.

Each case opens the page the way a user does, takes the one-time token the page drew into the
form, and posts the same form twice: the second answer is the first one's, and one object
exists. The API's creates take an Idempotency-Key to the same effect.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from productorg import once
from productorg.accounts.models import ApiToken
from productorg.factories import (
    GrowthGoalFactory,
    GrowthPlanFactory,
    InitiativeFactory,
    MeetingFactory,
    ObjectiveFactory,
    OneOnOneFactory,
    ScenarioFactory,
    level,
)
from productorg.function.models import FunctionDocumentVersion, Improvement, Process
from productorg.function.surveys.models import Question, Survey
from productorg.people.models import (
    ActionItem,
    AgendaItem,
    Feedback,
    GrowthAction,
    GrowthGoal,
    GrowthPlan,
    OneOnOne,
    SharedNote,
)
from productorg.planning.models import PlanRun, Scenario
from productorg.reports.models import LeadershipReport
from productorg.strategy.models import (
    BalanceDimension,
    Dependency,
    Milestone,
    Risk,
    ScoringModel,
    StatusUpdate,
    Vision,
)

TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@dataclass
class Create:
    """Who posts which form of which page, and the objects it makes."""

    who: Any
    page: str
    action: str
    data: dict[str, Any]
    made: QuerySet


def _meeting(org):
    return MeetingFactory(one_on_one=OneOnOneFactory(manager=org.gabe, report=org.pia))


def _feedback(org) -> Create:
    url = reverse("people:feedback")
    data = {"recipient": org.paul.pk, "kind": "praise", "visibility": "recipient", "text": "Kudos"}
    return Create(org.pia, url, url, data, Feedback.objects.all())


def _agenda_item(org) -> Create:
    meeting = _meeting(org)
    page = reverse("people:meeting-detail", args=[meeting.pk])
    action = reverse("people:agenda-item-add", args=[meeting.pk])
    return Create(org.pia, page, action, {"text": "Roadmap"}, AgendaItem.objects.all())


def _shared_note(org) -> Create:
    meeting = _meeting(org)
    page = reverse("people:meeting-detail", args=[meeting.pk])
    action = reverse("people:shared-note-add", args=[meeting.pk])
    return Create(org.pia, page, action, {"text": "We agreed."}, SharedNote.objects.all())


def _action_item(org) -> Create:
    meeting = _meeting(org)
    page = reverse("people:meeting-detail", args=[meeting.pk])
    action = reverse("people:action-item-add", args=[meeting.pk])
    data = {"text": "Write the brief", "owner": org.pia.pk}
    return Create(org.pia, page, action, data, ActionItem.objects.all())


def _one_on_one(org) -> Create:
    page = reverse("people:one-on-ones")
    action = reverse("people:one-on-one-start")
    data = {"report": org.paul.pk, "cadence": "weekly"}
    return Create(org.gabe, page, action, data, OneOnOne.objects.filter(report=org.paul))


def _growth_plan(org) -> Create:
    page = reverse("people:growth", args=[org.pia.pk])
    action = reverse("people:growth-plan-create", args=[org.pia.pk])
    data = {"target_level": level("senior-pm").pk, "summary": "Lead discovery."}
    return Create(org.gabe, page, action, data, GrowthPlan.objects.filter(person=org.pia))


def _growth_goal(org) -> Create:
    plan = GrowthPlanFactory(person=org.pia)
    page = reverse("people:growth-plan", args=[plan.pk])
    action = reverse("people:growth-goal-add", args=[plan.pk])
    data = {"version": plan.version, "title": "Run discovery"}
    return Create(org.gabe, page, action, data, GrowthGoal.objects.all())


def _growth_action(org) -> Create:
    goal = GrowthGoalFactory(plan=GrowthPlanFactory(person=org.pia))
    page = reverse("people:growth-plan", args=[goal.plan.pk])
    action = reverse("people:growth-action-add", args=[goal.pk])
    data = {"version": goal.plan.version, "title": "Shadow a review"}
    return Create(org.gabe, page, action, data, GrowthAction.objects.all())


def _initiative(org):
    return InitiativeFactory(title="Saved baskets", team=org.checkout, owner=org.pia)


def _milestone(org) -> Create:
    initiative = _initiative(org)
    page = reverse("strategy:initiative-detail", args=[initiative.pk])
    action = reverse("strategy:initiative-milestone-add", args=[initiative.pk])
    data = {"title": "Beta", "due": TOMORROW}
    return Create(org.gabe, page, action, data, Milestone.objects.all())


def _risk(org) -> Create:
    initiative = _initiative(org)
    page = reverse("strategy:initiative-detail", args=[initiative.pk])
    action = reverse("strategy:initiative-risk-add", args=[initiative.pk])
    data = {"description": "Payments late", "severity": "high"}
    return Create(org.gabe, page, action, data, Risk.objects.all())


def _status_update(org) -> Create:
    initiative = _initiative(org)
    url = reverse("strategy:initiative-detail", args=[initiative.pk])
    data = {
        "date": timezone.localdate().isoformat(),
        "health": "amber",
        "progress": 40,
        "summary": "Slipping a week.",
    }
    return Create(org.gabe, url, url, data, StatusUpdate.objects.filter(initiative=initiative))


def _vision(org) -> Create:
    url = reverse("strategy:vision-edit")
    data = {"text": "Every team ships weekly."}
    return Create(org.gabe, url, url, data, Vision.objects.all())


def _dependency(org) -> Create:
    initiative = _initiative(org)
    other = InitiativeFactory(title="Basket API", team=org.search)
    page = reverse("strategy:initiative-edit", args=[initiative.pk])
    action = reverse("strategy:initiative-dependency-add", args=[initiative.pk])
    return Create(org.gabe, page, action, {"depends_on": other.pk}, Dependency.objects.all())


def _scoring_model(org) -> Create:
    url = reverse("strategy:scoring-model-new")
    data = {"name": "Value per week", "formula": "value / effort", "description": ""}
    return Create(org.gabe, url, url, data, ScoringModel.objects.all())


def _dimension(org) -> Create:
    url = reverse("strategy:dimension-new")
    data = {"name": "Demand", "description": "", "new_values": "Customer\nBusiness"}
    return Create(org.gabe, url, url, data, BalanceDimension.objects.filter(name="Demand"))


def _api_token(org) -> Create:
    page = reverse("accounts:profile")
    action = reverse("accounts:api-token-create")
    data = {"name": "sync script", "scope": "read", "expires_in_days": "90"}
    return Create(org.pia, page, action, data, ApiToken.objects.all())


def _report(org) -> Create:
    initiative = _initiative(org)
    url = reverse("reports:report-list")
    data = {"period": "2027", "scope": "selected", "initiatives": [initiative.pk]}
    return Create(org.gabe, url, url, data, LeadershipReport.objects.all())


def _process(org) -> Create:
    url = reverse("function:process-new")
    data = {"name": "Roadmap review", "health": "healthy"}
    return Create(org.gabe, url, url, data, Process.objects.all())


def _improvement(org) -> Create:
    url = reverse("function:improvement-new")
    data = {"title": "PM onboarding kit", "kind": "training", "status": "idea"}
    return Create(org.gabe, url, url, data, Improvement.objects.all())


def _charter(org) -> Create:
    url = reverse("function:document-edit", args=["charter"])
    data = {"body": "We serve the teams.", "based_on": 0}
    return Create(org.gabe, url, url, data, FunctionDocumentVersion.objects.all())


def _survey(org) -> Create:
    url = reverse("surveys:survey-list")
    data = {"title": "Q1 pulse", "closes_on": TOMORROW}
    return Create(org.gabe, url, url, data, Survey.objects.all())


def _question(org) -> Create:
    survey = Survey.objects.create(title="Q1 pulse", closes_on=timezone.localdate())
    page = reverse("surveys:survey", args=[survey.pk])
    action = reverse("surveys:question-add", args=[survey.pk])
    data = {"text": "What should we stop?", "kind": "comment"}
    return Create(org.gabe, page, action, data, Question.objects.filter(text__startswith="What"))


def _scenario(org) -> Create:
    url = reverse("planning:scenario-list")
    data = {
        "name": "Lean year",
        "first_quarter": "2027-Q1",
        "quarters": 4,
        "discount_percent": 5,
        "time_limit_s": 10,
    }
    return Create(org.gabe, url, url, data, Scenario.objects.all())


def _scenario_copy(org) -> Create:
    base = ScenarioFactory(name="Base")
    page = reverse("planning:scenario", args=[base.pk])
    action = reverse("planning:scenario-copy", args=[base.pk])
    return Create(
        org.gabe, page, action, {"name": "Base again"}, Scenario.objects.exclude(pk=base.pk)
    )


def _plan_run(org) -> Create:
    base = ScenarioFactory(name="Base")
    page = reverse("planning:scenario", args=[base.pk])
    action = reverse("planning:plan-start", args=[base.pk])
    return Create(org.gabe, page, action, {}, PlanRun.objects.all())


CREATES: dict[str, Callable[[Any], Create]] = {
    "feedback": _feedback,
    "agenda item": _agenda_item,
    "shared note": _shared_note,
    "action item": _action_item,
    "1:1 series": _one_on_one,
    "growth plan": _growth_plan,
    "growth goal": _growth_goal,
    "growth action": _growth_action,
    "milestone": _milestone,
    "risk": _risk,
    "status update": _status_update,
    "dependency": _dependency,
    "vision version": _vision,
    "scoring model": _scoring_model,
    "balance dimension": _dimension,
    "API token": _api_token,
    "leadership report": _report,
    "process": _process,
    "improvement": _improvement,
    "charter version": _charter,
    "survey round": _survey,
    "survey question": _question,
    "scenario": _scenario,
    "scenario copy": _scenario_copy,
    "plan run": _plan_run,
}


def _drawn_token(html: str, action: str) -> str:
    """The one-time token of the page's form that posts to `action` (a form without an action
    posts to its page)."""
    for form in re.findall(r"<form\b.*?</form>", html, re.S):
        opening = form[: form.index(">")]
        if f'action="{action}"' in opening or ("action=" not in opening and "post" in opening):
            match = re.search(r'name="form_token" value="([0-9a-f-]{36})"', form)
            assert match, f"the form posting to {action} carries no one-time token"
            return match.group(1)
    raise AssertionError(f"no form posts to {action}")


def _answer(response) -> tuple[int, str]:
    return response.status_code, response.get("Location", "")


@pytest.mark.parametrize("case", CREATES.values(), ids=CREATES.keys())
def test_the_same_submit_twice_creates_one(client_for, org, framework, case):
    create = case(org)
    client = client_for(create.who)
    before = create.made.count()
    page = client.get(create.page)
    assert page.status_code == 200
    data = {**create.data, "form_token": _drawn_token(page.content.decode(), create.action)}

    first = client.post(create.action, data)
    second = client.post(create.action, data)

    assert first.status_code in (200, 302), first.content.decode()[:2000]
    assert create.made.count() == before + 1
    assert _answer(second) == _answer(first)


@pytest.mark.parametrize(
    "case", [_feedback, _agenda_item, _milestone], ids=lambda case: case.__name__.strip("_")
)
def test_a_form_drawn_again_makes_a_second_object(client_for, org, case):
    """Two separate submits (the form loaded twice) are two objects: only repeats are merged."""
    create = case(org)
    client = client_for(create.who)
    for _ in range(2):
        html = client.get(create.page).content.decode()
        token = _drawn_token(html, create.action)
        client.post(create.action, {**create.data, "form_token": token})
    assert create.made.count() == 2


def test_one_users_token_never_finds_another_users_object(org):
    token = uuid.uuid4()
    assert once.scoped_token(user_id=org.pia.user.pk, token=token) != once.scoped_token(
        user_id=org.paul.user.pk, token=token
    )


def _api(client, method: str, path: str, body: dict, key: str | None = None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return getattr(client, method)(
        f"/api/v1{path}", json.dumps(body), content_type="application/json", **headers
    )


def test_an_api_create_repeated_with_its_key_answers_the_first_answer(client_for, org):
    client = client_for(org.gabe)
    body = {"title": "Saved baskets", "team_id": org.checkout.pk}
    first = _api(client, "post", "/initiatives", body, key="retry-1")
    second = _api(client, "post", "/initiatives", body, key="retry-1")
    third = _api(client, "post", "/initiatives", body, key="retry-2")
    assert first.status_code == second.status_code == third.status_code == 201
    assert second.json() == first.json()
    assert third.json()["id"] != first.json()["id"]


def test_an_api_key_of_another_user_makes_their_own_object(client_for, org):
    body = {"text": "Agenda"}
    meeting = _meeting(org)
    mine = _api(client_for(org.gabe), "post", f"/meetings/{meeting.pk}/agenda-items", body, "k")
    theirs = _api(client_for(org.pia), "post", f"/meetings/{meeting.pk}/agenda-items", body, "k")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert AgendaItem.objects.count() == 2


def test_an_api_key_longer_than_255_characters_is_refused(client_for, org):
    response = _api(client_for(org.gabe), "post", "/initiatives", {"title": "X"}, key="k" * 256)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.content.decode()


def test_every_api_create_documents_the_idempotency_key(client):
    schema = client.get("/api/v1/openapi.json").json()
    creates = [
        (path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method == "post" and {"201", "202"} & set(operation["responses"])
    ]
    assert len(creates) >= 15
    for path, operation in creates:
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert "Idempotency-Key" in headers, path


def test_an_api_key_result_repeated_with_its_key_is_added_once(client_for, org):
    objective = ObjectiveFactory(title="Win mid-market", period="2027", owner=org.cora)
    body = {"metric": "Mid-market logos", "baseline": 3, "target": 10}
    path = f"/objectives/{objective.pk}/key-results"
    first = _api(client_for(org.gabe), "post", path, body, key="kr-1")
    second = _api(client_for(org.gabe), "post", path, body, key="kr-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert objective.key_results.count() == 1
