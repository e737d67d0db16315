from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from productorg.factories import (
    AssessmentFactory,
    FeedbackFactory,
    MeetingFactory,
    OneOnOneFactory,
    RatingFactory,
)
from productorg.people.selectors import Readiness, readiness_verdict
from productorg.tests.test_text import LINK_ATTACKS, _unsafe_targets

LEAD = {3, 4}
EVERY = frozenset({1, 2, 3, 4, 5})


def submitted_manager_assessment(person, manager, scores: dict):
    assessment = AssessmentFactory(
        person=person,
        author=manager,
        kind="manager",
        status="submitted",
        submitted_at=timezone.now(),
    )
    for competency, score in scores.items():
        RatingFactory(
            assessment=assessment,
            competency=competency,
            score=score,
            evidence=f"Evidence for {competency.name}",
        )
    return assessment


@pytest.mark.parametrize(
    ("scores", "next_level", "to_lead"),
    [
        ({}, Readiness.UNKNOWN, Readiness.UNKNOWN),
        ({1: 4, 2: 4, 3: 3, 4: 3, 5: 3}, Readiness.READY, Readiness.READY),
        ({1: 4, 2: 2, 3: 2, 4: 2}, Readiness.NOT_YET, Readiness.NOT_YET),
        ({1: 4, 2: 4, 3: 1, 4: 4}, Readiness.NOT_YET, Readiness.NOT_YET),
        ({1: 2, 2: 2, 3: 3, 4: 3, 5: 2}, Readiness.EMERGING, Readiness.EMERGING),
        ({1: 3, 3: 4}, Readiness.READY, Readiness.NOT_YET),
    ],
)
def test_readiness_reads_the_latest_ratings(scores, next_level, to_lead):
    verdict = readiness_verdict(
        scores=scores, expected_ids=EVERY, leadership_ids={3, 4, 5}, on_ic_track=True
    )
    assert (verdict.next_level, verdict.to_lead) == (next_level, to_lead)


def test_manager_track_competencies_the_level_does_not_expect_do_not_hold_back_an_ic():
    scores = {1: 3, 2: 3, 3: 1}
    ic = readiness_verdict(
        scores=scores,
        expected_ids=frozenset({1, 2}),
        leadership_ids={3},
        on_ic_track=True,
        manager_track_ids=frozenset({3}),
    )
    assert ic.next_level == Readiness.READY
    assert ic.to_lead == Readiness.NOT_YET
    assert ic.gap_ids == frozenset()
    manager = readiness_verdict(
        scores=scores,
        expected_ids=EVERY,
        leadership_ids={3},
        on_ic_track=False,
        manager_track_ids=frozenset({3}),
    )
    assert manager.next_level == Readiness.NOT_YET


def test_nobody_is_ready_with_a_rating_below_meets_on_a_competency_their_level_expects():
    # Ten of fifteen exceed, so the shares alone would say "ready"; one expected competency
    # (a manager-track one the PM level asks for too) is rated 1.
    scores = dict.fromkeys(range(1, 11), 3) | {11: 2, 12: 2, 13: 2, 14: 2}
    scores[15] = 1
    verdict = readiness_verdict(
        scores=scores,
        expected_ids=frozenset(range(1, 16)),
        leadership_ids=set(),
        on_ic_track=True,
        manager_track_ids=frozenset({15}),
    )
    assert verdict.next_level == Readiness.EMERGING
    assert verdict.gap_ids == frozenset({15})


def test_people_on_the_manager_track_are_not_assessed_for_leading():
    verdict = readiness_verdict(
        scores={1: 2}, expected_ids=EVERY, leadership_ids={1}, on_ic_track=False
    )
    assert verdict.to_lead is None


def test_the_team_view_shows_each_report_with_cadence_assessment_and_readiness(
    client_for, org, framework
):
    one_on_one = OneOnOneFactory(manager=org.gabe, report=org.pia, cadence="weekly")
    MeetingFactory(
        one_on_one=one_on_one, date=timezone.localdate() - datetime.timedelta(30), held=True
    )
    submitted_manager_assessment(
        org.pia,
        org.gabe,
        {framework.discovery: 4, framework.delivery: 4, framework.coaching: 3, framework.hiring: 3},
    )
    response = client_for(org.dana).get("/people/")
    rows = {row.person.name: row for row in response.context["team"].rows}
    assert set(rows) == {"Gabe", "Greta", "Pia", "Paul", "Olive"}
    assert rows["Pia"].cadence.health == "overdue"
    assert rows["Pia"].readiness.next_level == Readiness.READY
    assert rows["Paul"].cadence.health == "missing"
    assert rows["Paul"].assessment_stale
    page = response.content.decode()
    assert "Your people" in page and "overdue" in page


