"""Reads of growth data: assessments, growth plans and feedback, as the acting user may see them.

Assessments and growth plans are readable by the person and everyone above them (the direct
manager writes, the managers above only read); an assessment is also readable by its author,
and a draft by its author alone. Feedback follows `permissions.can_read_feedback`. Admins and
stakeholders read none of it. A selector returns None (or nothing) for what the user may not
see, and every face answers that with a 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Avg, Prefetch, Q, QuerySet
from django.utils import timezone

from productorg.accounts import permissions
from productorg.accounts.permissions import Role
from productorg.people.models import (
    Assessment,
    Competency,
    Feedback,
    GrowthAction,
    GrowthGoal,
    GrowthPlan,
    Level,
    Person,
    Rating,
    manager_chain_ids,
)
from productorg.people.selectors.framework import ExpectationView, expectations_for_level
from productorg.people.selectors.team import (
    ReadinessFramework,
    ReadinessVerdict,
    person_readiness,
)

if TYPE_CHECKING:
    from productorg.accounts.models import User

# Rating.Score in words short enough for a chart's tooltip.
SCORE_WORDS = ("below", "meets", "exceeds", "next level")
NEXT_LEVEL = Rating.Score.NEXT_LEVEL
OPEN_PLAN_STATUSES = (GrowthPlan.Status.DRAFT, GrowthPlan.Status.ACTIVE)
FEEDBACK_SHOWN = 30


def _member(user: User) -> Person | None:
    """The acting user's Person when they may hold people data at all (not admins, not
    stakeholders)."""
    if permissions.role_of(user) in {Role.ADMIN, Role.STAKEHOLDER}:
        return None
    return permissions.person_of(user)


# Expectations.


def _expectation_text(expectations: dict[int, ExpectationView], competency_id: int) -> str:
    view = expectations.get(competency_id)
    return view.text if view is not None else ""


def competencies_all() -> list[Competency]:
    """The framework's competencies in their display order, each with its category."""
    return list(Competency.objects.select_related("category"))


# Assessments.


def assessments_readable(*, user: User) -> QuerySet[Assessment]:
    """Assessments the user may open: their own (drafts included) and submitted ones of people
    whose growth they read."""
    me = _member(user)
    if me is None:
        return Assessment.objects.none()
    readable = permissions.growth_readable_person_ids(user)
    return Assessment.objects.filter(
        Q(author=me) | Q(status=Assessment.Status.SUBMITTED, person_id__in=readable)
    )


def growth_plans_readable(*, user: User) -> QuerySet[GrowthPlan]:
    """Growth plans the user may read: their own and those of people whose growth they read."""
    readable = permissions.growth_readable_person_ids(user)
    return GrowthPlan.objects.filter(person_id__in=readable)


@dataclass(frozen=True)
class AssessmentRow:
    """One competency of an assessment: its expectation at the assessed level and its rating."""

    competency: Competency
    expectation: str
    rating: Rating | None


@dataclass(frozen=True)
class AssessmentDetail:
    assessment: Assessment
    rows: list[AssessmentRow]
    can_edit: bool
    # A peer author reads their own assessment, but not the person's growth page.
    person_readable: bool

    @property
    def average(self) -> float | None:
        scores = [row.rating.score for row in self.rows if row.rating is not None]
        return round(sum(scores) / len(scores), 1) if scores else None


