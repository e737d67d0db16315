"""The leader's team view and leadership readiness: who is growing, who is ready, who is not seen.

Readiness is read from the latest submitted manager assessment (the person's own when there is
none yet): ratings are Rating.Score, 2 meaning "meets" the expectation of the current level.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Q
from django.utils import timezone

from productorg.accounts import permissions
from productorg.accounts.permissions import Role
from productorg.people.models import (
    Assessment,
    Competency,
    Feedback,
    GrowthGoal,
    GrowthPlan,
    Level,
    Person,
    Rating,
)
from productorg.people.selectors.framework import expected_competency_ids
from productorg.people.selectors.one_on_ones import PairCadence, one_on_one_cadence_for_leader
from productorg.text import inert_markdown, md_escape, quoted

if TYPE_CHECKING:
    from productorg.accounts.models import User

# An assessment older than this no longer describes the person.
ASSESSMENT_STALE_DAYS = 200
# Readiness for the next level: half the competencies exceed the level, hardly any fall short.
READY_SHARE_EXCEEDING, READY_SHARE_BELOW = 0.5, 0.1
EMERGING_SHARE_EXCEEDING, EMERGING_SHARE_BELOW = 0.3, 0.2
# Readiness to lead people: enough leadership competencies rated, all at "exceeds" or more.
LEADERSHIP_MIN_RATED = 3
LEADERSHIP_READY = Rating.Score.EXCEEDS
LEADERSHIP_EMERGING = 2.5


class Readiness:
    READY = "ready"
    EMERGING = "emerging"
    NOT_YET = "not yet"
    UNKNOWN = "no assessment"


def time_in_level_text(days: int | None) -> str:
    """Days in the current level as "1 y 4 m" (or "2 m"); "—" when the start is unknown."""
    if days is None:
        return "—"
    years, rest = divmod(days, 365)
    months = rest // 30
    return f"{years} y {months} m" if years else f"{months} m"


@dataclass(frozen=True)
class ReadinessVerdict:
    next_level: str
    to_lead: str | None  # None: already on the manager track
    # Competencies the current level expects that are rated below "meets".
    gap_ids: frozenset[int] = frozenset()
    # Shown beside the verdict: readiness after two months in a level reads differently.
    time_in_level_days: int | None = None

    @property
    def time_in_level(self) -> str:
        return time_in_level_text(self.time_in_level_days)

    @property
    def gap_count(self) -> int:
        return len(self.gap_ids)


def current_level_gaps(*, scores: dict[int, int], expected_ids: frozenset[int]) -> frozenset[int]:
    """The competencies the current level expects that are rated below "meets": the one
    definition of a gap that the readiness verdict, the growth page and reports share."""
    return frozenset(
        competency
        for competency, score in scores.items()
        if competency in expected_ids and score < Rating.Score.MEETS
    )


def readiness_verdict(
    *,
    scores: dict[int, int],
    expected_ids: frozenset[int],
    leadership_ids: set[int] | frozenset[int],
    on_ic_track: bool,
    manager_track_ids: frozenset[int] = frozenset(),
    time_in_level_days: int | None = None,
) -> ReadinessVerdict:
    """Readiness for the next level and (on the IC track) for people leadership.

    For someone on the IC track the manager-track competencies are the road to leading, not
    part of the next IC level, so they count only toward `to_lead` — unless the current level
    expects them: a rating below "meets" on anything the current level expects is a gap, and
    nobody with a gap is ready for the next level.
    """
    gaps = current_level_gaps(scores=scores, expected_ids=expected_ids)
    judged = [
        score
        for competency, score in scores.items()
        if not (on_ic_track and competency in manager_track_ids)
    ]
    if not judged:
        next_level = Readiness.UNKNOWN
    else:
        exceeding = sum(score >= Rating.Score.EXCEEDS for score in judged) / len(judged)
        below = len(gaps) / len(judged)
        if exceeding >= READY_SHARE_EXCEEDING and not gaps:
            next_level = Readiness.READY
        elif exceeding >= EMERGING_SHARE_EXCEEDING and below <= EMERGING_SHARE_BELOW:
            next_level = Readiness.EMERGING
        else:
            next_level = Readiness.NOT_YET
    if not on_ic_track:
        return ReadinessVerdict(next_level, None, gaps, time_in_level_days)
    leading = [score for competency, score in scores.items() if competency in leadership_ids]
    if not leading:
        to_lead = Readiness.UNKNOWN
    elif len(leading) < LEADERSHIP_MIN_RATED:
        to_lead = Readiness.NOT_YET
    elif min(leading) >= LEADERSHIP_READY:
        to_lead = Readiness.READY
    elif sum(leading) / len(leading) >= LEADERSHIP_EMERGING:
        to_lead = Readiness.EMERGING
    else:
        to_lead = Readiness.NOT_YET
    return ReadinessVerdict(next_level, to_lead, gaps, time_in_level_days)


@dataclass(frozen=True)
class ReadinessFramework:
    """What the verdict needs from the career framework, read once for many people."""

    leadership_ids: frozenset[int]
    manager_track_ids: frozenset[int]
    expected_by_level: dict[int, frozenset[int]]


def readiness_framework(*, levels: list[Level] | None = None) -> ReadinessFramework:
    """The framework facts every readiness verdict reads: two queries, and one more for the
    levels unless given."""
    leadership, manager_track = set(), set()
    for competency_id, leads, manager_only in Competency.objects.values_list(
        "id", "leadership", "category__manager_track_only"
    ):
        if leads:
            leadership.add(competency_id)
        if manager_only:
            manager_track.add(competency_id)
    return ReadinessFramework(
        leadership_ids=frozenset(leadership),
        manager_track_ids=frozenset(manager_track),
        expected_by_level=expected_competency_ids(
            levels=levels if levels is not None else list(Level.objects.all())
        ),
    )


def person_readiness(
    *,
    person: Person,
    scores: dict[int, int],
    framework: ReadinessFramework,
    today: datetime.date,
) -> ReadinessVerdict:
    """The readiness verdict of `person` from the scores of their latest assessment; the one
    call every page, download and report that shows a verdict goes through."""
    since = person.in_level_since
    return readiness_verdict(
        scores=scores,
        expected_ids=framework.expected_by_level.get(person.level_id, frozenset()),
        leadership_ids=framework.leadership_ids,
        on_ic_track=person.level.track == Level.Track.IC,
        manager_track_ids=framework.manager_track_ids,
        time_in_level_days=(today - since).days if since else None,
    )


@dataclass
class TeamMemberRow:
    person: Person
    time_in_level_days: int | None
    cadence: PairCadence | None
    last_assessed: datetime.date | None
    assessment_stale: bool
    plan_status: str | None
    plan_progress: int | None  # percent of goals done
    readiness: ReadinessVerdict

    @property
    def time_in_level(self) -> str:
        return time_in_level_text(self.time_in_level_days)


@dataclass
class ManagerCadence:
    """How one manager keeps up the 1:1s with their direct reports: counts and dates only."""

    manager: Person
    reports: int = 0
    on_track: int = 0
    overdue: int = 0
    missing: int = 0
    last_held: datetime.date | None = None


@dataclass
class TeamView:
    rows: list[TeamMemberRow]
    levels: list[Level]
    managers: list[Person]
    counts: dict[str, int] = field(default_factory=dict)
    cadence_by_manager: list[ManagerCadence] = field(default_factory=list)

    @property
    def assessed_percent(self) -> int:
        people = self.counts.get("people", 0)
        return round(100 * (people - self.counts.get("stale", 0)) / people) if people else 0

    @property
    def planned_percent(self) -> int:
        people = self.counts.get("people", 0)
        return round(100 * (people - self.counts.get("no_plan", 0)) / people) if people else 0


TEAM_FILTERS = ("level", "manager", "attention")


def team_view(
    *,
    user: User,
    level_code: str | None = None,
    manager_id: int | None = None,
    attention: str | None = None,
    today: datetime.date | None = None,
) -> TeamView | None:
    """Everyone below a leader with growth and 1:1 meta; None for anyone who is not a leader.

    A fixed number of queries whatever the org size. `attention` keeps only rows that need
    it: "overdue" 1:1s, "no-plan", "stale" assessments, "ready" for a next step.
    """
    if permissions.role_of(user) != Role.LEADER:
        return None
    today = today or timezone.localdate()
    me = permissions.person_of(user)
    ids = permissions.visible_person_ids(user) - {me.pk}
    people = list(
        Person.objects.filter(pk__in=ids, active=True)
        .select_related("level", "manager")
        .order_by("-level__rank", "name")
    )
    cadences = {row.report.pk: row for row in one_on_one_cadence_for_leader(user=user, today=today)}
    latest = _latest_assessments(person_ids=[person.pk for person in people])
    scores = _scores(assessment_ids=[assessment.pk for assessment in latest.values()])
    levels = list(Level.objects.all())
    framework = readiness_framework(levels=levels)
    plans = {
        plan.person_id: plan
        for plan in GrowthPlan.objects.filter(
            person_id__in=ids, status__in=[GrowthPlan.Status.DRAFT, GrowthPlan.Status.ACTIVE]
        ).annotate(
            goal_count=Count("goals"),
            goals_done=Count("goals", filter=Q(goals__status=GrowthGoal.Status.DONE)),
        )
    }
    rows = []
    for person in people:
        assessment = latest.get(person.pk)
        plan = plans.get(person.pk)
        since = person.in_level_since
        last_assessed = assessment.submitted_at.date() if assessment else None
        rows.append(
            TeamMemberRow(
                person=person,
                time_in_level_days=(today - since).days if since else None,
                cadence=cadences.get(person.pk),
                last_assessed=last_assessed,
                assessment_stale=last_assessed is None
                or (today - last_assessed).days > ASSESSMENT_STALE_DAYS,
                plan_status=plan.get_status_display() if plan else None,
                plan_progress=(
                    round(100 * plan.goals_done / plan.goal_count)
                    if plan and plan.goal_count
                    else None
                ),
                readiness=person_readiness(
                    person=person,
                    scores=scores.get(assessment.pk, {}) if assessment else {},
                    framework=framework,
                    today=today,
                ),
            )
        )
    managers = sorted({row.person.manager for row in rows if row.person.manager}, key=str)
    counts = {
        "people": len(rows),
        "overdue": sum(1 for row in rows if row.cadence and row.cadence.health != "on-track"),
        "no_plan": sum(1 for row in rows if row.plan_status is None),
        "stale": sum(1 for row in rows if row.assessment_stale),
        "ready": sum(1 for row in rows if _ready(row)),
    }
    by_manager: dict[int, ManagerCadence] = {}
    for cadence in cadences.values():
        entry = by_manager.setdefault(cadence.manager.pk, ManagerCadence(manager=cadence.manager))
        entry.reports += 1
        if cadence.health == "on-track":
            entry.on_track += 1
        elif cadence.health == "overdue":
            entry.overdue += 1
        else:
            entry.missing += 1
        if cadence.last_held and (entry.last_held is None or cadence.last_held > entry.last_held):
            entry.last_held = cadence.last_held
    cadence_by_manager = sorted(
        by_manager.values(), key=lambda entry: (-entry.manager.level.rank, entry.manager.name)
    )
    if level_code:
        rows = [row for row in rows if row.person.level.code == level_code]
    if manager_id:
        rows = [row for row in rows if row.person.manager_id == manager_id]
    if attention == "overdue":
        rows = [row for row in rows if row.cadence and row.cadence.health != "on-track"]
    elif attention == "no-plan":
        rows = [row for row in rows if row.plan_status is None]
    elif attention == "stale":
        rows = [row for row in rows if row.assessment_stale]
    elif attention == "ready":
        rows = [row for row in rows if _ready(row)]
    return TeamView(
        rows=rows,
        levels=levels,
        managers=managers,
        counts=counts,
        cadence_by_manager=cadence_by_manager,
    )


def _ready(row: TeamMemberRow) -> bool:
    return Readiness.READY in {row.readiness.next_level, row.readiness.to_lead}


def _latest_assessments(*, person_ids: list[int]) -> dict[int, Assessment]:
    """Each person's latest submitted manager assessment, else their latest self-assessment."""
    latest: dict[int, Assessment] = {}
    for assessment in (
        Assessment.objects.filter(
            person_id__in=person_ids,
            status=Assessment.Status.SUBMITTED,
            kind__in=[Assessment.Kind.MANAGER, Assessment.Kind.SELF],
        )
        .only("id", "person_id", "kind", "submitted_at")
        .order_by("-submitted_at", "-pk")
    ):
        current = latest.get(assessment.person_id)
        if current is None or (
            current.kind == Assessment.Kind.SELF and assessment.kind == Assessment.Kind.MANAGER
        ):
            latest[assessment.person_id] = assessment
    return latest