def test_the_team_view_filters_by_level_manager_and_attention(client_for, org):
    client = client_for(org.dana)
    names = lambda url: sorted(r.person.name for r in client.get(url).context["team"].rows)  # noqa: E731
    assert names("/people/?level=group-pm") == ["Gabe", "Greta"]
    assert names(f"/people/?manager={org.greta.pk}") == ["Olive"]
    assert names("/people/?attention=no-plan") == ["Gabe", "Greta", "Olive", "Paul", "Pia"]
    assert names("/people/?level=nonsense&manager=abc&attention=whatever") == [
        "Gabe",
        "Greta",
        "Olive",
        "Paul",
        "Pia",
    ]


def test_the_team_view_never_shows_1_1_content(client_for, org):
    one_on_one = OneOnOneFactory(manager=org.gabe, report=org.pia)
    meeting = MeetingFactory(one_on_one=one_on_one, date=timezone.localdate(), held=True)
    from productorg.factories import AgendaItemFactory, PrivateNoteFactory

    AgendaItemFactory(meeting=meeting, author=org.pia, text="Salary worries, confidential")
    PrivateNoteFactory(meeting=meeting, author=org.gabe, text="Gabe's private thoughts")
    page = client_for(org.dana).get("/people/").content.decode()
    assert "Salary worries" not in page and "private thoughts" not in page


@pytest.mark.parametrize("viewer", ["pia", "gabe", "dana", "cora"])
def test_readiness_and_promotion_case_are_open_to_the_person_and_managers_above(
    client_for, org, framework, viewer
):
    submitted_manager_assessment(org.pia, org.gabe, {framework.coaching: 3})
    client = client_for(getattr(org, viewer))
    assert client.get(f"/people/{org.pia.pk}/readiness/").status_code == 200
    case = client.get(f"/people/{org.pia.pk}/readiness/promotion-case.md")
    assert case.status_code == 200
    assert case["Content-Type"].startswith("text/markdown")
    assert "# Promotion case: Pia" in case.content.decode()


@pytest.mark.parametrize("viewer", ["paul", "olive", "greta", "sam", "ada"])
def test_readiness_and_promotion_case_are_404_for_everyone_else(client_for, org, viewer):
    client = client_for(getattr(org, viewer))
    assert client.get(f"/people/{org.pia.pk}/readiness/").status_code == 404
    assert client.get(f"/people/{org.pia.pk}/readiness/promotion-case.md").status_code == 404


def test_the_promotion_case_links_ratings_feedback_and_goals(client_for, org, framework):
    submitted_manager_assessment(org.pia, org.gabe, {framework.coaching: 4})
    FeedbackFactory(
        giver=org.paul,
        recipient=org.pia,
        competency=framework.coaching,
        kind="praise",
        text="Pia onboarded our new APM brilliantly.",
    )
    FeedbackFactory(
        giver=org.olive,
        recipient=org.pia,
        competency=framework.coaching,
        kind="constructive",
        text="For the manager only.",
        visibility="managers",
    )
    case = client_for(org.pia).get(f"/people/{org.pia.pk}/readiness/promotion-case.md")
    text = case.content.decode()
    assert "### Coaching PMs" in text
    assert "Operating at the next level" in text
    assert "Evidence for Coaching PMs" in text
    assert "onboarded our new APM" in text
    # Feedback meant for the manager alone stays out of what the person downloads.
    assert "For the manager only" not in text
    gabe_case = client_for(org.gabe).get(f"/people/{org.pia.pk}/readiness/promotion-case.md")
    assert "For the manager only" in gabe_case.content.decode()


