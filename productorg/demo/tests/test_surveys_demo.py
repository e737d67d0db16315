from __future__ import annotations

from productorg.demo.generator import REFERENCE_DATE
from productorg.demo.surveys import surveys_demo_create
from productorg.function.surveys import selectors
from productorg.function.surveys.models import Answer, Invitation, Response, Survey


def test_the_demo_has_two_rounds_the_second_a_little_better(org):
    first, second = surveys_demo_create(seed=7, today=REFERENCE_DATE)
    assert (first.title, second.title) == ("Stakeholder pulse 2026-Q4", "Stakeholder pulse 2027-Q1")
    assert first.status_on(REFERENCE_DATE) == Survey.Status.CLOSED
    assert second.status_on(REFERENCE_DATE) == Survey.Status.OPEN
    old, new = (selectors.survey_results(survey=s) for s in (first, second))
    assert all(d.mean is not None for d in old.dimensions + new.dimensions)
    mean = [sum(d.mean for d in r.dimensions) / len(r.dimensions) for r in (old, new)]
    assert mean[1] > mean[0]
    trend = selectors.survey_trend()
    assert trend.rounds == [first.title, second.title]


def test_the_demo_shows_the_threshold_and_has_open_links(org):
    _, second = surveys_demo_create(seed=7, today=REFERENCE_DATE)
    results = selectors.survey_results(survey=second)
    assert len(results.teams) == 2
    assert results.other_responses == 3
    assert Invitation.objects.filter(survey=second, used_at__isnull=True).count() == 3
    assert not Response.objects.filter(invitation__isnull=False).exists()
    assert results.comments


def test_the_demo_surveys_repeat_from_the_seed_and_are_made_once(org):
    surveys_demo_create(seed=7, today=REFERENCE_DATE)
    ratings = sorted(Answer.objects.values_list("question__text", "rating", "comment"))
    assert surveys_demo_create(seed=7, today=REFERENCE_DATE) == []
    Survey.objects.all().delete()
    surveys_demo_create(seed=7, today=REFERENCE_DATE)
    assert sorted(Answer.objects.values_list("question__text", "rating", "comment")) == ratings