def assessment_detail(*, user: User, assessment_id: int) -> AssessmentDetail | None:
    """One assessment with a row per competency, or None when the user may not read it."""
    assessment = (
        assessments_readable(user=user)
        .select_related("person", "person__level", "person__manager", "author", "level")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        return None
    ratings = {
        rating.competency_id: rating
        for rating in Rating.objects.filter(assessment=assessment).only(
            "id", "assessment_id", "competency_id", "score", "evidence"
        )
    }
    expectations = expectations_for_level(level=assessment.level)
    rows = [
        AssessmentRow(
            competency=competency,
            expectation=_expectation_text(expectations, competency.pk),
            rating=ratings.get(competency.pk),
        )
        for competency in competencies_all()
    ]
    me = _member(user)
    can_edit = (
        me is not None
        and assessment.author_id == me.pk
        and assessment.status == Assessment.Status.DRAFT
    )
    return AssessmentDetail(
        assessment=assessment,
        rows=rows,
        can_edit=can_edit,
        person_readable=permissions.can_read_growth(user, assessment.person),
    )


def peer_candidates(*, person: Person) -> QuerySet[Person]:
    """Who may be asked for a peer assessment: anyone active who signs in, but the person and
    the managers above them."""
    return (
        Person.objects.filter(active=True, user__isnull=False)
        .exclude(pk__in=manager_chain_ids(person.pk))
        .select_related("level")
        .order_by("name")
    )


# Growth plans.


@dataclass(frozen=True)
class GoalView:
    goal: GrowthGoal
    actions: list[GrowthAction]

    @property
    def actions_done(self) -> int:
        return sum(1 for action in self.actions if action.done)


@dataclass(frozen=True)
class GrowthPlanView:
    """A growth plan with its goals and actions, and how far along it is."""

    plan: GrowthPlan
    goals: list[GoalView]
    can_write: bool

    @property
    def is_open(self) -> bool:
        return self.plan.status in OPEN_PLAN_STATUSES

    @property
    def editable(self) -> bool:
        return self.can_write and self.is_open

    @property
    def actions_total(self) -> int:
        return sum(len(goal.actions) for goal in self.goals)

    @property
    def actions_done(self) -> int:
        return sum(goal.actions_done for goal in self.goals)

    @property
    def goals_done(self) -> int:
        return sum(1 for goal in self.goals if goal.goal.status == GrowthGoal.Status.DONE)

    @property
    def progress_percent(self) -> int:
        """Done actions out of all actions; 0 for a plan without actions yet."""
        total = self.actions_total
        return round(100 * self.actions_done / total) if total else 0


def _plans_with_goals() -> QuerySet[GrowthPlan]:
    goals = GrowthGoal.objects.select_related("competency").prefetch_related(
        Prefetch("actions", queryset=GrowthAction.objects.order_by("done", "due_date", "pk"))
    )
    return GrowthPlan.objects.select_related(
        "person", "person__level", "target_level", "updated_by"
    ).prefetch_related(Prefetch("goals", queryset=goals))


def _plan_view(user: User, plan: GrowthPlan) -> GrowthPlanView:
    return GrowthPlanView(
        plan=plan,
        goals=[GoalView(goal=goal, actions=list(goal.actions.all())) for goal in plan.goals.all()],
        can_write=permissions.can_write_growth(user, plan.person),
    )


def growth_plan_detail(*, user: User, plan_id: int) -> GrowthPlanView | None:
    """One growth plan with goals and actions, or None when the user may not read it."""
    readable = permissions.growth_readable_person_ids(user)
    plan = _plans_with_goals().filter(pk=plan_id, person_id__in=readable).first()
    return None if plan is None else _plan_view(user, plan)


def growth_plan_open(*, user: User, person: Person) -> GrowthPlanView | None:
    """The person's open (draft or active) growth plan, if any and if the user may read it."""
    if not permissions.can_read_growth(user, person):
        return None
    plan = (
        _plans_with_goals()
        .filter(person=person, status__in=OPEN_PLAN_STATUSES)
        .order_by("-created_at", "-pk")
        .first()
    )
    return None if plan is None else _plan_view(user, plan)


def target_levels_for(*, person: Person) -> QuerySet[Level]:
    """Levels a growth plan may aim at: the person's own and every rung above it."""
    return Level.objects.filter(rank__gte=person.level.rank).order_by("rank")


# Feedback.


def _feedback_readable_q(user: User) -> Q | None:
    """The rule of `permissions.can_read_feedback` as a query; None when nothing is readable."""
    me = _member(user)
    if me is None:
        return None
    visible = permissions.visible_person_ids(user)
    return (
        Q(giver=me)
        | Q(visibility=Feedback.Visibility.RECIPIENT_AND_MANAGERS, recipient_id__in=visible)
        | Q(visibility=Feedback.Visibility.MANAGERS_ONLY, recipient__manager=me)
    )


def feedback_readable(*, user: User) -> QuerySet[Feedback]:
    """Every piece of feedback the user may read, newest first."""
    rule = _feedback_readable_q(user)
    if rule is None:
        return Feedback.objects.none()
    return (
        Feedback.objects.filter(rule)
        .select_related("giver", "recipient", "competency")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class FeedbackPage:
    me: Person
    received: list[Feedback]
    given: list[Feedback]
    about_my_people: list[Feedback]


def feedback_page(*, user: User) -> FeedbackPage | None:
    """Feedback the user received, gave, and (for a leader) received by the people below them."""
    me = _member(user)
    if me is None:
        return None
    readable = feedback_readable(user=user)
    return FeedbackPage(
        me=me,
        received=list(readable.filter(recipient=me)[:FEEDBACK_SHOWN]),
        given=list(readable.filter(giver=me)[:FEEDBACK_SHOWN]),
        about_my_people=list(readable.exclude(recipient=me).exclude(giver=me)[:FEEDBACK_SHOWN]),
    )


def feedback_recipients(*, user: User) -> QuerySet[Person]:
    """Whom the user may give feedback to: anyone active in the org but themselves."""
    me = _member(user)
    if me is None:
        return Person.objects.none()
    return Person.objects.filter(active=True).exclude(pk=me.pk).order_by("name")


# The growth page.


@dataclass(frozen=True)
class CompetencyRow:
    """One competency on the growth page: expectations now and next, latest ratings."""

    competency: Competency
    expectation: str
    next_expectation: str
    target_expectation: str
    self_score: int | None
    manager_score: int | None
    expected: bool = True  # False: the person's level asks nothing of this competency yet


@dataclass(frozen=True)
class Gap:
    competency: Competency
    score: int
    expectation: str


@dataclass(frozen=True)
class HistoryRow:
    assessment: Assessment
    average: float | None


@dataclass
class GrowthOverview:
    """Everything the growth page of one person shows, as the viewer may see it."""

    person: Person
    next_level: Level | None
    target_level: Level | None
    rows: list[CompetencyRow]
    self_assessment: Assessment | None
    manager_assessment: Assessment | None
    gaps_source: Assessment | None
    gaps_current: list[Gap]
    gaps_target: list[Gap]
    readiness: ReadinessVerdict
    history: list[HistoryRow]
    plan: GrowthPlanView | None
    past_plans: list[GrowthPlan]
    feedback: list[Feedback]
    drafts: list[Assessment]
    reports: list[Person]
    is_self: bool
    can_write: bool
    can_manage: bool
    peer_candidates: list[Person] = field(default_factory=list)
    target_levels: list[Level] = field(default_factory=list)

    @property
    def competency_names(self) -> list[str]:
        return [row.competency.name for row in self.rows]


def growth_overview(*, user: User, person_id: int) -> GrowthOverview | None:
    """The growth page of a person, or None when the user may not read their growth."""
    me = _member(user)
    if me is None or person_id not in permissions.growth_readable_person_ids(user):
        return None
    person = (
        Person.objects.select_related("level", "manager", "manager__level")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        return None
    levels = list(Level.objects.filter(rank__gte=person.level.rank).order_by("rank"))
    next_level = levels[1] if len(levels) > 1 else None
    plan = growth_plan_open(user=user, person=person)
    target_level = plan.plan.target_level if plan is not None else next_level

    history = [
        HistoryRow(assessment=assessment, average=_rounded(assessment.average_score))
        for assessment in (
            Assessment.objects.filter(person=person, status=Assessment.Status.SUBMITTED)
            .select_related("author", "level")
            .annotate(average_score=Avg("ratings__score"))
            .order_by("-submitted_at", "-pk")
        )
    ]
    latest: dict[str, Assessment] = {}
    for row in history:
        latest.setdefault(row.assessment.kind, row.assessment)
    self_assessment = latest.get(Assessment.Kind.SELF)
    manager_assessment = latest.get(Assessment.Kind.MANAGER)
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    shown = [a.pk for a in (self_assessment, manager_assessment) if a is not None]
    for assessment_id, competency_id, score in Rating.objects.filter(
        assessment_id__in=shown
    ).values_list("assessment_id", "competency_id", "score"):
        scores[assessment_id][competency_id] = score

    current = expectations_for_level(level=person.level)
    following = expectations_for_level(level=next_level) if next_level else {}
    if target_level is None or target_level == next_level:
        targeted = following
    elif target_level == person.level:
        targeted = current
    else:
        targeted = expectations_for_level(level=target_level)
    competencies = competencies_all()
    rows = [
        CompetencyRow(
            competency=competency,
            expectation=_expectation_text(current, competency.pk),
            next_expectation=_expectation_text(following, competency.pk),
            target_expectation=_expectation_text(targeted, competency.pk),
            self_score=scores[self_assessment.pk].get(competency.pk) if self_assessment else None,
            manager_score=(
                scores[manager_assessment.pk].get(competency.pk) if manager_assessment else None
            ),
            expected=competency.pk in current,
        )
        for competency in competencies
    ]
    # The manager's view of the gaps counts when there is one; until then the person's own,
    # as for the readiness verdict beside them.
    gaps_source = manager_assessment or self_assessment
    source_scores = scores[gaps_source.pk] if gaps_source is not None else {}
    readiness = person_readiness(
        person=person,
        scores=source_scores,
        # What the verdict needs of the framework is on hand already: no query for it.
        framework=ReadinessFramework(
            leadership_ids=frozenset(c.pk for c in competencies if c.leadership),
            manager_track_ids=frozenset(
                c.pk for c in competencies if c.category.manager_track_only
            ),
            expected_by_level={person.level_id: frozenset(current)},
        ),
        today=timezone.localdate(),
    )
    gaps_current, gaps_target = _gaps(
        rows,
        source_scores,
        readiness.gap_ids,
        target_expected=frozenset(targeted) if target_level is not None else None,
    )

    drafts = Assessment.objects.filter(author=me, status=Assessment.Status.DRAFT).select_related(
        "person"
    )
    if person.pk != me.pk:
        drafts = drafts.filter(person=person)
    can_manage = permissions.can_manage(user, person)
    can_write = permissions.can_write_growth(user, person)
    feedback_rule = _feedback_readable_q(user)
    return GrowthOverview(
        person=person,
        next_level=next_level,
        target_level=target_level,
        rows=rows,
        self_assessment=self_assessment,
        manager_assessment=manager_assessment,
        gaps_source=gaps_source,
        gaps_current=gaps_current,
        gaps_target=gaps_target,
        readiness=readiness,
        history=history,
        plan=plan,
        past_plans=list(
            GrowthPlan.objects.filter(person=person)
            .exclude(status__in=OPEN_PLAN_STATUSES)
            .select_related("target_level")
            .order_by("-created_at", "-pk")
        ),
        feedback=list(
            Feedback.objects.filter(feedback_rule, recipient=person)
            .select_related("giver", "competency")
            .order_by("-created_at", "-pk")[:FEEDBACK_SHOWN]
        ),
        drafts=list(drafts.order_by("-created_at")),
        reports=list(
            Person.objects.filter(manager=person, active=True)
            .select_related("level")
            .order_by("name")
        ),
        is_self=person.pk == me.pk,
        can_write=can_write,
        can_manage=can_manage,
        peer_candidates=list(peer_candidates(person=person)) if can_manage else [],
        target_levels=levels if can_write and plan is None else [],
    )


def _gaps(
    rows: list[CompetencyRow],
    scores: dict[int, int],
    gap_ids: frozenset[int],
    *,
    target_expected: frozenset[int] | None,
) -> tuple[list[Gap], list[Gap]]:
    """The gaps against the current level (`current_level_gaps`, as the readiness verdict
    counts them), and the competencies the target level expects not yet rated "next level".

    A competency a level does not expect is no gap against that level, whatever its rating.
    """
    current, target = [], []
    for row in rows:
        score = scores.get(row.competency.pk)
        if score is None:
            continue
        if row.competency.pk in gap_ids:
            current.append(Gap(row.competency, score, row.expectation))
        expected_there = target_expected is not None and row.competency.pk in target_expected
        if expected_there and score < NEXT_LEVEL:
            target.append(Gap(row.competency, score, row.target_expectation))
    target.sort(key=lambda gap: gap.score)
    return current, target


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def my_person_id(*, user: User) -> int | None:
    """The id of the signed-in member's Person (None for admins, stakeholders, no Person)."""
    me = _member(user)
    return None if me is None else me.pk


def growth_person(*, user: User, person_id: int) -> Person | None:
    """A person whose growth the user may read (with level and manager), else None."""
    if _member(user) is None or person_id not in permissions.growth_readable_person_ids(user):
        return None
    return Person.objects.select_related("level", "manager").filter(pk=person_id).first()


def growth_goal_readable(*, user: User, goal_id: int) -> GrowthGoal | None:
    """A goal of a growth plan the user may read, with its plan and person, else None."""
    readable = permissions.growth_readable_person_ids(user)
    return (
        GrowthGoal.objects.select_related("plan", "plan__person", "plan__person__level")
        .filter(pk=goal_id, plan__person_id__in=readable)
        .first()
    )


def growth_action_readable(*, user: User, action_id: int) -> GrowthAction | None:
    """An action of a growth plan the user may read, with its goal, plan and person, else None."""
    readable = permissions.growth_readable_person_ids(user)
    return (
        GrowthAction.objects.select_related("goal", "goal__plan", "goal__plan__person")
        .filter(pk=action_id, goal__plan__person_id__in=readable)
        .first()
    )
