"""The API's writes beyond the first ones: teams and people (admins), key results (leaders),
1:1 content (the pair), assessments and growth plans (as on the growth pages), and scenario
inputs and plan runs (leaders). Each has its happy path, an outsider's 404 and the refusals
that matter."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from productorg.factories import (
    AssessmentFactory,
    GrowthActionFactory,
    GrowthGoalFactory,
    GrowthPlanFactory,
    MeetingFactory,
    ObjectiveFactory,
    ScenarioFactory,
)
from productorg.people.models import (
    ActionItem,
    Assessment,
    GrowthAction,
    GrowthGoal,
    Person,
    PrivateNote,
    SharedNote,
    Team,
)
from productorg.people.tests.test_one_on_ones import (
    GABE_PRIVATE_TEXT,
    PIA_PRIVATE_TEXT,
    Pair,
    pair_fixture,  # noqa: F401 - the `pair` fixture
)
from productorg.planning.models import PlanRun, ScenarioCapacity, ScenarioChoice, ScenarioMixBound
from productorg.strategy.models import Initiative, KeyResult

PRIVATE_TEXTS = [GABE_PRIVATE_TEXT, PIA_PRIVATE_TEXT]


# Teams: admins keep them, as on the admin site; every role reads them.


def test_an_admin_adds_and_changes_a_team(org, api):
    client = api(org.ada)
    created = client.post(
        "/teams",
        {"name": "Payments", "product_manager_id": org.pia.pk, "capacity_per_quarter": "24.5"},
    )
    assert created.status_code == 201, created.json()
    team = created.json()
    assert (team["product_manager_id"], team["capacity_per_quarter"]) == (org.pia.pk, "24.5")
    changed = client.patch(f"/teams/{team['id']}", {"product_area": "Money", "leader_id": None})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["name"], changed.json()["product_area"]) == ("Payments", "Money")


def test_a_taken_team_name_or_unknown_person_is_a_400_naming_the_field(org, api):
    client = api(org.ada)
    taken = client.post("/teams", {"name": "Checkout"})
    assert taken.status_code == 400
    assert taken.json()["field"] == "name"
    unknown = client.patch(f"/teams/{org.search.pk}", {"leader_id": 424242})
    assert unknown.json() == {"detail": "There is no person 424242.", "field": "leader_id"}
    assert client.patch(f"/teams/{org.search.pk}", {"capacity_per_quarter": -1}).status_code == 422


@pytest.mark.parametrize("who", ["cora", "gabe", "pia", "sam"])
def test_only_admins_change_teams(org, api, who):
    client = api(getattr(org, who))
    assert client.post("/teams", {"name": "Shadow"}).status_code == 403
    response = client.patch(f"/teams/{org.checkout.pk}", {"name": "Mine"})
    assert response.status_code == 403
    assert response.json()["detail"] == "Only admins change teams; you may read them."
    assert client.patch("/teams/424242", {"name": "Ghost"}).status_code == 404
    assert list(Team.objects.values_list("name", flat=True)) == ["Billing", "Checkout", "Search"]


def test_a_read_only_token_changes_no_team(org, api):
    response = api(org.ada, scope="read").post("/teams", {"name": "Payments"})
    assert response.status_code == 403
    assert response.json() == {"detail": "This token is read-only."}
    assert not Team.objects.filter(name="Payments").exists()


# People: admins add them and change whom they report to.


def test_an_admin_adds_a_person_and_changes_their_manager(org, api):
    client = api(org.ada)
    created = client.post(
        "/people",
        {"name": "Nina", "email": "nina@example.com", "level": "pm", "manager_id": org.gabe.pk},
    )
    assert created.status_code == 201, created.json()
    nina = created.json()
    assert (nina["level"], nina["manager_id"]) == ("pm", org.gabe.pk)
    moved = client.patch(f"/people/{nina['id']}", {"manager_id": org.greta.pk})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["manager_id"] == org.greta.pk


def test_a_reporting_cycle_is_a_400_with_the_reason(org, api):
    response = api(org.ada).patch(f"/people/{org.dana.pk}", {"manager_id": org.pia.pk})
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "manager"
    assert "reporting cycle" in body["detail"]
    org.dana.refresh_from_db()
    assert org.dana.manager == org.cora


def test_a_person_needs_a_known_level_and_a_free_email(org, api):
    client = api(org.ada)
    unknown = client.post("/people", {"name": "X", "email": "x@example.com", "level": "wizard"})
    assert unknown.json()["field"] == "level"
    taken = client.post("/people", {"name": "X", "email": "pia@example.com", "level": "pm"})
    assert (taken.status_code, taken.json()["field"]) == (400, "email")
    assert not Person.objects.filter(name="X").exists()


def test_a_leader_may_not_change_people_and_an_outsider_gets_a_404(org, api):
    gabe = api(org.gabe)
    assert gabe.patch(f"/people/{org.pia.pk}", {"manager_id": None}).status_code == 403
    assert gabe.patch(f"/people/{org.olive.pk}", {"manager_id": None}).status_code == 404
    assert api(org.pia).patch(f"/people/{org.paul.pk}", {"manager_id": None}).status_code == 404
    body = {"name": "Y", "email": "y@example.com", "level": "pm"}
    assert api(org.sam).post("/people", body).status_code == 403
    org.pia.refresh_from_db()
    assert org.pia.manager == org.gabe


# Key results: through the objective's service, so leaders only and the objective's rules.


KEY_RESULT = {"metric": "NPS", "unit": "points", "baseline": 10, "target": 30}


def test_a_leader_adds_and_changes_a_key_result(org, api):
    objective = ObjectiveFactory(title="Loved checkout")
    client = api(org.gabe)
    created = client.post(f"/objectives/{objective.pk}/key-results", KEY_RESULT)
    assert created.status_code == 201, created.json()
    key_result = created.json()
    assert (key_result["metric"], key_result["objective_id"]) == ("NPS", objective.pk)
    changed = client.patch(f"/key-results/{key_result['id']}", {"target": 40, "unit": "pts"})
    assert changed.status_code == 200, changed.json()
    assert (Decimal(changed.json()["target"]), changed.json()["unit"]) == (40, "pts")
    objective.refresh_from_db()
    assert objective.version == 3
    assert KeyResult.objects.get().metric == "NPS"


def test_a_key_result_target_must_move(org, api):
    objective = ObjectiveFactory()
    key_result = KeyResult.objects.create(objective=objective, metric="M", baseline=1, target=2)
    response = api(org.gabe).patch(f"/key-results/{key_result.pk}", {"target": 1})
    assert response.status_code == 400
    assert response.json()["field"] == "key_results"
    bad = {**KEY_RESULT, "target": 10}
    assert api(org.gabe).post(f"/objectives/{objective.pk}/key-results", bad).status_code == 400
    assert KeyResult.objects.count() == 1


@pytest.mark.parametrize("who", ["pia", "sam", "ada"])
def test_only_leaders_write_key_results(org, api, who):
    objective = ObjectiveFactory()
    key_result = KeyResult.objects.create(objective=objective, metric="M", baseline=1, target=2)
    client = api(getattr(org, who))
    assert client.post(f"/objectives/{objective.pk}/key-results", KEY_RESULT).status_code == 403
    assert client.patch(f"/key-results/{key_result.pk}", {"target": 5}).status_code == 403
    assert KeyResult.objects.get().target == 2


def test_an_unknown_key_result_or_objective_is_a_404(org, api):
    client = api(org.gabe)
    assert client.patch("/key-results/424242", {"target": 5}).status_code == 404
    assert client.post("/objectives/424242/key-results", KEY_RESULT).status_code == 404


def test_status_updates_are_append_only(org, api):
    initiative = Initiative.objects.get(title="One-click reorder")
    client = api(org.pia)
    path = f"/initiatives/{initiative.pk}/status-updates"
    response = client.patch(path, {"summary": "Rewritten"})
    assert response.status_code == 405
    assert response.json()["detail"].startswith("PATCH is not allowed")


# 1:1s: the two participants write their shared content; anyone else gets a 404.


def test_the_pair_changes_cadence_holds_the_meeting_and_writes_shared_content(org, api, pair: Pair):
    pia, gabe = api(org.pia), api(org.gabe)
    cadence = pia.patch(f"/one-on-ones/{pair.one_on_one.pk}", {"cadence": "monthly"})
    assert cadence.status_code == 200, cadence.json()
    assert cadence.json()["cadence"] == "monthly"
    held = gabe.patch(f"/meetings/{pair.meeting.pk}", {"held": True})
    assert held.status_code == 200, held.json()
    assert held.json()["held"] is True
    note = pia.post(f"/meetings/{pair.meeting.pk}/shared-notes", {"text": "We agreed on X."})
    assert note.status_code == 201, note.json()
    assert note.json()["author_id"] == org.pia.pk
    item = gabe.post(
        f"/meetings/{pair.meeting.pk}/action-items",
        {"text": "Draft the brief", "owner_id": org.pia.pk, "due_date": "2027-02-01"},
    )
    assert item.status_code == 201, item.json()
    done = pia.patch(f"/action-items/{item.json()['id']}", {"done": True})
    assert done.status_code == 200, done.json()
    assert done.json()["done"] is True
    for response in [cadence, held, note, item, done]:
        for private in PRIVATE_TEXTS:
            assert private not in response.content.decode()


@pytest.mark.parametrize("who", ["dana", "cora", "paul", "greta", "sam", "ada"])
def test_nobody_but_the_pair_writes_a_1_1(org, api, pair: Pair, who):
    client = api(getattr(org, who))
    meeting = pair.meeting.pk
    responses = [
        client.patch(f"/one-on-ones/{pair.one_on_one.pk}", {"cadence": "monthly"}),
        client.patch(f"/meetings/{meeting}", {"held": True}),
        client.post(f"/meetings/{meeting}/shared-notes", {"text": "Sneak"}),
        client.post(f"/meetings/{meeting}/action-items", {"text": "Sneak", "owner_id": 1}),
        client.patch(f"/action-items/{pair.action_item.pk}", {"done": True}),
    ]
    assert [response.status_code for response in responses] == [404] * 5
    pair.one_on_one.refresh_from_db()
    assert pair.one_on_one.cadence == "weekly"
    assert SharedNote.objects.count() == 1
    assert not ActionItem.objects.filter(done=True).exists()


def test_a_future_meeting_cannot_be_held_and_an_action_item_owner_is_one_of_the_pair(
    org, api, pair: Pair
):
    client = api(org.gabe)
    future = MeetingFactory(
        one_on_one=pair.one_on_one, date=timezone.localdate() + datetime.timedelta(days=7)
    )
    response = client.patch(f"/meetings/{future.pk}", {"held": True})
    assert response.status_code == 400
    assert response.json()["field"] == "held"
    outsider = client.post(
        f"/meetings/{pair.meeting.pk}/action-items", {"text": "Hm", "owner_id": org.paul.pk}
    )
    assert outsider.status_code == 400
    assert outsider.json()["field"] == "owner_id"


def test_the_api_neither_shows_nor_takes_a_private_note(org, api, pair: Pair):
    schema = api(org.pia).get("/openapi.json").json()
    properties = {
        name
        for component in schema["components"]["schemas"].values()
        for name in component.get("properties", {})
    }
    assert not [name for name in properties if "private" in name]
    note = api(org.pia).post(
        f"/meetings/{pair.meeting.pk}/shared-notes", {"text": "Shared", "private_note": "Secret"}
    )
    assert note.status_code == 201
    assert set(PrivateNote.objects.values_list("text", flat=True)) == set(PRIVATE_TEXTS)


# Assessments: the author rates and submits their draft; a submitted one is read-only.


def _all_rated(framework, score: int = 3) -> dict:
    return {
        "ratings": [
            {"competency_id": competency.pk, "score": score, "evidence": f"On {competency.code}"}
            for competency in framework.competencies
        ],
        "summary": "A good half.",
    }


def test_the_author_rates_and_submits_their_draft(org, api, framework):
    draft = AssessmentFactory(person=org.pia, author=org.pia, kind="self")
    client = api(org.pia)
    rated = client.patch(f"/assessments/{draft.pk}", _all_rated(framework))
    assert rated.status_code == 200, rated.json()
    assert {row["score"] for row in rated.json()["ratings"]} == {3}
    assert rated.json()["summary"] == "A good half."
    # A competency not named keeps its rating; the summary left out is kept.
    one = {"ratings": [{"competency_id": framework.discovery.pk, "score": 4}]}
    assert client.patch(f"/assessments/{draft.pk}", one).json()["summary"] == "A good half."
    submitted = client.post(f"/assessments/{draft.pk}/submit")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["average"] == 3.2


def test_a_submitted_assessment_is_a_409_and_an_incomplete_one_a_400(org, api, framework):
    draft = AssessmentFactory(person=org.pia, author=org.pia, kind="self")
    client = api(org.pia)
    one = {"ratings": [{"competency_id": framework.discovery.pk, "score": 2}]}
    client.patch(f"/assessments/{draft.pk}", one)
    incomplete = client.post(f"/assessments/{draft.pk}/submit")
    assert incomplete.status_code == 400
    assert "still unrated" in incomplete.json()["detail"]
    client.patch(f"/assessments/{draft.pk}", _all_rated(framework))
    client.post(f"/assessments/{draft.pk}/submit")
    locked = client.patch(f"/assessments/{draft.pk}", _all_rated(framework, score=1))
    assert locked.status_code == 409
    assert "read-only" in locked.json()["detail"]
    assert client.post(f"/assessments/{draft.pk}/submit").status_code == 409
    assert Assessment.objects.get().ratings.filter(score=1).count() == 0


def test_a_bad_rating_is_refused(org, api, framework):
    draft = AssessmentFactory(person=org.pia, author=org.pia, kind="self")
    client = api(org.pia)
    too_high = {"ratings": [{"competency_id": framework.discovery.pk, "score": 5}]}
    assert client.patch(f"/assessments/{draft.pk}", too_high).status_code == 422
    unknown = {"ratings": [{"competency_id": 424242, "score": 2}]}
    assert client.patch(f"/assessments/{draft.pk}", unknown).status_code == 400


def test_a_reader_who_is_not_the_author_gets_a_403(org, api, framework):
    assessment = AssessmentFactory(
        person=org.pia, author=org.pia, status="submitted", submitted_at=timezone.now()
    )
    response = api(org.gabe).patch(f"/assessments/{assessment.pk}", _all_rated(framework))
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["gabe", "dana", "paul", "olive", "sam", "ada"])
def test_nobody_else_touches_a_draft(org, api, framework, who):
    draft = AssessmentFactory(person=org.pia, author=org.pia, kind="self")
    client = api(getattr(org, who))
    assert client.patch(f"/assessments/{draft.pk}", _all_rated(framework)).status_code == 404
    assert client.post(f"/assessments/{draft.pk}/submit").status_code == 404
    assert not draft.ratings.exists()


# Growth plans: goals and actions, each change based on the plan's version.


def test_the_direct_manager_adds_and_moves_goals_and_actions(org, api, framework):
    plan = GrowthPlanFactory(person=org.pia)
    client = api(org.gabe)
    added = client.post(
        f"/growth-plans/{plan.pk}/goals",
        {"version": 1, "title": "Lead discovery", "competency_id": framework.discovery.pk},
    )
    assert added.status_code == 201, added.json()
    body = added.json()
    assert body["version"] == 2
    goal_id = body["goals"][0]["id"]
    moved = client.patch(f"/growth-goals/{goal_id}", {"version": 2, "status": "in_progress"})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["goals"][0]["status"] == "in_progress"
    action = client.post(
        f"/growth-goals/{goal_id}/actions",
        {"version": 3, "title": "Run two interviews", "due_date": "2027-03-01"},
    )
    assert action.status_code == 201, action.json()
    action_id = action.json()["goals"][0]["actions"][0]["id"]
    done = api(org.pia).patch(f"/growth-actions/{action_id}", {"version": 4, "done": True})
    assert done.status_code == 200, done.json()
    assert done.json()["goals"][0]["actions"][0]["done"] is True
    assert done.json()["version"] == 5


def test_a_goal_change_on_an_old_version_is_a_409(org, api):
    goal = GrowthGoalFactory(plan=GrowthPlanFactory(person=org.pia))
    client = api(org.pia)
    response = client.patch(f"/growth-goals/{goal.pk}", {"version": 7, "status": "done"})
    assert response.status_code == 409
    assert response.json()["current_version"] == 1
    bad = client.post(f"/growth-plans/{goal.plan_id}/goals", {"version": 1, "title": "  "})
    assert bad.status_code == 400
    assert bad.json()["field"] == "title"
    goal.refresh_from_db()
    assert goal.status == "not_started"


def test_a_manager_above_reads_but_may_not_change_goals(org, api):
    action = GrowthActionFactory(goal=GrowthGoalFactory(plan=GrowthPlanFactory(person=org.pia)))
    client = api(org.dana)
    goal, plan = action.goal, action.goal.plan
    responses = [
        client.post(f"/growth-plans/{plan.pk}/goals", {"version": 1, "title": "Mine"}),
        client.patch(f"/growth-goals/{goal.pk}", {"version": 1, "status": "done"}),
        client.post(f"/growth-goals/{goal.pk}/actions", {"version": 1, "title": "Mine"}),
        client.patch(f"/growth-actions/{action.pk}", {"version": 1, "done": True}),
    ]
    assert [response.status_code for response in responses] == [403] * 4


@pytest.mark.parametrize("who", ["paul", "olive", "greta", "sam", "ada"])
def test_outsiders_get_a_404_for_goals_and_actions(org, api, who):
    action = GrowthActionFactory(goal=GrowthGoalFactory(plan=GrowthPlanFactory(person=org.pia)))
    client = api(getattr(org, who))
    goal, plan = action.goal, action.goal.plan
    responses = [
        client.post(f"/growth-plans/{plan.pk}/goals", {"version": 1, "title": "Sneak"}),
        client.patch(f"/growth-goals/{goal.pk}", {"version": 1, "status": "done"}),
        client.post(f"/growth-goals/{goal.pk}/actions", {"version": 1, "title": "Sneak"}),
        client.patch(f"/growth-actions/{action.pk}", {"version": 1, "done": True}),
    ]
    assert [response.status_code for response in responses] == [404] * 4
    assert GrowthGoal.objects.count() == 1
    assert GrowthAction.objects.filter(done=False).count() == 1


# Scenarios and plan runs: leaders only, a 404 to everyone else.


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def test_a_leader_sets_a_scenarios_capacity_mix_bounds_and_choices(org, api):
    scenario = ScenarioFactory()
    client = api(org.dana)
    capacity = client.put(
        f"/scenarios/{scenario.pk}/capacity",
        {
            "capacities": [
                {"team_id": org.checkout.pk, "quarter": "2027-Q1", "capacity": 8},
                {"team_id": org.search.pk, "quarter": "2027-Q2", "capacity": "4.5"},
            ]
        },
    )
    assert capacity.status_code == 200, capacity.json()
    assert len(capacity.json()["capacities"]) == 2
    # The whole set each time: what is left out goes back to the team's own capacity.
    again = client.put(
        f"/scenarios/{scenario.pk}/capacity",
        {"capacities": [{"team_id": org.search.pk, "quarter": "2027-Q2", "capacity": 6}]},
    )
    assert again.json()["capacities"] == [
        {"team_id": org.search.pk, "quarter": "2027-Q2", "capacity": "6.0"}
    ]
    bounds = client.put(
        f"/scenarios/{scenario.pk}/mix-bounds",
        {"bounds": [{"category": "growth", "min_share": "0.2", "max_share": "0.5"}]},
    )
    assert bounds.status_code == 200, bounds.json()
    assert [row["category"] for row in bounds.json()["bounds"]] == ["growth"]
    assert ScenarioMixBound.objects.filter(scenario=scenario).count() == 1
    reorder = Initiative.objects.get(title="One-click reorder")
    dunning = Initiative.objects.get(title="Invoice dunning")
    choices = client.put(
        f"/scenarios/{scenario.pk}/choices", {"must": [reorder.pk], "never": [dunning.pk]}
    )
    assert choices.status_code == 200, choices.json()
    assert choices.json() == {"must": [reorder.pk], "never": [dunning.pk]}
    cleared = client.put(f"/scenarios/{scenario.pk}/choices", {"must": [], "never": []})
    assert cleared.json() == {"must": [], "never": []}
    assert not ScenarioChoice.objects.exists()


def test_bad_scenario_inputs_are_a_400_and_change_nothing(org, api):
    scenario = ScenarioFactory()
    client = api(org.dana)
    unknown_team = client.put(
        f"/scenarios/{scenario.pk}/capacity",
        {"capacities": [{"team_id": 424242, "quarter": "2027-Q1", "capacity": 1}]},
    )
    assert (unknown_team.status_code, unknown_team.json()["field"]) == (400, "capacities")
    backwards = client.put(
        f"/scenarios/{scenario.pk}/mix-bounds",
        {"bounds": [{"category": "growth", "min_share": "0.6", "max_share": "0.5"}]},
    )
    assert (backwards.status_code, backwards.json()["field"]) == (400, "min_share")
    initiative = Initiative.objects.first()
    both = client.put(
        f"/scenarios/{scenario.pk}/choices", {"must": [initiative.pk], "never": [initiative.pk]}
    )
    assert both.status_code == 400
    unknown = client.put(f"/scenarios/{scenario.pk}/choices", {"must": [424242]})
    assert unknown.json() == {"detail": "There is no initiative 424242.", "field": "must"}
    assert not ScenarioCapacity.objects.exists()
    assert not ScenarioChoice.objects.exists()


def test_a_read_only_token_sets_no_scenario_input(org, api):
    scenario = ScenarioFactory()
    response = api(org.dana, scope="read").put(
        f"/scenarios/{scenario.pk}/capacity",
        {"capacities": [{"team_id": org.checkout.pk, "quarter": "2027-Q1", "capacity": 8}]},
    )
    assert response.status_code == 403
    assert not ScenarioCapacity.objects.exists()


@pytest.mark.parametrize("who", ["pia", "sam", "ada"])
def test_scenario_inputs_and_runs_are_a_404_to_everyone_but_leaders(org, api, who):
    scenario = ScenarioFactory()
    run = PlanRun.objects.create(scenario=scenario)
    client = api(getattr(org, who))
    responses = [
        client.put(f"/scenarios/{scenario.pk}/capacity", {"capacities": []}),
        client.put(f"/scenarios/{scenario.pk}/mix-bounds", {"bounds": []}),
        client.put(f"/scenarios/{scenario.pk}/choices", {"must": [], "never": []}),
        client.post(f"/scenarios/{scenario.pk}/runs/{run.pk}/stop"),
        client.post(f"/scenarios/{scenario.pk}/runs/{run.pk}/apply"),
    ]
    assert [response.status_code for response in responses] == [404] * 5
    run.refresh_from_db()
    assert run.status == "queued"


def test_a_leader_stops_a_queued_run_which_has_no_plan_to_apply(org, api):
    scenario = ScenarioFactory()
    run = PlanRun.objects.create(scenario=scenario)
    client = api(org.gabe)
    stopped = client.post(f"/scenarios/{scenario.pk}/runs/{run.pk}/stop")
    assert stopped.status_code == 200, stopped.json()
    assert stopped.json()["status"] == "stopped"
    refused = client.post(f"/scenarios/{scenario.pk}/runs/{run.pk}/apply")
    assert refused.status_code == 409
    assert refused.json() == {"detail": "Only a finished run with a plan can be applied."}
    assert client.post(f"/scenarios/{scenario.pk}/runs/424242/stop").status_code == 404


def test_a_leader_applies_a_finished_plan(
    org, api, immediate_tasks, django_capture_on_commit_callbacks
):
    scenario = ScenarioFactory(time_limit_s=2)
    client = api(org.dana)
    with django_capture_on_commit_callbacks(execute=True):
        run_id = client.post(f"/scenarios/{scenario.pk}/runs").json()["id"]
    applied = client.post(f"/scenarios/{scenario.pk}/runs/{run_id}/apply")
    assert applied.status_code == 200, applied.json()
    assert applied.json()["applied_at"] is not None
    assert applied.json()["initiatives_moved"] >= 0
    assert PlanRun.objects.get(pk=run_id).applied_at is not None
