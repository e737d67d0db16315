"""Writes of stakeholder surveys: rounds and their questions, personal links, responses.

A personal link carries a random token; the database keeps only its SHA-256, so a copy of the
database (or a backup) holds no working link. The raw token is returned once, to be shown and
sent, and is never stored.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from productorg import once
from productorg.function.surveys.models import (
    Answer,
    Invitation,
    Question,
    Response,
    Survey,
)
from productorg.limits import too_long

if TYPE_CHECKING:
    from productorg.accounts.models import User
    from productorg.people.models import Person, Team

logger = logging.getLogger(__name__)

# The standard dimensions every new round starts with: (dimension, kind, text).
STANDARD_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "clarity",
        Question.Kind.RATING,
        "How clear is it to you what the product managers do, and what you can expect of them?",
    ),
    (
        "collaboration",
        Question.Kind.RATING,
        "How good is your collaboration with the product managers you work with?",
    ),
    (
        "roadmap-transparency",
        Question.Kind.RATING,
        "How transparent is the roadmap: do you know what is planned, and why?",
    ),
    (
        "decisions",
        Question.Kind.RATING,
        "How well are product decisions, and the reasons for them, communicated to you?",
    ),
    (
        "customer-focus",
        Question.Kind.RATING,
        "How strongly do the product managers focus on customers and their problems?",
    ),
    (
        "comment",
        Question.Kind.COMMENT,
        "What should the product-management function start, stop or keep doing?",
    ),
)
TOKEN_BYTES = 32


class SurveyError(Exception):
    """Input a survey service refuses; the message is for the user, `field` names the input."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _check_lengths(model: type, values: dict[str, object]) -> None:
    problem = too_long(model, values)
    if problem is not None:
        raise SurveyError(problem[1], field=problem[0])


class LinkRefused(SurveyError):
    """A personal link that cannot be answered (any more): used, expired or closed."""


def token_hash(token: str) -> str:
    """The SHA-256 of a raw token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def _end_of(day: datetime.date) -> datetime.datetime:
    """The last moment of `day` in the site's time zone: a link works all of its last day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


# Rounds and questions.


def survey_create(
    *,
    title: str,
    anonymous: bool,
    closes_on: datetime.date,
    created_by: User | None,
    form_token: uuid.UUID | str | None = None,
) -> Survey:
    """A draft round with the standard questions; the same form token twice gives back the
    round the first made."""
    if closes_on < timezone.localdate():
        raise SurveyError("The closing date is in the past.", field="closes_on")
    _check_lengths(Survey, {"title": title.strip()})

    def create(stored_token: uuid.UUID | None) -> Survey:
        survey = Survey.objects.create(
            title=title.strip(),
            anonymous=anonymous,
            closes_on=closes_on,
            created_by=created_by,
            form_token=stored_token,
        )
        Question.objects.bulk_create(
            Question(survey=survey, dimension=dimension, kind=kind, text=text, position=index)
            for index, (dimension, kind, text) in enumerate(STANDARD_QUESTIONS, start=1)
        )
        return survey

    return once.create_once(
        Survey, user_id=created_by and created_by.pk, token=form_token, create=create
    )


def _check_draft(survey: Survey) -> None:
    if survey.opens_on is not None:
        raise SurveyError(
            "Questions can be changed only before the first links go out: "
            "people may have answered these already."
        )


def question_add(
    *,
    survey: Survey,
    text: str,
    kind: str,
    user: User | None = None,
    form_token: uuid.UUID | str | None = None,
) -> Question:
    """A question of the survey's own, after the others; while the survey is a draft. The same
    form token twice gives back the question the first added."""
    _check_draft(survey)
    _check_lengths(Question, {"text": text.strip()})

    def create(stored_token: uuid.UUID | None) -> Question:
        last = survey.questions.aggregate(last=Max("position"))["last"] or 0
        return Question.objects.create(
            survey=survey,
            text=text.strip(),
            kind=kind,
            position=last + 1,
            form_token=stored_token,
        )

    return once.create_once(Question, user_id=user and user.pk, token=form_token, create=create)


def question_update(*, question: Question, text: str, position: int) -> Question:
    """A question's wording and place; while the survey is a draft."""
    _check_draft(question.survey)
    _check_lengths(Question, {"text": text.strip()})
    question.text = text.strip()
    question.position = position
    question.save(update_fields=["text", "position"])
    return question


def question_delete(*, question: Question) -> None:
    """Drop a question; while the survey is a draft, and never the last rating."""
    _check_draft(question.survey)
    ratings = question.survey.questions.filter(kind=Question.Kind.RATING)
    if question.kind == Question.Kind.RATING and ratings.count() == 1:
        raise SurveyError("A survey needs at least one rating question.")
    question.delete()


def survey_close(*, survey: Survey) -> Survey:
    """Close the round now: its open links stop working."""
    survey.closed_on = timezone.localdate()
    if survey.opens_on is None or survey.opens_on > survey.closed_on:
        survey.opens_on = survey.closed_on
    survey.save(update_fields=["closed_on", "opens_on"])
    return survey


# Personal links.


@dataclass(frozen=True)
class Invitee:
    """Someone to invite: a stakeholder login, a Person, or an external name and email."""

    name: str
    email: str
    user: User | None = None
    person: Person | None = None


@dataclass(frozen=True)
class IssuedLink:
    """A link as issued: the raw token exists only here, to show once and to send."""

    invitation: Invitation
    token: str


