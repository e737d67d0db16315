"""Writes to growth data: assessments, growth plans and feedback.

Every service takes the acting user and checks the rules of DESIGN.md again, whatever the face
checked before: the person writes their self-assessment and growth plan, their direct manager
writes the manager assessment and the growth plan too, managers above only read. A write the
rules refuse raises a `GrowthError` whose message says why (and `field` names the form field at
fault); faces show it. Who may not even read the data gets a 404 from the face before this.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from productorg import once
from productorg.accounts import permissions
from productorg.accounts.permissions import Role
from productorg.limits import too_long, too_long_message
from productorg.people.models import (
    AgendaItem,
    Assessment,
    Competency,
    Feedback,
    GrowthAction,
    GrowthGoal,
    GrowthPlan,
    Level,
    Meeting,
    OneOnOne,
    Person,
    Rating,
    manager_chain_ids,
)
from productorg.people.models.growth import EVIDENCE_MAX_LENGTH
from productorg.people.services import one_on_ones

if TYPE_CHECKING:
    from productorg.accounts.models import User

OPEN_PLAN_STATUSES = (GrowthPlan.Status.DRAFT, GrowthPlan.Status.ACTIVE)
TITLE_MAX_LENGTH = GrowthGoal._meta.get_field("title").max_length


class GrowthError(Exception):
    """A growth write the rules refuse; the message is for the user, `field` names the input."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class GrowthNotAllowed(GrowthError):
    """The user may read this growth data but not write it (faces answer 403)."""


class AssessmentLocked(GrowthError):
    """A submitted assessment is read-only."""


class StaleGrowthPlan(GrowthError):
    """The plan changed since the user loaded it; `current` is the plan as it is now."""

    def __init__(self, current: GrowthPlan, *, me: Person | None = None) -> None:
        if me is not None and current.updated_by_id == me.pk:
            # Their own save from another tab, or from this page before Back: not a rival.
            at = timezone.localtime(current.updated_at).strftime("%H:%M")
            message = (
                f"You saved this growth plan in another tab or window at {at}, so this change, "
                "made on an older copy of the page, was not saved. The plan as it is now is "
                "shown; your input is kept — check it and save again."
            )
        else:
            who = current.updated_by.name if current.updated_by else "Someone"
            message = (
                f"{who} changed this growth plan while you were editing it, so your change was "
                "not saved. Their version is shown; your input is kept — check it and save again."
            )
        super().__init__(message)
        self.current = current


def _me(user: User) -> Person:
    me = permissions.person_of(user)
    if me is None or permissions.role_of(user) in {Role.ADMIN, Role.STAKEHOLDER}:
        raise GrowthNotAllowed("Only members of the product org write growth data.")
    return me


# Assessments.


@dataclass(frozen=True)
class RatingInput:
    """One competency's rating in a form: a score 1-4 (or None while a draft) and evidence."""

    score: int | None
    evidence: str = ""


@transaction.atomic
def assessment_start(
    *, user: User, person: Person, kind: str, peer: Person | None = None
) -> Assessment:
    """Start (or pick up the open draft of) an assessment of `person`.

    Self: only the person. Manager: only their direct manager. Peer: their direct manager asks
    `peer` — anyone active who is neither the person nor above them — who then writes it.
    """
    me = _me(user)
    if kind == Assessment.Kind.SELF:
        if person.pk != me.pk:
            raise GrowthNotAllowed(
                f"Only {person.name} writes their self-assessment.", field="kind"
            )
        author = me
    elif kind == Assessment.Kind.MANAGER:
        if not permissions.can_manage(user, person):
            raise GrowthNotAllowed(
                f"Only {person.name}'s direct manager writes their manager assessment: you do "
                "not manage them.",
                field="kind",
            )
        author = me
    elif kind == Assessment.Kind.PEER:
        if not permissions.can_manage(user, person):
            raise GrowthNotAllowed(
                f"Only {person.name}'s direct manager asks for a peer assessment.", field="kind"
            )
        if peer is None:
            raise GrowthError("Choose the peer who will write the assessment.", field="peer")
        if not peer.active or peer.user_id is None or peer.pk in manager_chain_ids(person.pk):
            raise GrowthError(
                f"{peer.name} cannot write a peer assessment of {person.name}: a peer is "
                "someone other than the person and the managers above them, who signs in.",
                field="peer",
            )
        author = peer
    else:
        raise GrowthError("Choose self, manager or peer assessment.", field="kind")
    draft = Assessment.objects.filter(
        person=person, author=author, kind=kind, status=Assessment.Status.DRAFT
    ).first()
    if draft is not None:
        return draft
    return Assessment.objects.create(person=person, author=author, kind=kind, level=person.level)