def test_the_promotion_case_keeps_no_live_html_or_dangerous_link(client_for, org, framework):
    assessment = submitted_manager_assessment(org.pia, org.gabe, {framework.coaching: 4})
    assessment.ratings.update(evidence="\n\n".join(LINK_ATTACKS))
    FeedbackFactory(
        giver=org.paul,
        recipient=org.pia,
        competency=framework.coaching,
        kind="praise",
        text='[x](javascript:alert(1)) <a href="javascript:alert(2)">y</a> [ok](https://ok.example)',
    )
    case = client_for(org.pia).get(f"/people/{org.pia.pk}/readiness/promotion-case.md")
    text = case.content.decode()
    assert "Evidence for Coaching PMs" not in text and "javascript:alert(1)" in text
    assert _unsafe_targets(text) == []
    assert "[ok](https://ok.example)" in text


def test_a_pm_sees_the_plain_people_list_not_the_team_view(client_for, org):
    response = client_for(org.pia).get("/people/")
    assert "team" not in response.context


def test_the_team_view_sums_up_1_1_cadence_per_manager(client_for, org):
    one_on_one = OneOnOneFactory(manager=org.gabe, report=org.pia, cadence="weekly")
    MeetingFactory(one_on_one=one_on_one, date=timezone.localdate(), held=True)
    team = client_for(org.dana).get("/people/").context["team"]
    by_manager = {entry.manager.name: entry for entry in team.cadence_by_manager}
    gabe = by_manager["Gabe"]
    assert (gabe.reports, gabe.on_track, gabe.overdue, gabe.missing) == (2, 1, 0, 1)
    assert gabe.last_held == timezone.localdate()
    assert by_manager["Dana"].missing == 2


def test_a_pm_two_months_in_with_a_gap_the_pm_level_expects_is_not_ready_anywhere(
    client_for, org, framework
):
    # Craft far above the level, but hiring (which the PM level expects) rated 1.
    org.pia.level_since = timezone.localdate() - datetime.timedelta(days=65)
    org.pia.save()
    submitted_manager_assessment(
        org.pia,
        org.gabe,
        {framework.discovery: 4, framework.delivery: 4, framework.coaching: 2, framework.hiring: 1},
    )
    team = client_for(org.gabe).get("/people/")
    row = next(row for row in team.context["team"].rows if row.person == org.pia)
    assert row.readiness.next_level != Readiness.READY
    assert team.context["team"].counts["ready"] == 0
    assert "2 m in level" in team.content.decode()

    page = client_for(org.pia).get(f"/people/{org.pia.pk}/readiness/").content.decode()
    assert "<strong>Ready</strong>" not in page
    assert "2 m in PM" in page
    assert "Below what PM expects: <strong>Hiring and onboarding</strong>" in page

    growth = client_for(org.pia).get(f"/people/{org.pia.pk}/growth/")
    assert growth.context["overview"].readiness == row.readiness
    assert "2 m in PM" in growth.content.decode()

    case = client_for(org.pia).get(f"/people/{org.pia.pk}/readiness/promotion-case.md")
    text = case.content.decode()
    assert "- Ready for the next level: ready" not in text
    assert "(2 m in level)" in text and "Below what PM expects: Hiring and onboarding" in text


def test_gaps_list_only_what_the_level_expects(client_for, org, framework):
    from productorg.factories import CompetencyFactory, ExpectationFactory
    from productorg.people.models import Level

    # Raising the bar of the function: nothing asked of a PM, first expected at Senior PM.
    pm_function = CompetencyFactory(
        category=framework.leadership, code="pm-function", name="Raising the bar", leadership=True
    )
    ExpectationFactory(competency=pm_function, level=Level.objects.get(code="senior-pm"))
    submitted_manager_assessment(
        org.pia,
        org.gabe,
        {
            framework.discovery: 4,
            framework.delivery: 3,
            framework.coaching: 3,
            framework.hiring: 3,
            pm_function: 1,
        },
    )
    response = client_for(org.pia).get(f"/people/{org.pia.pk}/growth/")
    overview = response.context["overview"]
    assert overview.gaps_current == []
    assert overview.readiness.gap_ids == frozenset()
    assert pm_function in [gap.competency for gap in overview.gaps_target]
    readiness = client_for(org.pia).get(f"/people/{org.pia.pk}/readiness/").context["view"]
    assert readiness.gaps == []