def _scores(*, assessment_ids: list[int]) -> dict[int, dict[int, int]]:
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for assessment_id, competency_id, score in Rating.objects.filter(
        assessment_id__in=assessment_ids
    ).values_list("assessment_id", "competency_id", "score"):
        scores[assessment_id][competency_id] = score
    return scores


# What a leader has to write.


@dataclass(frozen=True)
class AssessmentToWrite:
    """An assessment the leader has started (a draft) or owes a direct report (none within
    ASSESSMENT_STALE_DAYS, and no draft yet)."""

    person: Person
    kind: str
    draft: Assessment | None
    last_submitted: datetime.date | None


def assessments_to_write(
    *, user: User, today: datetime.date | None = None
) -> list[AssessmentToWrite]:
    """The user's own unsubmitted manager and peer assessments, then each direct report whose
    latest manager assessment is missing or stale; drafts first. Two queries."""
    me = permissions.person_of(user)
    if me is None or permissions.role_of(user) != Role.LEADER:
        return []
    today = today or timezone.localdate()
    drafts = list(
        Assessment.objects.filter(author=me, status=Assessment.Status.DRAFT)
        .exclude(kind=Assessment.Kind.SELF)
        .select_related("person", "person__level")
        .order_by("created_at", "pk")
    )
    drafted = {draft.person_id for draft in drafts if draft.kind == Assessment.Kind.MANAGER}
    reports = (
        Person.objects.filter(manager=me, active=True)
        .annotate(
            latest=Max(
                "assessments__submitted_at",
                filter=Q(
                    assessments__kind=Assessment.Kind.MANAGER,
                    assessments__status=Assessment.Status.SUBMITTED,
                ),
            )
        )
        .order_by("name")
    )
    rows = [
        AssessmentToWrite(person=draft.person, kind=draft.kind, draft=draft, last_submitted=None)
        for draft in drafts
    ]
    for person in reports:
        latest = person.latest
        latest_day = timezone.localdate(latest) if latest else None
        due = latest_day is None or (today - latest_day).days > ASSESSMENT_STALE_DAYS
        if due and person.pk not in drafted:
            rows.append(
                AssessmentToWrite(
                    person=person,
                    kind=Assessment.Kind.MANAGER,
                    draft=None,
                    last_submitted=latest_day,
                )
            )
    return rows


