"""Assessments, the growth page, growth plans (with optimistic locking), feedback."""

from __future__ import annotations

import datetime
import re
from html import unescape as html_unescape

import pytest
from django.test import Client
from django.utils import timezone

from productorg.factories import (
    AssessmentFactory,
    FeedbackFactory,
    GrowthActionFactory,
    GrowthGoalFactory,
    GrowthPlanFactory,
    MeetingFactory,
    OneOnOneFactory,
    RatingFactory,
    level,
)
from productorg.people.models import (
    AgendaItem,
    Assessment,
    Feedback,
    GrowthAction,
    GrowthGoal,
    GrowthPlan,
    Meeting,
    Rating,
)
from productorg.people.models.growth import EVIDENCE_MAX_LENGTH
from productorg.people.services import growth as services
from productorg.people.services.growth import RatingInput


def submitted(person, author, kind, framework, scores, *, days_ago=0) -> Assessment:
    made = AssessmentFactory(
        person=person,
        author=author,
        kind=kind,
        status="submitted",
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    for competency, score in zip(framework.competencies, scores, strict=True):
        RatingFactory(assessment=made, competency=competency, score=score)
    return made


def all_scores(framework, score: str) -> dict[str, str]:
    return {f"score_{competency.pk}": score for competency in framework.competencies}


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


# Assessments.


def test_starting_a_self_assessment_opens_a_draft_against_the_persons_level(
    client_for, org, framework
):
    response = client_for(org.pia).post(f"/people/{org.pia.pk}/assessments/new/", {"kind": "self"})
    draft = Assessment.objects.get(person=org.pia)
    assert response["Location"] == f"/assessments/{draft.pk}/"
    assert (draft.author, draft.kind, draft.status, draft.level) == (
        org.pia,
        "self",
        "draft",
        level("pm"),
    )


def test_starting_again_continues_the_open_draft(org, framework):
    first = services.assessment_start(user=org.pia.user, person=org.pia, kind="self")
    again = services.assessment_start(user=org.pia.user, person=org.pia, kind="self")
    assert first.pk == again.pk
    assert Assessment.objects.count() == 1


def test_the_assessment_form_lists_every_competency_with_the_expectation_at_the_level(
    client_for, org, framework
):
    draft = services.assessment_start(user=org.paul.user, person=org.paul, kind="self")
    html = client_for(org.paul).get(f"/assessments/{draft.pk}/").content.decode()
    for competency in framework.competencies:
        assert f'name="score_{competency.pk}"' in html
        assert f'name="evidence_{competency.pk}"' in html
        assert f"{competency.name} as expected at Senior PM." in html


def test_a_draft_is_saved_and_then_submitted_with_every_rating_and_its_evidence(
    client_for, org, framework
):
    client = client_for(org.pia)
    draft = services.assessment_start(user=org.pia.user, person=org.pia, kind="self")
    data = all_scores(framework, "3") | {
        f"evidence_{framework.discovery.pk}": "Ran *twelve* interviews"
    }
    assert client.post(f"/assessments/{draft.pk}/", data).status_code == 302
    assert client.post(f"/assessments/{draft.pk}/", data | {"submit": "1"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.submitted_at is not None
    assert draft.ratings.count() == len(framework.competencies)
    html = client.get(f"/assessments/{draft.pk}/").content.decode()
    assert "Ran <em>twelve</em> interviews" in html
    assert 'name="score_' not in html


@pytest.mark.parametrize("score", ["0", "5", "-1", "three"])
def test_a_rating_out_of_range_is_refused_naming_the_competency(client_for, org, framework, score):
    draft = services.assessment_start(user=org.pia.user, person=org.pia, kind="self")
    data = all_scores(framework, "2") | {f"score_{framework.delivery.pk}": score}
    response = client_for(org.pia).post(f"/assessments/{draft.pk}/", data)
    assert response.status_code == 400
    assert "Delivery: a rating is 1 (below) to 4 (next level)" in response.content.decode()
    assert not Rating.objects.filter(assessment=draft).exists()


@pytest.mark.parametrize("score", [0, 5])
def test_the_service_refuses_an_out_of_range_rating_naming_the_field(org, framework, score):
    draft = services.assessment_start(user=org.pia.user, person=org.pia, kind="self")
    with pytest.raises(services.GrowthError) as refused:
        services.assessment_rate(
            user=org.pia.user,
            assessment=draft,
            ratings={framework.discovery.pk: RatingInput(score=score)},
        )
    assert refused.value.field == f"score_{framework.discovery.pk}"
    assert "Product discovery" in refused.value.message
    assert not Rating.objects.exists()


def test_evidence_over_4000_characters_is_refused_and_4000_fit(client_for, org, framework):
    client = client_for(org.pia)
    draft = services.assessment_start(user=org.pia.user, person=org.pia, kind="self")
    field = f"evidence_{framework.discovery.pk}"
    too_long = client.post(
        f"/assessments/{draft.pk}/", all_scores(framework, "2") | {field: "x" * 4001}
    )
    assert too_long.status_code == 400
    assert "Evidence for Product discovery: at most 4000 characters fit (it has 4001)" in (
        too_long.content.decode()
    )
    assert not Rating.objects.exists()
    fits = client.post(
        f"/assessments/{draft.pk}/", all_scores(framework, "2") | {field: "x" * EVIDENCE_MAX_LENGTH}
    )
    assert fits.status_code == 302
    assert len(Rating.objects.get(competency=framework.discovery).evidence) == 4000


def test_the_service_refuses_evidence_over_the_limit_too(org, framework):
    draft = services.assessment_start(user=org.pia.user, person=org.pia, kind="self")
    with pytest.raises(services.GrowthError) as refused:
        services.assessment_rate(
            user=org.pia.user,
            assessment=draft,
            ratings={framework.hiring.pk: RatingInput(score=2, evidence="x" * 4001)},
        )
    assert refused.value.field == f"evidence_{framework.hiring.pk}"


def test_evidence_without_a_rating_is_refused_so_that_it_is_not_lost(client_for, org, framework):
    draft = services.assessment_start(user=org.pia.user, person=org.pia, kind="self")
    response = client_for(org.pia).post(
        f"/assessments/{draft.pk}/", {f"evidence_{framework.coaching.pk}": "Mentored Olive"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Coaching PMs: choose a rating to go with the evidence." in html
    assert "Mentored Olive" in html


def test_submitting_needs_every_competency_rated(client_for, org, framework):
    draft = services.assessment_start(user=org.pia.user, person=org.pia, kind="self")
    data = {f"score_{framework.discovery.pk}": "2", "submit": "1"}
    response = client_for(org.pia).post(f"/assessments/{draft.pk}/", data)
    assert response.status_code == 400
    assert "still unrated: Delivery, Coaching PMs, Hiring and onboarding." in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_submitted_assessment_is_read_only_with_a_clear_message(client_for, org, framework):
    assessment = submitted(org.pia, org.pia, "self", framework, [2, 2, 1, 1])
    response = client_for(org.pia).post(
        f"/assessments/{assessment.pk}/", all_scores(framework, "4") | {"submit": "1"}
    )
    assert response.status_code == 409
    assert "has been submitted and is read-only: nothing was changed" in response.content.decode()
    assert sorted(assessment.ratings.values_list("score", flat=True)) == [1, 1, 2, 2]
    with pytest.raises(services.AssessmentLocked):
        services.assessment_rate(user=org.pia.user, assessment=assessment, ratings={})
    with pytest.raises(services.AssessmentLocked):
        services.assessment_submit(user=org.pia.user, assessment=assessment)


@pytest.mark.parametrize("manager", ["greta", "dana", "cora", "paul"])
def test_a_manager_assessment_of_someone_you_do_not_manage_is_refused(org, framework, manager):
    with pytest.raises(services.GrowthNotAllowed, match="you do not manage them"):
        services.assessment_start(user=getattr(org, manager).user, person=org.pia, kind="manager")
    assert not Assessment.objects.exists()


def test_the_manager_above_sees_why_they_cannot_write_a_manager_assessment(
    client_for, org, framework
):
    response = client_for(org.dana).post(
        f"/people/{org.pia.pk}/assessments/new/", {"kind": "manager"}
    )
    assert response.status_code == 403
    assert "Only Pia&#x27;s direct manager writes their manager assessment" in (
        response.content.decode()
    )


def test_nobody_writes_someone_elses_self_assessment(org, framework):
    with pytest.raises(services.GrowthNotAllowed):
        services.assessment_start(user=org.gabe.user, person=org.pia, kind="self")


def test_the_manager_asks_a_peer_who_writes_the_peer_assessment_the_person_then_reads(
    client_for, org, framework
):
    response = client_for(org.gabe).post(
        f"/people/{org.pia.pk}/assessments/new/", {"kind": "peer", "peer": org.olive.pk}
    )
    assert response.status_code == 302
    peer = Assessment.objects.get(kind="peer")
    assert (peer.person, peer.author, peer.status) == (org.pia, org.olive, "draft")
    # Until submitted, only the peer reads it: not Gabe who asked, not Pia.
    assert client_for(org.gabe).get(f"/assessments/{peer.pk}/").status_code == 404
    assert client_for(org.pia).get(f"/assessments/{peer.pk}/").status_code == 404
    olive = client_for(org.olive)
    assert f'href="/assessments/{peer.pk}/"' in olive.get("/my-growth/").content.decode()
    assert olive.post(
        f"/assessments/{peer.pk}/", all_scores(framework, "3") | {"submit": "1"}
    ).status_code == (302)
    assert client_for(org.pia).get(f"/assessments/{peer.pk}/").status_code == 200
    # The peer reads what they wrote, but not Pia's growth page.
    assert client_for(org.olive).get(f"/people/{org.pia.pk}/growth/").status_code == 404


@pytest.mark.parametrize("peer", ["pia", "gabe", "dana", "cora"])
def test_a_peer_is_neither_the_person_nor_a_manager_above_them(client_for, org, framework, peer):
    response = client_for(org.gabe).post(
        f"/people/{org.pia.pk}/assessments/new/", {"kind": "peer", "peer": getattr(org, peer).pk}
    )
    assert response.status_code == 400
    assert "a peer is someone other than the person and the managers above them" in (
        response.content.decode()
    )
    assert not Assessment.objects.exists()


def test_only_the_direct_manager_asks_for_a_peer_assessment(client_for, org, framework):
    response = client_for(org.pia).post(
        f"/people/{org.pia.pk}/assessments/new/", {"kind": "peer", "peer": org.paul.pk}
    )
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_evidence_markdown_renders_inert(client_for, org, framework):
    assessment = submitted(org.pia, org.pia, "self", framework, [2, 2, 2, 2])
    Rating.objects.filter(assessment=assessment).update(
        evidence='<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror="a()">'
    )
    html = client_for(org.gabe).get(f"/assessments/{assessment.pk}/").content.decode().lower()
    assert "<script>alert" not in html
    # The rest of a line that opens with raw HTML is raw HTML in CommonMark: shown as text.
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html) and "onerror" not in html


# The growth page.


def test_my_growth_shows_level_expectations_now_and_next_and_the_radar_chart(
    client_for, org, framework
):
    submitted(org.pia, org.pia, "self", framework, [3, 2, 1, 1])
    submitted(org.pia, org.gabe, "manager", framework, [2, 1, 2, 1])
    html = client_for(org.pia).get("/my-growth/").content.decode()
    assert "PM (Individual contributor track)" in html
    assert "Product discovery as expected at PM." in html
    assert "Product discovery as expected at Senior PM." in html
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert svg.count('class="radar-axis"') == len(framework.competencies)
    assert "Self-assessment" in svg and "Manager" in svg and "Expected at PM (meets)" in svg


def test_gaps_come_from_the_manager_assessment_against_the_current_and_target_level(org, framework):
    from productorg.people.selectors.growth import growth_overview

    submitted(org.pia, org.pia, "self", framework, [4, 4, 4, 4])
    submitted(org.pia, org.gabe, "manager", framework, [3, 1, 4, 2])
    overview = growth_overview(user=org.pia.user, person_id=org.pia.pk)
    assert overview.target_level == level("senior-pm")
    assert [gap.competency for gap in overview.gaps_current] == [framework.delivery]
    assert [(gap.competency, gap.score) for gap in overview.gaps_target] == [
        (framework.delivery, 1),
        (framework.hiring, 2),
        (framework.discovery, 3),
    ]
    assert overview.gaps_target[0].expectation == "Delivery as expected at Senior PM."


def test_the_target_level_of_the_growth_plan_sets_the_target_gaps(org, framework):
    from productorg.people.selectors.growth import growth_overview

    submitted(org.pia, org.gabe, "manager", framework, [3, 3, 3, 3])
    GrowthPlanFactory(person=org.pia, target_level=level("group-pm"))
    overview = growth_overview(user=org.pia.user, person_id=org.pia.pk)
    assert overview.target_level == level("group-pm")
    assert overview.gaps_target[0].expectation.endswith("as expected at Group PM.")


def test_history_lists_submitted_assessments_newest_first_with_their_average(
    client_for, org, framework
):
    submitted(org.pia, org.pia, "self", framework, [1, 1, 2, 2], days_ago=200)
    submitted(org.pia, org.pia, "self", framework, [2, 3, 3, 3], days_ago=10)
    AssessmentFactory(person=org.pia)  # a draft stays out of the history
    from productorg.people.selectors.growth import growth_overview

    overview = growth_overview(user=org.gabe.user, person_id=org.pia.pk)
    assert [row.average for row in overview.history] == [2.8, 1.5]
    assert overview.self_assessment == overview.history[0].assessment


def test_a_manager_reads_the_growth_of_their_reports_and_a_manager_above_is_told_it_is_read_only(
    client_for, org, framework
):
    gabe_page = client_for(org.gabe).get(f"/people/{org.pia.pk}/growth/").content.decode()
    assert "Write a manager assessment" in gabe_page
    assert "Start a growth plan" in gabe_page
    dana_page = client_for(org.dana).get(f"/people/{org.pia.pk}/growth/").content.decode()
    assert "Write a manager assessment" not in dana_page
    assert "Start a growth plan" not in dana_page
    assert "only Pia and their direct manager change it" in dana_page


def test_a_leaders_growth_page_links_to_the_growth_pages_of_their_reports(client_for, org):
    html = client_for(org.gabe).get("/my-growth/").content.decode()
    assert f'href="/people/{org.pia.pk}/growth/"' in html
    assert f'href="/people/{org.paul.pk}/growth/"' in html


def test_growth_pages_keep_a_bounded_number_of_queries_as_data_grows(
    client_for, org, framework, django_assert_max_num_queries
):
    def grow(rounds: int) -> None:
        for number in range(rounds):
            submitted(org.pia, org.pia, "self", framework, [2, 3, 2, 1], days_ago=number * 90)
            submitted(org.pia, org.gabe, "manager", framework, [2, 2, 2, 1], days_ago=number * 90)
            submitted(org.pia, org.olive, "peer", framework, [3, 3, 3, 3], days_ago=number * 90)
            FeedbackFactory(giver=org.paul, recipient=org.pia)
            FeedbackFactory(giver=org.gabe, recipient=org.pia, visibility="managers")
        plan = GrowthPlan.objects.filter(person=org.pia).first() or GrowthPlanFactory(
            person=org.pia
        )
        for _ in range(rounds):
            goal = GrowthGoalFactory(plan=plan, competency=framework.coaching)
            GrowthActionFactory.create_batch(3, goal=goal)
        AssessmentFactory(person=org.paul, author=org.pia, kind="peer")

    pia, gabe = signed_in(org.pia), signed_in(org.gabe)
    # The same bound for one round of data and for nine: no query per row.
    for rounds in (1, 8):
        grow(rounds)
        plan = GrowthPlan.objects.get(person=org.pia)
        with django_assert_max_num_queries(18):
            assert pia.get("/my-growth/").status_code == 200
        with django_assert_max_num_queries(20):
            assert gabe.get(f"/people/{org.pia.pk}/growth/").status_code == 200
        with django_assert_max_num_queries(10):
            assert gabe.get("/feedback/").status_code == 200
        with django_assert_max_num_queries(14):
            assert gabe.get(f"/growth-plans/{plan.pk}/").status_code == 200


# Growth plans.


def test_a_person_has_one_open_growth_plan_at_a_time(client_for, org):
    GrowthPlanFactory(person=org.pia)
    response = client_for(org.gabe).post(
        f"/people/{org.pia.pk}/growth-plans/new/", {"target_level": level("senior-pm").pk}
    )
    assert response.status_code == 400
    assert "Pia already has an open growth plan" in response.content.decode()
    assert GrowthPlan.objects.count() == 1


def test_a_growth_plan_cannot_aim_below_the_persons_level(org):
    with pytest.raises(services.GrowthError) as refused:
        services.growth_plan_create(user=org.pia.user, person=org.pia, target_level=level("apm"))
    assert refused.value.field == "target_level"


def test_progress_is_done_actions_over_all_actions_and_goals_done(client_for, org, framework):
    plan = GrowthPlanFactory(person=org.pia)
    done_goal = GrowthGoalFactory(plan=plan, status="done")
    GrowthActionFactory(goal=done_goal, done=True)
    open_goal = GrowthGoalFactory(plan=plan, competency=framework.discovery)
    GrowthActionFactory(goal=open_goal, done=True)
    GrowthActionFactory.create_batch(2, goal=open_goal)
    html = client_for(org.pia).get(f"/growth-plans/{plan.pk}/").content.decode()
    assert "2 of 4 actions done (50%)" in html
    assert "1 of 2 goals done" in html


def test_every_growth_plan_edit_moves_the_version_on(org, framework):
    plan = GrowthPlanFactory(person=org.pia)
    goal = services.growth_goal_add(
        user=org.pia.user, plan=plan, version=1, title="Coach", competency=framework.coaching
    )
    action = services.growth_action_add(
        user=org.gabe.user, goal=goal, version=2, title="Pair with Olive"
    )
    services.growth_action_set_done(user=org.pia.user, action=action, version=3, done=True)
    services.growth_goal_set_status(user=org.pia.user, goal=goal, version=4, status="done")
    plan.refresh_from_db()
    assert plan.version == 5 and plan.updated_by == org.pia
    action.refresh_from_db()
    assert action.done and action.done_at is not None


def test_a_concurrent_growth_plan_edit_is_refused_with_the_other_change_shown_and_nothing_lost(
    org,
):
    plan = GrowthPlanFactory(person=org.pia, summary="Toward Senior PM.")
    url = f"/growth-plans/{plan.pk}/"
    pia, gabe = signed_in(org.pia), signed_in(org.gabe)
    for client in (pia, gabe):
        assert 'name="version" value="1"' in client.get(url).content.decode()

    def edit(client: Client, summary: str, version: int):
        return client.post(
            url,
            {
                "version": version,
                "target_level": level("senior-pm").pk,
                "status": "active",
                "summary": summary,
            },
        )

    assert edit(gabe, "Gabe: lead the Q3 discovery sprint.", 1).status_code == 302
    refused = edit(pia, "Pia: run interviews every week.", 1)
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Gabe changed this growth plan while you were editing it" in html
    assert "Gabe: lead the Q3 discovery sprint." in html  # their change, as it is now
    assert "Pia: run interviews every week.</textarea>" in html  # her input, kept
    assert 'name="version" value="2"' in html  # ready to save again on top of theirs
    plan.refresh_from_db()
    assert (plan.summary, plan.version) == ("Gabe: lead the Q3 discovery sprint.", 2)

    assert edit(pia, "Pia: run interviews every week.", 2).status_code == 302
    plan.refresh_from_db()
    assert (plan.summary, plan.version, plan.updated_by) == (
        "Pia: run interviews every week.",
        3,
        org.pia,
    )


def test_ticking_an_action_on_an_older_copy_of_the_page_merges_with_other_changes(org):
    plan = GrowthPlanFactory(person=org.pia)
    goal = GrowthGoalFactory(plan=plan, title="Coach a PM")
    action = GrowthActionFactory(goal=goal, title="Pair with Olive")
    other = GrowthActionFactory(goal=goal, title="Shadow a 1:1")
    pia, gabe = signed_in(org.pia), signed_in(org.gabe)
    added = gabe.post(
        f"/growth-goals/{goal.pk}/actions/",
        {"version": 1, "title": "Review Olive's spec"},
        headers={"HX-Request": "true"},
    )
    assert added.status_code == 200 and "Review Olive&#x27;s spec" in added.content.decode()
    ticked = gabe.post(
        f"/growth-actions/{other.pk}/done/", {"version": 2, "done": "on"}, HTTP_HX_REQUEST="true"
    )
    assert ticked.status_code == 200
    merged = pia.post(
        f"/growth-actions/{action.pk}/done/",
        {"version": 1, "done": "on"},
        headers={"HX-Request": "true"},
    )
    assert merged.status_code == 200
    html = merged.content.decode()
    assert "changed this growth plan" not in html
    assert "Review Olive&#x27;s spec" in html  # their change, kept beside hers
    action.refresh_from_db()
    other.refresh_from_db()
    assert action.done and other.done
    plan.refresh_from_db()
    assert (plan.version, plan.updated_by) == (4, org.pia)


def test_ticking_an_action_someone_else_changed_meanwhile_is_refused_with_their_change(org):
    plan = GrowthPlanFactory(person=org.pia)
    action = GrowthActionFactory(goal=GrowthGoalFactory(plan=plan), title="Pair with Olive")
    services.growth_action_set_done(user=org.gabe.user, action=action, version=1, done=True)
    services.growth_action_set_done(user=org.gabe.user, action=action, version=2, done=False)
    # Pia's page showed the action open at version 1; Gabe ticked and unticked it since.
    refused = signed_in(org.pia).post(
        f"/growth-actions/{action.pk}/done/", {"version": 1}, headers={"HX-Request": "true"}
    )
    html = refused.content.decode()
    assert "Gabe changed this growth plan while you were editing it" in html
    assert 'name="version" value="3"' in html
    action.refresh_from_db()
    assert action.done is False


def test_a_save_refused_over_the_users_own_earlier_save_says_it_was_theirs(org):
    plan = GrowthPlanFactory(person=org.pia)
    action = GrowthActionFactory(goal=GrowthGoalFactory(plan=plan), title="Pair with Olive")
    gabe = signed_in(org.gabe)
    gabe.post(f"/growth-actions/{action.pk}/done/", {"version": 1, "done": "on"})
    # Back to the page as it was before the tick, and the same action ticked again.
    again = gabe.post(
        f"/growth-actions/{action.pk}/done/",
        {"version": 1, "done": "on"},
        headers={"HX-Request": "true"},
    )
    html = again.content.decode()
    assert "You saved this growth plan in another tab or window at" in html
    assert "Gabe changed" not in html
    action.refresh_from_db()
    assert action.done is True


def test_a_goal_status_set_on_an_older_page_merges_unless_that_status_changed(org):
    plan = GrowthPlanFactory(person=org.pia)
    goal = GrowthGoalFactory(plan=plan, title="Coach a PM")
    action = GrowthActionFactory(goal=goal)
    services.growth_action_set_done(user=org.gabe.user, action=action, version=1, done=True)
    pia = signed_in(org.pia)
    url = f"/growth-goals/{goal.pk}/status/"
    merged = pia.post(url, {"version": 1, "status": "in_progress", "seen": "not_started"})
    assert merged.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "in_progress"

    services.growth_goal_set_status(user=org.gabe.user, goal=goal, version=3, status="done")
    refused = pia.post(url, {"version": 3, "status": "not_started", "seen": "in_progress"})
    assert refused.status_code == 409
    assert "Gabe changed this growth plan" in refused.content.decode()
    goal.refresh_from_db()
    assert goal.status == "done"


def test_the_service_refuses_a_stale_version_and_hands_back_the_current_plan(org):
    plan = GrowthPlanFactory(person=org.pia, version=4)
    with pytest.raises(services.StaleGrowthPlan) as refused:
        services.growth_plan_update(
            user=org.pia.user,
            plan=plan,
            version=3,
            target_level=level("senior-pm"),
            status="active",
            summary="Mine",
        )
    assert refused.value.current.version == 4


def test_a_closed_growth_plan_is_kept_as_it_was(org):
    plan = GrowthPlanFactory(person=org.pia, status="achieved")
    with pytest.raises(services.GrowthError, match="closed and kept as it was"):
        services.growth_goal_add(user=org.pia.user, plan=plan, version=1, title="More")


def test_an_achieved_plan_stays_readable_and_a_new_one_can_start(client_for, org):
    plan = GrowthPlanFactory(person=org.pia, summary="Toward Senior PM.")
    client = client_for(org.gabe)
    data = {
        "version": 1,
        "target_level": level("senior-pm").pk,
        "status": "achieved",
        "summary": "Done: promoted.",
    }
    assert client.post(f"/growth-plans/{plan.pk}/", data).status_code == 302
    page = client.get(f"/people/{org.pia.pk}/growth/").content.decode()
    assert f'href="/growth-plans/{plan.pk}/"' in page and "achieved" in page
    assert "Start a growth plan" in page
    closed = client.get(f"/growth-plans/{plan.pk}/").content.decode()
    assert "Done: promoted." in closed and "Add a goal" not in closed
    started = client.post(
        f"/people/{org.pia.pk}/growth-plans/new/", {"target_level": level("principal-pm").pk}
    )
    assert started.status_code == 302
    assert GrowthPlan.objects.filter(person=org.pia, status="active").count() == 1


def test_a_goal_title_is_required_and_named_in_the_error(client_for, org):
    plan = GrowthPlanFactory(person=org.pia)
    response = client_for(org.pia).post(
        f"/growth-plans/{plan.pk}/goals/", {"version": 1, "title": "  "}
    )
    assert response.status_code == 400
    assert "Title: This field is required." in response.content.decode()


# A goal on the next 1:1 agenda.


def test_a_goal_goes_on_the_next_unheld_meeting_of_the_pair(client_for, org):
    goal = GrowthGoalFactory(plan=GrowthPlanFactory(person=org.pia), title="Coach a PM")
    series = OneOnOneFactory(manager=org.gabe, report=org.pia)
    MeetingFactory(one_on_one=series, date=timezone.localdate() - datetime.timedelta(days=7))
    upcoming = MeetingFactory(
        one_on_one=series, date=timezone.localdate() + datetime.timedelta(days=3)
    )
    client = client_for(org.pia)
    assert client.post(f"/growth-goals/{goal.pk}/agenda/").status_code == 302
    assert client.post(f"/growth-goals/{goal.pk}/agenda/").status_code == 302
    item = AgendaItem.objects.get()
    assert (item.meeting, item.growth_goal, item.author) == (upcoming, goal, org.pia)
    assert item.text == "Growth goal: Coach a PM"


def test_without_a_meeting_ahead_one_is_scheduled_a_cadence_from_today(org):
    goal = GrowthGoalFactory(plan=GrowthPlanFactory(person=org.pia))
    OneOnOneFactory(manager=org.gabe, report=org.pia, cadence="biweekly")
    item = services.growth_goal_to_agenda(user=org.gabe.user, goal=goal)
    assert item.meeting.date == timezone.localdate() + datetime.timedelta(days=14)
    assert Meeting.objects.count() == 1


def test_without_a_1_1_series_the_goal_is_refused_with_a_clear_message(client_for, org):
    goal = GrowthGoalFactory(plan=GrowthPlanFactory(person=org.pia))
    response = client_for(org.pia).post(f"/growth-goals/{goal.pk}/agenda/")
    assert response.status_code == 400
    assert "Pia and their manager have no 1:1 series yet" in response.content.decode()
    assert not AgendaItem.objects.exists()


# Feedback.


def test_feedback_to_oneself_is_refused_naming_the_field(client_for, org):
    response = client_for(org.pia).post(
        "/feedback/",
        {"recipient": org.pia.pk, "kind": "praise", "visibility": "recipient", "text": "Me!"},
    )
    assert response.status_code == 400
    assert "To: Select a valid choice" in response.content.decode()
    with pytest.raises(services.GrowthError) as refused:
        services.feedback_give(user=org.pia.user, recipient=org.pia, kind="praise", text="Me!")
    assert refused.value.field == "recipient"
    assert not Feedback.objects.exists()


def test_feedback_is_tied_to_a_competency_and_its_visibility_chosen_by_the_giver(
    client_for, org, framework
):
    response = client_for(org.paul).post(
        "/feedback/",
        {
            "recipient": org.pia.pk,
            "kind": "constructive",
            "competency": framework.delivery.pk,
            "visibility": "managers",
            "text": "Raise risks earlier.",
        },
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.giver, feedback.competency, feedback.visibility) == (
        org.paul,
        framework.delivery,
        "managers",
    )


def test_feedback_over_4000_characters_is_refused(client_for, org):
    response = client_for(org.paul).post(
        "/feedback/",
        {"recipient": org.pia.pk, "kind": "praise", "visibility": "recipient", "text": "x" * 4001},
    )
    assert response.status_code == 400
    assert "Feedback: at most 4000 characters fit (it has 4001)" in response.content.decode()


def test_feedback_text_renders_inert(client_for, org):
    FeedbackFactory(
        giver=org.paul,
        recipient=org.pia,
        text='**Well done** <script>x()</script><a href="javascript:x()">y</a>',
    )
    html = client_for(org.pia).get("/feedback/").content.decode()
    assert "<strong>Well done</strong>" in html
    assert "<script>x()" not in html and "javascript:x()" not in html


def test_the_feedback_page_shows_received_given_and_about_my_people(client_for, org):
    FeedbackFactory(giver=org.paul, recipient=org.gabe, text="Thanks for the coaching")
    FeedbackFactory(giver=org.gabe, recipient=org.olive, text="Great launch")
    FeedbackFactory(giver=org.olive, recipient=org.pia, text="Lovely spec")
    html = client_for(org.gabe).get("/feedback/").content.decode()
    assert "Thanks for the coaching" in html and "Great launch" in html
    assert "Lovely spec" in html  # Pia reports to Gabe
    assert "Give feedback" in html


def test_the_growth_page_links_to_giving_that_person_feedback(client_for, org):
    html = client_for(org.gabe).get(f"/people/{org.pia.pk}/growth/").content.decode()
    assert f'href="/feedback/?to={org.pia.pk}"' in html
    form = client_for(org.gabe).get(f"/feedback/?to={org.pia.pk}").content.decode()
    assert f'<option value="{org.pia.pk}" selected>' in form


def test_nothing_is_half_saved_when_a_rating_write_fails(org, framework):
    draft = services.assessment_start(user=org.pia.user, person=org.pia, kind="self")
    with pytest.raises(services.GrowthError):
        services.assessment_rate(
            user=org.pia.user,
            assessment=draft,
            ratings={
                framework.discovery.pk: RatingInput(score=2),
                framework.delivery.pk: RatingInput(score=9),
            },
            summary="Half",
        )
    draft.refresh_from_db()
    assert draft.summary == "" and not Rating.objects.exists()
    assert not GrowthAction.objects.exists()


def test_a_plan_edit_on_an_older_page_merges_with_changes_to_other_fields(org):
    plan = GrowthPlanFactory(person=org.pia, summary="Toward Senior PM.")
    url = f"/growth-plans/{plan.pk}/"
    pia, gabe = signed_in(org.pia), signed_in(org.gabe)
    page = pia.get(url).content.decode()
    seen = html_unescape(re.search(r'name="seen" value="([^"]*)"', page).group(1))

    def edit(client: Client, version: int, **changes):
        data = {
            "version": version,
            "seen": seen,
            "target_level": level("senior-pm").pk,
            "status": "active",
            "summary": "Toward Senior PM.",
        }
        return client.post(url, {**data, **changes})

    assert edit(gabe, 1, status="draft").status_code == 302
    # Pia's page still shows version 1; she changes the summary only, Gabe the status only.
    assert edit(pia, 1, summary="Run interviews every week.").status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.summary, plan.version) == ("draft", "Run interviews every week.", 3)

    # Both changed the summary: refused, Gabe's kept and shown, Pia's input kept.
    assert edit(gabe, 3, summary="Gabe: lead the Q3 sprint.").status_code == 302
    refused = edit(pia, 3, summary="Pia: a spec a week.")
    assert refused.status_code == 409
    assert "Gabe changed this growth plan while you were editing it" in refused.content.decode()
    assert "Pia: a spec a week.</textarea>" in refused.content.decode()
    plan.refresh_from_db()
    assert plan.summary == "Gabe: lead the Q3 sprint."


def test_removing_a_goal_from_an_older_page_goes_ahead_unless_that_goal_changed(org):
    plan = GrowthPlanFactory(person=org.pia)
    kept = GrowthGoalFactory(plan=plan, title="Coach a PM")
    ticked_elsewhere = GrowthActionFactory(goal=kept)
    dropped = GrowthGoalFactory(plan=plan, title="Write a blog post")
    changed = GrowthGoalFactory(plan=plan, title="Run a discovery sprint")
    changed_action = GrowthActionFactory(goal=changed)
    pia = signed_in(org.pia)
    page = pia.get(f"/growth-plans/{plan.pk}/").content.decode()
    seen = dict(
        re.findall(r'/growth-goals/(\d+)/delete/".*?name="seen" value="([^"]*)"', page, re.S)
    )
    services.growth_action_set_done(
        user=org.gabe.user, action=ticked_elsewhere, version=1, done=True
    )

    removed = pia.post(
        f"/growth-goals/{dropped.pk}/delete/", {"version": 1, "seen": seen[str(dropped.pk)]}
    )
    assert removed.status_code == 302
    assert not GrowthGoal.objects.filter(pk=dropped.pk).exists()

    services.growth_action_set_done(user=org.gabe.user, action=changed_action, version=3, done=True)
    refused = pia.post(
        f"/growth-goals/{changed.pk}/delete/", {"version": 1, "seen": seen[str(changed.pk)]}
    )
    assert refused.status_code == 409
    assert "Gabe changed this growth plan" in refused.content.decode()
    assert GrowthGoal.objects.filter(pk=changed.pk).exists()
