"""The demo organisation's growth data: believable, lived-in for the demo accounts, repeatable."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest
from django.db import transaction

from productorg.demo import generator
from productorg.people.models import (
    Assessment,
    Feedback,
    GrowthAction,
    GrowthPlan,
    Person,
    manager_chain_ids,
    reporting_lines,
)
from productorg.people.selectors.framework import expected_competency_ids

IC_LEVELS = {"apm", "pm", "senior-pm", "principal-pm"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        generator.demo_organisation_create(size="small", seed=1)
        yield
        transaction.set_rollback(True)


def person_of_account(role: str) -> Person:
    username = next(a.username for a in generator.demo_accounts() if a.role == role)
    return Person.objects.select_related("user").get(user__username=username)


def growth_made_from(seed: int) -> dict[str, list[tuple]]:
    """The growth data of a seed's demo, by content rather than by primary key."""
    with transaction.atomic():
        generator.demo_organisation_create(size="small", seed=seed)
        made = {
            "assessments": sorted(
                (
                    assessment.person.name,
                    assessment.author.name,
                    assessment.kind,
                    assessment.status,
                    str(assessment.submitted_at),
                    tuple(assessment.ratings.order_by("competency__code").values_list("score")),
                )
                for assessment in Assessment.objects.select_related("person", "author")
            ),
            "plans": sorted(
                GrowthPlan.objects.values_list("person__name", "target_level__code", "summary")
            ),
            "actions": sorted(GrowthAction.objects.values_list("title", "due_date", "done")),
            "feedback": sorted(
                Feedback.objects.values_list("giver__name", "recipient__name", "text", "created_at")
            ),
        }
        transaction.set_rollback(True)
    return made


def test_most_product_managers_have_a_submitted_self_and_manager_assessment(demo, db):
    pms = Person.objects.filter(level__code__in=IC_LEVELS)
    assessed = {
        person_id
        for person_id in pms.values_list("pk", flat=True)
        if {"self", "manager"}
        <= set(
            Assessment.objects.filter(person_id=person_id, status="submitted").values_list(
                "kind", flat=True
            )
        )
    }
    assert len(assessed) >= 0.7 * pms.count()
    with_history = Assessment.objects.filter(kind="self", status="submitted").values("person")
    assert with_history.count() > len(assessed)  # some people have an older round too


def test_about_half_have_a_growth_plan_with_two_or_three_goals_and_actions(demo, db):
    members = Person.objects.filter(manager__isnull=False).count()
    plans = GrowthPlan.objects.prefetch_related("goals__actions")
    assert 0.25 * members <= len(plans) <= 0.75 * members
    for plan in plans:
        goals = list(plan.goals.all())
        assert 2 <= len(goals) <= 3
        assert all(goal.competency_id and goal.actions.all() for goal in goals)
        assert plan.target_level.rank > plan.person.level.rank
        # A goal is "toward the target's expectation": the target level has one.
        expects = expected_competency_ids(levels=[plan.target_level])[plan.target_level.pk]
        assert all(goal.competency_id in expects for goal in goals)


def test_every_demo_assessment_is_written_by_someone_the_rules_allow(demo, db):
    lines = reporting_lines()
    for assessment in Assessment.objects.all():
        chain = manager_chain_ids(assessment.person_id, lines)
        if assessment.kind == "self":
            assert assessment.author_id == assessment.person_id
        elif assessment.kind == "manager":
            assert assessment.author_id == lines[assessment.person_id]
        else:
            assert assessment.author_id not in chain
        if assessment.submitted_at:
            reference = datetime.combine(generator.REFERENCE_DATE, time(), tzinfo=UTC)
            assert assessment.submitted_at < reference


def test_feedback_flows_between_colleagues_never_to_oneself(demo, db):
    feedback = list(Feedback.objects.all())
    assert len(feedback) >= Person.objects.count() / 2
    assert all(item.giver_id != item.recipient_id for item in feedback)
    assert {item.kind for item in feedback} == {"praise", "constructive"}
    assert {item.visibility for item in feedback} == {"recipient", "managers"}


def test_the_demo_pm_has_a_full_lived_in_my_growth_page(demo, db, client):
    pm = person_of_account("PM")
    client.force_login(pm.user)
    html = client.get("/my-growth/").content.decode()
    assert "Latest assessments" in html
    history = html[html.index("<h2>History</h2>") : html.index("<h2>Feedback received</h2>")]
    assert len(re.findall(r'href="/assessments/\d+/"', history)) >= 4
    assert "Peer assessment" in history
    assert "Self-assessment" in html and "Manager" in html
    assert 'href="/growth-plans/' in html and "actions done" in html
    feedback = html[html.index("<h2>Feedback received</h2>") :]
    assert feedback.count("<li>") >= 3
    assert "Assessments you are writing" in html  # a peer assessment asked of them
    plan = GrowthPlan.objects.get(person=pm)
    assert plan.goals.filter(actions__done=True).exists()
    assert plan.goals.filter(actions__done=False).exists()


def test_the_demo_group_pm_assessed_their_reports_and_has_growth_of_their_own(demo, db, client):
    group_pm = person_of_account("Group PM")
    assert Assessment.objects.filter(author=group_pm, kind="manager").count() >= 2
    assert Assessment.objects.filter(person=group_pm, kind="manager", status="submitted").exists()
    client.force_login(group_pm.user)
    html = client.get("/my-growth/").content.decode()
    assert "Your direct reports" in html
    assert Feedback.objects.filter(giver=group_pm).exists()


def test_the_same_seed_makes_the_same_growth_data_and_another_seed_other_data(db):
    first = growth_made_from(3)
    assert first["assessments"] and first["plans"] and first["feedback"]
    assert growth_made_from(3) == first
    assert growth_made_from(4) != first