# Leadership readiness of one person.


@dataclass(frozen=True)
class LeadershipEvidence:
    competency: Competency
    score: int | None
    evidence: str
    feedback: list[Feedback]
    goals: list[GrowthGoal]


@dataclass
class ReadinessView:
    person: Person
    assessment: Assessment | None
    verdict: ReadinessVerdict
    gaps: list[Competency]
    competencies: list[LeadershipEvidence]


def readiness_detail(*, user: User, person_id: int) -> ReadinessView | None:
    """The readiness of a person for people leadership, with its evidence; None if not readable.

    Evidence is what the viewer may read anyway: the assessment's ratings and evidence,
    feedback under the same rule as everywhere, growth-plan goals tied to the competency.
    """
    from productorg.people.selectors.growth import feedback_readable

    if person_id not in permissions.growth_readable_person_ids(user):
        return None
    person = Person.objects.select_related("level", "manager").filter(pk=person_id).first()
    if person is None:
        return None
    assessment = _latest_assessments(person_ids=[person.pk]).get(person.pk)
    ratings = {
        rating.competency_id: rating
        for rating in Rating.objects.filter(assessment=assessment).select_related("competency")
    }
    competencies = list(Competency.objects.filter(leadership=True).select_related("category"))
    feedback = defaultdict(list)
    for item in (
        feedback_readable(user=user)
        .filter(recipient=person, competency__in=competencies)
        .select_related("giver")
    ):
        feedback[item.competency_id].append(item)
    goals = defaultdict(list)
    for goal in GrowthGoal.objects.filter(
        plan__person=person, competency__in=competencies
    ).select_related("plan"):
        goals[goal.competency_id].append(goal)
    scores = {competency_id: rating.score for competency_id, rating in ratings.items()}
    framework = readiness_framework()
    verdict = person_readiness(
        person=person, scores=scores, framework=framework, today=timezone.localdate()
    )
    return ReadinessView(
        person=person,
        assessment=assessment,
        verdict=verdict,
        gaps=list(Competency.objects.filter(pk__in=verdict.gap_ids)),
        competencies=[
            LeadershipEvidence(
                competency=competency,
                score=scores.get(competency.pk),
                evidence=ratings[competency.pk].evidence if competency.pk in ratings else "",
                feedback=feedback[competency.pk],
                goals=goals[competency.pk],
            )
            for competency in competencies
        ],
    )