def invitations_issue(
    *, survey: Survey, invitees: Sequence[Invitee], team: Team | None
) -> list[IssuedLink]:
    """A personal link for each invitee not invited yet; the first links open the survey."""
    today = timezone.localdate()
    if survey.status_on(today) == Survey.Status.CLOSED:
        raise SurveyError("This survey is closed: reopen it with a later closing date first.")
    if not survey.questions.filter(kind=Question.Kind.RATING).exists():
        raise SurveyError("A survey needs at least one rating question.")
    taken = {email.lower() for email in survey.invitations.values_list("email", flat=True)}
    now = timezone.now()
    issued: list[IssuedLink] = []
    with transaction.atomic():
        if survey.opens_on is None:
            survey.opens_on = today
            survey.save(update_fields=["opens_on"])
        for invitee in invitees:
            email = invitee.email.strip().lower()
            if email in taken:
                continue
            taken.add(email)
            token, hashed = _new_token()
            invitation = Invitation.objects.create(
                survey=survey,
                user=invitee.user,
                person=invitee.person,
                name=invitee.name.strip() or email,
                email=email,
                team=team,
                token_hash=hashed,
                expires_at=_end_of(survey.closes_on),
                issued_at=now,
            )
            issued.append(IssuedLink(invitation=invitation, token=token))
    return issued


def invitation_reissue(*, invitation: Invitation) -> IssuedLink:
    """A new link for an invitation not answered yet; the old link stops working at once."""
    survey = invitation.survey
    if invitation.used_at is not None:
        raise SurveyError(f"{invitation.name} has answered already: there is nothing to re-send.")
    if survey.status_on(timezone.localdate()) == Survey.Status.CLOSED:
        raise SurveyError("This survey is closed: its links cannot be re-issued.")
    token, hashed = _new_token()
    # Replacing the hash is the revocation: nothing matches the old token any more.
    invitation.token_hash = hashed
    invitation.expires_at = _end_of(survey.closes_on)
    invitation.issued_at = timezone.now()
    invitation.save(update_fields=["token_hash", "expires_at", "issued_at"])
    return IssuedLink(invitation=invitation, token=token)


def links_send(*, links: Iterable[IssuedLink], url_for: dict[int, str]) -> list[str]:
    """Email each link to its invitee; the names of those it could not be sent to."""
    failed: list[str] = []
    for link in links:
        invitation = link.invitation
        survey = invitation.survey
        anonymous = " and is anonymous: nobody sees who said what" if survey.anonymous else ""
        closes = f"{survey.closes_on.day} {survey.closes_on:%B %Y}"
        body = (
            f"Hello {invitation.name},\n\n"
            "the product-management team would like to know how well it works for you. "
            f"The survey takes about three minutes{anonymous}.\n\n"
            f"Your personal link (it works once, until {closes}):\n"
            f"{url_for[invitation.pk]}\n\nThank you!\n"
        )
        try:
            send_mail(
                subject=f"Survey: {survey.title}",
                message=body,
                from_email=None,
                recipient_list=[invitation.email],
            )
        except Exception:
            # Whatever the mail server does, the page still shows the links to copy.
            logger.warning("Survey link to invitation %s could not be sent", invitation.pk)
            failed.append(invitation.name)
    return failed


# Responses.


def invitation_for_token(*, token: str) -> Invitation | None:
    """The invitation a raw token belongs to, or None for an unknown, replaced or forged one."""
    if not token or len(token) > 200:
        return None
    return Invitation.objects.select_related("survey").filter(token_hash=token_hash(token)).first()


def invitation_check(*, invitation: Invitation) -> None:
    """Raise LinkRefused when the link cannot be answered (any more)."""
    if invitation.used_at is not None:
        raise LinkRefused("This link has been used: the survey was answered with it already.")
    status = invitation.survey.status_on(timezone.localdate())
    if status == Survey.Status.CLOSED or invitation.expires_at < timezone.now():
        raise LinkRefused("This link has expired: the survey is closed.")


@dataclass(frozen=True)
class AnswerInput:
    question: Question
    rating: int | None = None
    comment: str = ""


def response_submit(*, invitation: Invitation, answers: Sequence[AnswerInput]) -> Response:
    """Record the answers given through a link, once; in an anonymous survey without a trace
    of who gave them."""
    invitation_check(invitation=invitation)
    # Before the link is taken: a refused answer leaves the link usable for a shorter one.
    for answer in answers:
        _check_lengths(Answer, {"comment": answer.comment.strip()})
    survey = invitation.survey
    now = timezone.now()
    with transaction.atomic():
        # One conditional update takes the link: of two submissions at once only one wins.
        taken = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=now
        )
        if not taken:
            raise LinkRefused("This link has been used: the survey was answered with it already.")
        response = Response.objects.create(
            survey=survey,
            invitation=None if survey.anonymous else invitation,
            team=invitation.team,
            submitted_at=None if survey.anonymous else now,
        )
        try:
            Answer.objects.bulk_create(
                Answer(
                    response=response,
                    question=answer.question,
                    rating=answer.rating,
                    comment=answer.comment.strip(),
                )
                for answer in answers
                if answer.rating is not None or answer.comment.strip()
            )
        except IntegrityError as error:
            raise SurveyError("A rating must be a whole number from 1 to 5.") from error
    invitation.used_at = now
    return response