def _editable(user: User, assessment: Assessment) -> Person:
    me = _me(user)
    if assessment.author_id != me.pk:
        raise GrowthNotAllowed("Only the author of an assessment edits it.")
    # Read the status afresh and lock the row: a submit in another tab must win cleanly.
    status = (
        Assessment.objects.select_for_update()
        .filter(pk=assessment.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status != Assessment.Status.DRAFT:
        raise AssessmentLocked(
            "This assessment has been submitted and is read-only: nothing was changed."
        )
    return me


def _check_ratings(ratings: Mapping[int, RatingInput], competencies: dict[int, Competency]) -> None:
    for competency_id, rating in ratings.items():
        competency = competencies.get(competency_id)
        if competency is None:
            raise GrowthError("A rating names a competency that does not exist.", field="score")
        if rating.score is not None and rating.score not in Rating.Score.values:
            raise GrowthError(
                f"{competency.name}: a rating is 1 (below) to 4 (next level), not {rating.score}.",
                field=f"score_{competency_id}",
            )
        if len(rating.evidence) > EVIDENCE_MAX_LENGTH:
            raise GrowthError(
                f"{competency.name}: the evidence is {len(rating.evidence):,} characters long; "
                f"at most {EVIDENCE_MAX_LENGTH:,} fit.",
                field=f"evidence_{competency_id}",
            )


@transaction.atomic
def assessment_rate(
    *,
    user: User,
    assessment: Assessment,
    ratings: Mapping[int, RatingInput],
    summary: str = "",
) -> Assessment:
    """Save a draft's ratings and evidence (a competency without score or evidence is cleared)."""
    _editable(user, assessment)
    competencies = Competency.objects.in_bulk()
    _check_ratings(ratings, competencies)
    if len(summary) > EVIDENCE_MAX_LENGTH:
        raise GrowthError(
            too_long_message(
                label="The summary", length=len(summary), max_length=EVIDENCE_MAX_LENGTH
            ),
            field="summary",
        )
    existing = {rating.competency_id: rating for rating in assessment.ratings.all()}
    changed, created, cleared = [], [], []
    for competency_id, rating_input in ratings.items():
        evidence = rating_input.evidence.strip()
        rating = existing.get(competency_id)
        if rating_input.score is None:
            if evidence:
                competency = competencies[competency_id]
                raise GrowthError(
                    f"{competency.name}: choose a rating to go with the evidence.",
                    field=f"score_{competency_id}",
                )
            if rating is not None:
                cleared.append(rating.pk)
            continue
        if rating is None:
            created.append(
                Rating(
                    assessment=assessment,
                    competency_id=competency_id,
                    score=rating_input.score,
                    evidence=evidence,
                )
            )
        elif (rating.score, rating.evidence) != (rating_input.score, evidence):
            rating.score, rating.evidence = rating_input.score, evidence
            changed.append(rating)
    Rating.objects.filter(pk__in=cleared).delete()
    Rating.objects.bulk_create(created)
    Rating.objects.bulk_update(changed, ["score", "evidence"])
    assessment.summary = summary.strip()
    assessment.save(update_fields=["summary", "updated_at"])
    return assessment


@transaction.atomic
def assessment_submit(*, user: User, assessment: Assessment) -> Assessment:
    """Submit a draft: every competency must be rated; afterwards it is read-only."""
    _editable(user, assessment)
    rated = set(assessment.ratings.values_list("competency_id", flat=True))
    missing = [c.name for c in Competency.objects.all() if c.pk not in rated]
    if missing:
        raise GrowthError(
            "Rate every competency before submitting; still unrated: " + ", ".join(missing) + ".",
            field="score",
        )
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_at", "updated_at"])
    return assessment


# Growth plans.


def _writer(user: User, person: Person) -> Person:
    me = _me(user)
    if not permissions.can_write_growth(user, person):
        raise GrowthNotAllowed(
            f"Only {person.name} and their direct manager edit their growth plan; you may read it."
        )
    return me


def _plan_claim(
    *,
    user: User,
    plan: GrowthPlan,
    version: int,
    merges: Callable[[], bool] = lambda: False,
) -> Person:
    """Take the next version of the plan, or refuse when `version` is not the current one and
    the change does not merge.

    The conditional update is the optimistic lock: of two saves based on the same version,
    exactly one matches the row. The other merges when `merges()` says that what it touches is
    still as the user saw it (ticking one action while another was ticked, adding a goal);
    otherwise it is refused and the user learns what changed instead of overwriting it.
    """
    me = _writer(user, plan.person)
    current_status = GrowthPlan.objects.filter(pk=plan.pk).values_list("status", flat=True).first()
    if current_status not in OPEN_PLAN_STATUSES:
        raise GrowthError(
            "This growth plan is closed and kept as it was; start a new one to change course."
        )
    claimed = GrowthPlan.objects.filter(pk=plan.pk, version=version).update(
        version=F("version") + 1, updated_by=me, updated_at=timezone.now()
    )
    if not claimed:
        # Lock the plan so that what `merges` reads cannot change before this change is saved.
        current = (
            GrowthPlan.objects.select_for_update(of=("self",))
            .select_related("updated_by", "target_level")
            .get(pk=plan.pk)
        )
        if not merges():
            raise StaleGrowthPlan(current, me=me)
        GrowthPlan.objects.filter(pk=plan.pk).update(
            version=F("version") + 1, updated_by=me, updated_at=timezone.now()
        )
        version = current.version
    plan.version = version + 1
    plan.updated_by = me
    return me


@transaction.atomic
def growth_plan_create(
    *,
    user: User,
    person: Person,
    target_level: Level,
    summary: str = "",
    form_token: uuid.UUID | str | None = None,
) -> GrowthPlan:
    """Start the person's growth plan; a person has one open plan at a time. The same form
    token twice gives back the plan the first started."""
    earlier = once.created_before(GrowthPlan, user_id=user.pk, token=form_token)
    if earlier is not None:
        return earlier
    me = _writer(user, person)
    _check_lengths(GrowthPlan, {"summary": summary.strip()})
    # Lock the person so two people starting a plan at once make one plan, not two.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if GrowthPlan.objects.filter(person=person, status__in=OPEN_PLAN_STATUSES).exists():
        raise GrowthError(
            f"{person.name} already has an open growth plan: edit it, or close it first.",
            field="target_level",
        )
    if target_level.rank < person.level.rank:
        raise GrowthError(
            "A growth plan aims at the person's level or one above it.", field="target_level"
        )
    return GrowthPlan.objects.create(
        person=person,
        target_level=target_level,
        summary=summary.strip(),
        status=GrowthPlan.Status.ACTIVE,
        updated_by=me,
        form_token=once.scoped_token(user_id=user.pk, token=form_token),
    )


def growth_plan_fingerprint(*, target_level_id: int, status: str, summary: str) -> dict[str, str]:
    """What the plan form compares to merge: the fields as strings, the summary as a hash."""
    text = summary.replace("\r\n", "\n").strip()
    return {
        "target_level": str(target_level_id),
        "status": status,
        "summary": hashlib.sha256(text.encode()).hexdigest()[:16],
    }


@transaction.atomic
def growth_plan_update(
    *,
    user: User,
    plan: GrowthPlan,
    version: int,
    target_level: Level,
    status: str,
    summary: str,
    seen: Mapping[str, str] | None = None,
) -> GrowthPlan:
    """Change a plan's target level, status and summary, if nobody changed it meanwhile.

    `seen` is `growth_plan_fingerprint` of the plan as the form showed it. With it, a save on
    an older version merges field by field: what the user left alone keeps the other change,
    what they changed is saved unless the other change touched the same field too.
    """
    if target_level.rank < plan.person.level.rank:
        raise GrowthError(
            "A growth plan aims at the person's level or one above it.", field="target_level"
        )
    if status not in GrowthPlan.Status.values:
        raise GrowthError("Choose a status from the list.", field="status")
    summary = summary.strip()
    _check_lengths(GrowthPlan, {"summary": summary})
    changes: dict[str, object] = {
        "target_level": target_level,
        "status": status,
        "summary": summary,
    }
    mine = growth_plan_fingerprint(target_level_id=target_level.pk, status=status, summary=summary)

    def merges() -> bool:
        if not seen:
            return False
        now = GrowthPlan.objects.values("target_level_id", "status", "summary").get(pk=plan.pk)
        theirs = growth_plan_fingerprint(**now)
        for name, value in mine.items():
            if value == seen.get(name):
                del changes[name]  # left as it was: the other change stands
            elif theirs[name] not in (seen.get(name), value):
                return False  # both changed this field, differently
        return True

    _plan_claim(user=user, plan=plan, version=version, merges=merges)
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.save(update_fields=[*changes, "updated_at"])
    plan.refresh_from_db()
    return plan


def _current(row: GrowthGoal | GrowthAction, field: str) -> object:
    """The field of the row as saved now (the row in hand may be as the user loaded it)."""
    return type(row).objects.filter(pk=row.pk).values_list(field, flat=True).first()


def _check_lengths(model: type[models.Model], values: dict[str, object]) -> None:
    problem = too_long(model, values)
    if problem is not None:
        raise GrowthError(problem[1], field=problem[0])


def _title(title: str, *, what: str) -> str:
    title = (title or "").strip()
    if not title:
        raise GrowthError(f"Give the {what} a title.", field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise GrowthError(
            too_long_message(
                label=f"The {what}'s title", length=len(title), max_length=TITLE_MAX_LENGTH
            ),
            field="title",
        )
    return title


@transaction.atomic
def growth_goal_add(
    *,
    user: User,
    plan: GrowthPlan,
    version: int,
    title: str,
    competency: Competency | None = None,
    description: str = "",
    form_token: uuid.UUID | str | None = None,
) -> GrowthGoal:
    """Add a goal, optionally tied to a competency, at the end of the plan. The same form
    token twice gives back the goal the first added (the plan's version moved on since)."""
    earlier = once.created_before(GrowthGoal, user_id=user.pk, token=form_token)
    if earlier is not None:
        return earlier
    title = _title(title, what="goal")
    _check_lengths(GrowthGoal, {"description": description.strip()})
    # A new goal touches nothing anyone else may have changed.
    _plan_claim(user=user, plan=plan, version=version, merges=lambda: True)
    last = plan.goals.order_by("-position").values_list("position", flat=True).first()
    return GrowthGoal.objects.create(
        plan=plan,
        title=title,
        competency=competency,
        description=description.strip(),
        position=0 if last is None else last + 1,
        form_token=once.scoped_token(user_id=user.pk, token=form_token),
    )


@transaction.atomic
def growth_goal_set_status(
    *, user: User, goal: GrowthGoal, version: int, status: str, seen: str = ""
) -> GrowthGoal:
    """Move a goal to not started, in progress or done; `seen` is the status the user saw,
    so the move merges with other changes made since when the goal's status is still that."""
    if status not in GrowthGoal.Status.values:
        raise GrowthError("Choose a status from the list.", field="status")
    _plan_claim(
        user=user,
        plan=goal.plan,
        version=version,
        merges=lambda: bool(seen) and _current(goal, "status") == seen,
    )
    goal.status = status
    goal.save(update_fields=["status"])
    return goal


def growth_goal_fingerprint(*, goal: GrowthGoal, actions: Iterable[GrowthAction]) -> str:
    """The goal and its actions as a page shows them, to tell whether they changed since."""
    parts = [goal.title, goal.status, goal.description]
    parts += [f"{a.pk}:{a.title}:{a.done}" for a in sorted(actions, key=lambda a: a.pk)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


@transaction.atomic
def growth_goal_delete(*, user: User, goal: GrowthGoal, version: int, seen: str = "") -> None:
    """Remove a goal and its actions from the plan; `seen` is `growth_goal_fingerprint` of
    them as the page showed them, so a removal from an older page goes ahead while nobody
    changed this goal since (and is refused when someone did)."""

    def merges() -> bool:
        current = GrowthGoal.objects.filter(pk=goal.pk).first()
        return (
            bool(seen)
            and current is not None
            and growth_goal_fingerprint(goal=current, actions=current.actions.all()) == seen
        )

    _plan_claim(user=user, plan=goal.plan, version=version, merges=merges)
    goal.delete()


@transaction.atomic
def growth_action_add(
    *,
    user: User,
    goal: GrowthGoal,
    version: int,
    title: str,
    due_date: datetime.date | None = None,
    form_token: uuid.UUID | str | None = None,
) -> GrowthAction:
    """Add an action with an optional due date to a goal. The same form token twice gives back
    the action the first added (the plan's version moved on since)."""
    earlier = once.created_before(GrowthAction, user_id=user.pk, token=form_token)
    if earlier is not None:
        return earlier
    title = _title(title, what="action")
    # A new action touches nothing anyone else may have changed (a deleted goal is a 404).
    _plan_claim(user=user, plan=goal.plan, version=version, merges=lambda: True)
    stored_token = once.scoped_token(user_id=user.pk, token=form_token)
    return GrowthAction.objects.create(
        goal=goal, title=title, due_date=due_date, form_token=stored_token
    )


@transaction.atomic
def growth_action_set_done(
    *, user: User, action: GrowthAction, version: int, done: bool
) -> GrowthAction:
    """Tick an action off, or open it again.

    The user saw the action in the other state, so the tick merges with changes made since
    (another action ticked, a goal added) while that is still so; when the same action changed
    meanwhile, it is refused with the plan as it is now.
    """
    _plan_claim(
        user=user,
        plan=action.goal.plan,
        version=version,
        merges=lambda: _current(action, "done") == (not done),
    )
    action.done = done
    action.done_at = timezone.now() if done else None
    action.save(update_fields=["done", "done_at"])
    return action


@transaction.atomic
def growth_goal_to_agenda(*, user: User, goal: GrowthGoal) -> AgendaItem:
    """Put a goal on the next 1:1 of the person and their direct manager.

    The next meeting is the pair's earliest one from today on that has not been held; without
    one, a meeting is scheduled one cadence from today. A goal already on it is not added twice.
    """
    person = goal.plan.person
    _writer(user, person)
    series = OneOnOne.objects.filter(
        manager_id=person.manager_id, report=person, active=True
    ).first()
    if person.manager_id is None or series is None:
        raise GrowthError(
            f"{person.name} and their manager have no 1:1 series yet: start one first, then "
            "put the goal on its agenda."
        )
    today = timezone.localdate()
    meeting = (
        Meeting.objects.filter(one_on_one=series, held=False, date__gte=today)
        .order_by("date", "pk")
        .first()
    )
    try:
        if meeting is None:
            meeting = one_on_ones.meeting_schedule(
                user=user,
                one_on_one=series,
                date=today + datetime.timedelta(days=series.cadence_days),
            )
        existing = meeting.agenda_items.filter(growth_goal=goal).first()
        if existing is not None:
            return existing
        return one_on_ones.agenda_item_add(
            user=user,
            meeting=meeting,
            text=f"Growth goal: {goal.title}",
            growth_goal=goal,
        )
    except (
        ValidationError,
        one_on_ones.OneOnOneNotFound,
        one_on_ones.OneOnOneClosed,
    ) as error:
        raise GrowthError(
            f"The goal could not be put on the 1:1 agenda of {person.name} and their manager."
        ) from error


# Feedback.


@transaction.atomic
def feedback_give(
    *,
    user: User,
    recipient: Person,
    kind: str,
    text: str,
    competency: Competency | None = None,
    visibility: str = Feedback.Visibility.RECIPIENT_AND_MANAGERS,
    form_token: uuid.UUID | str | None = None,
) -> Feedback:
    """Give praise or constructive feedback to someone in the org (not oneself); the same form
    token twice gives back the feedback the first gave."""
    me = _me(user)
    if recipient.pk == me.pk:
        raise GrowthError("Feedback is for someone else: choose another person.", field="recipient")
    if not recipient.active:
        raise GrowthError(f"{recipient.name} has left the org.", field="recipient")
    if kind not in Feedback.Kind.values:
        raise GrowthError("Choose praise or constructive.", field="kind")
    if visibility not in Feedback.Visibility.values:
        raise GrowthError("Choose who may read it.", field="visibility")
    text = (text or "").strip()
    if not text:
        raise GrowthError("Write the feedback: it cannot be empty.", field="text")
    if len(text) > EVIDENCE_MAX_LENGTH:
        raise GrowthError(
            too_long_message(
                label="The feedback", length=len(text), max_length=EVIDENCE_MAX_LENGTH
            ),
            field="text",
        )
    return once.create_once(
        Feedback,
        user_id=user.pk,
        token=form_token,
        create=lambda stored_token: Feedback.objects.create(
            giver=me,
            recipient=recipient,
            kind=kind,
            text=text,
            competency=competency,
            visibility=visibility,
            form_token=stored_token,
        ),
    )