def promotion_case_markdown(*, view: ReadinessView) -> str:
    """A promotion case for the move to people leadership, as Markdown for a doc or a wiki;
    names and titles escaped, evidence and feedback inert (`productorg.text`)."""
    score_words = dict(Rating.Score.choices)
    person = view.person
    lines = [
        f"# Promotion case: {md_escape(person.name)}",
        "",
        f"- Current level: {md_escape(person.level.name)} ({view.verdict.time_in_level} in level)",
        f"- Ready for the next level: {view.verdict.next_level}",
    ]
    if view.gaps:
        names = ", ".join(md_escape(competency.name) for competency in view.gaps)
        lines.append(f"- Below what {md_escape(person.level.name)} expects: {names}")
    if view.verdict.to_lead is not None:
        lines.append(f"- Ready to lead people: {view.verdict.to_lead}")
    if view.assessment is not None:
        lines.append(
            f"- Based on the {view.assessment.get_kind_display().lower()} of "
            f"{view.assessment.submitted_at:%d %B %Y}"
        )
    lines += ["", "## Leadership competencies", ""]
    for item in view.competencies:
        rating = score_words.get(item.score, "not rated")
        lines += [f"### {md_escape(item.competency.name)}", "", f"Rating: **{rating}**", ""]
        if item.evidence:
            lines += [quoted(item.evidence), ""]
        for feedback in item.feedback:
            text = inert_markdown(" ".join(feedback.text.split()))
            lines.append(
                f"- {feedback.get_kind_display()} from {md_escape(feedback.giver.name)}: {text}"
            )
        for goal in item.goals:
            lines.append(
                f"- Growth goal ({goal.get_status_display().lower()}): {md_escape(goal.title)}"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
