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
    verdict = readiness_verdict(scores=scores, leadership_ids={3, 4, 5}, on_ic_track=True)
    assert (verdict.next_level, verdict.to_lead) == (next_level, to_lead)


def test_manager_track_competencies_do_not_hold_back_an_ics_next_level():
    scores = {1: 3, 2: 3, 3: 1}
    ic = readiness_verdict(
        scores=scores, leadership_ids={3}, on_ic_track=True, manager_track_ids=frozenset({3})
    )
    assert ic.next_level == Readiness.READY
    assert ic.to_lead == Readiness.NOT_YET
    manager = readiness_verdict(
        scores=scores, leadership_ids={3}, on_ic_track=False, manager_track_ids=frozenset({3})
    )
    assert manager.next_level == Readiness.NOT_YET


def test_people_on_the_manager_track_are_not_assessed_for_leading():
    verdict = readiness_verdict(scores={1: 2}, leadership_ids={1}, on_ic_track=False)
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
