"""Writes to 1:1s: series, meetings, shared agendas, notes and action items.

Every service takes the acting user and lets only the two participants of the pair write (a
private note: its author alone). Anyone else gets `OneOnOneNotFound`, which every face answers
with a 404, so an id says nothing about what exists. Bad input raises `ValidationError` keyed by
the form field it belongs to.

Every write goes through `_series_writable`: a series takes writes only while it is current
(the report still reports to its manager, both active). After a change of manager the old
series stays readable by its two participants, as it was, and refuses every write with
`OneOnOneClosed` (faces answer 403 with its message).
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from productorg import once
from productorg.accounts import permissions
from productorg.limits import too_long_message
from productorg.people.models import (
    ActionItem,
    AgendaItem,
    GrowthGoal,
    Meeting,
    OneOnOne,
    Person,
    PrivateNote,
    SharedNote,
)
from productorg.people.models.one_on_ones import NOTE_MAX_LENGTH

if TYPE_CHECKING:
    from productorg.accounts.models import User

AGENDA_ITEM_MAX_LENGTH = AgendaItem._meta.get_field("text").max_length
ACTION_ITEM_MAX_LENGTH = ActionItem._meta.get_field("text").max_length


class OneOnOneNotFound(Exception):
    """The acting user may not touch this 1:1 object; faces answer 404, never 403."""


CLOSED_MESSAGE = (
    "{report} no longer reports to {manager}: this 1:1 series is kept as it was and takes "
    "no new or changed content."
)


class OneOnOneClosed(Exception):
    """The user is one of the pair, but the pair no longer works together: the series is
    read-only (faces answer 403 with the message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _participant(user: User, one_on_one: OneOnOne) -> Person:
    """The acting user's Person when they are one of the pair; otherwise not found."""
    me = permissions.person_of(user)
    if me is None or not permissions.can_read_one_on_one_content(
        user, one_on_one.manager_id, one_on_one.report_id
    ):
        raise OneOnOneNotFound
    return me


def _clean_text(text: str, *, field: str, max_length: int, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: f"Write the {what}: it cannot be empty."})
    if len(text) > max_length:
        raise ValidationError(
            {field: too_long_message(label=f"The {what}", length=len(text), max_length=max_length)}
        )
    return text


def _check_cadence(cadence: str) -> None:
    if cadence not in OneOnOne.Cadence.values:
        raise ValidationError(
            {"cadence": f"Choose a cadence: {', '.join(OneOnOne.Cadence.labels).lower()}."}
        )


def _is_current(one_on_one: OneOnOne) -> bool:
    """`OneOnOne.current`, read afresh: a series loaded before a change of manager is not."""
    fresh = OneOnOne.objects.select_related("manager", "report").filter(pk=one_on_one.pk).first()
    return fresh is not None and fresh.current


def _series_writable(user: User, one_on_one: OneOnOne) -> Person:
    """The acting user's Person when they may write to the series: one of the pair (else
    `OneOnOneNotFound`) and the series current (else `OneOnOneClosed`). Every write of this
    module starts here, so an ended series refuses all of them alike."""
    me = _participant(user, one_on_one)
    if not _is_current(one_on_one):
        raise OneOnOneClosed(
            CLOSED_MESSAGE.format(report=one_on_one.report.name, manager=one_on_one.manager.name)
        )
    return me


@transaction.atomic
def one_on_one_start(
    *, user: User, report: Person, cadence: str, form_token: uuid.UUID | str | None = None
) -> OneOnOne:
    """Start a 1:1 series of the acting user with one of their current direct reports; the
    same form token twice gives back the series the first started."""
    return once.create_once(
        OneOnOne,
        user_id=user.pk,
        token=form_token,
        create=lambda stored_token: _one_on_one_start(
            user=user, report=report, cadence=cadence, form_token=stored_token
        ),
    )


def _one_on_one_start(
    *, user: User, report: Person, cadence: str, form_token: uuid.UUID | None
) -> OneOnOne:
    me = permissions.person_of(user)
    if me is None:
        raise OneOnOneNotFound
    if report.pk == me.pk:
        raise ValidationError(
            {"report": "A 1:1 takes two people: you cannot start one with yourself."}
        )
    # Read the reporting line afresh: a stale Person must not let a former manager back in.
    current_manager_id = (
        Person.objects.filter(pk=report.pk, active=True)
        .values_list("manager_id", flat=True)
        .first()
    )
    if current_manager_id != me.pk:
        raise ValidationError(
            {
                "report": "Choose one of your direct reports: only a person's current manager "
                "starts a 1:1 series with them."
            }
        )
    _check_cadence(cadence)
    existing = OneOnOne.objects.select_for_update().filter(manager=me, report=report).first()
    if existing is not None and existing.active:
        raise ValidationError({"report": f"You already have a 1:1 series with {report.name}."})
    if existing is not None:
        # A report who comes back to a former manager picks up the pair's own old series.
        existing.active = True
        existing.cadence = cadence
        existing.form_token = form_token
        existing.save(update_fields=["active", "cadence", "form_token"])
        return existing
    return OneOnOne.objects.create(
        manager=me, report=report, cadence=cadence, form_token=form_token
    )


@transaction.atomic
def one_on_one_set_cadence(*, user: User, one_on_one: OneOnOne, cadence: str) -> OneOnOne:
    """Change how often the pair meets; either participant may."""
    _series_writable(user, one_on_one)
    _check_cadence(cadence)
    one_on_one.cadence = cadence
    one_on_one.save(update_fields=["cadence"])
    return one_on_one


@transaction.atomic
def meeting_schedule(*, user: User, one_on_one: OneOnOne, date: datetime.date) -> Meeting:
    """The pair's meeting on `date`, created if new with the last meeting's recurring items.

    Only a current pair schedules: after a change of manager the old series stays as it was.
    """
    _series_writable(user, one_on_one)
    existing = one_on_one.meetings.filter(date=date).order_by("pk").first()
    if existing is not None:
        return existing
    previous = one_on_one.meetings.filter(date__lt=date).order_by("-date", "-pk").first()
    meeting = Meeting.objects.create(one_on_one=one_on_one, date=date)
    if previous is not None:
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(
                    meeting=meeting,
                    author_id=item.author_id,
                    text=item.text,
                    recurring=True,
                    growth_goal_id=item.growth_goal_id,
                    position=item.position,
                )
                for item in previous.agenda_items.filter(recurring=True)
            ]
        )
    return meeting


@transaction.atomic
def meeting_set_held(*, user: User, meeting: Meeting, held: bool) -> Meeting:
    """Record that the meeting took place (or did not); a future meeting cannot have been held."""
    _series_writable(user, meeting.one_on_one)
    if held and meeting.date > timezone.localdate():
        raise ValidationError({"held": "This meeting is in the future: it cannot be held yet."})
    meeting.held = held
    meeting.save(update_fields=["held"])
    return meeting


@transaction.atomic
def agenda_item_add(
    *,
    user: User,
    meeting: Meeting,
    text: str,
    recurring: bool = False,
    growth_goal: GrowthGoal | None = None,
    form_token: uuid.UUID | str | None = None,
) -> AgendaItem:
    """Put a topic on the meeting's shared agenda; either participant, before or during it.
    The same form token twice gives back the item the first put there."""
    me = _series_writable(user, meeting.one_on_one)
    text = _clean_text(text, field="text", max_length=AGENDA_ITEM_MAX_LENGTH, what="agenda item")

    def create(stored_token: uuid.UUID | None) -> AgendaItem:
        last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
        return AgendaItem.objects.create(
            meeting=meeting,
            author=me,
            text=text,
            recurring=recurring,
            growth_goal=growth_goal,
            position=0 if last is None else last + 1,
            form_token=stored_token,
        )

    return once.create_once(AgendaItem, user_id=user.pk, token=form_token, create=create)


@transaction.atomic
def agenda_item_toggle_discussed(*, user: User, agenda_item: AgendaItem) -> AgendaItem:
    """Mark an agenda item discussed, or not discussed again."""
    _series_writable(user, agenda_item.meeting.one_on_one)
    agenda_item.discussed = not agenda_item.discussed
    agenda_item.save(update_fields=["discussed"])
    return agenda_item


@transaction.atomic
def shared_note_add(
    *, user: User, meeting: Meeting, text: str, form_token: uuid.UUID | str | None = None
) -> SharedNote:
    """Add shared notes (Markdown) to a meeting; both participants read and edit them. The
    same form token twice gives back the notes the first added."""
    me = _series_writable(user, meeting.one_on_one)
    text = _clean_text(text, field="text", max_length=NOTE_MAX_LENGTH, what="note")
    return once.create_once(
        SharedNote,
        user_id=user.pk,
        token=form_token,
        create=lambda stored_token: SharedNote.objects.create(
            meeting=meeting, author=me, text=text, form_token=stored_token
        ),
    )


@transaction.atomic
def shared_note_edit(*, user: User, shared_note: SharedNote, text: str) -> SharedNote:
    """Rewrite shared notes; either participant may, as in a shared document."""
    _series_writable(user, shared_note.meeting.one_on_one)
    shared_note.text = _clean_text(text, field="text", max_length=NOTE_MAX_LENGTH, what="note")
    shared_note.save(update_fields=["text", "updated_at"])
    return shared_note


@transaction.atomic
def private_note_save(*, user: User, meeting: Meeting, text: str) -> PrivateNote | None:
    """Write the acting user's own private note on a meeting; empty text deletes it.

    Only ever reads and writes notes whose author is the acting user: another participant's
    private note is never loaded, let alone changed.
    """
    me = _series_writable(user, meeting.one_on_one)
    mine = PrivateNote.objects.filter(meeting=meeting, author=me).order_by("pk")
    text = (text or "").strip()
    if not text:
        mine.delete()
        return None
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "text": too_long_message(
                    label="The note", length=len(text), max_length=NOTE_MAX_LENGTH
                )
            }
        )
    note = mine.first()
    if note is None:
        return PrivateNote.objects.create(meeting=meeting, author=me, text=text)
    note.text = text
    note.save(update_fields=["text", "updated_at"])
    return note


@transaction.atomic
def action_item_add(
    *,
    user: User,
    meeting: Meeting,
    text: str,
    owner: Person,
    due_date: datetime.date | None = None,
    form_token: uuid.UUID | str | None = None,
) -> ActionItem:
    """Agree a to-do in a meeting; its owner is one of the pair; it carries over until done.
    The same form token twice gives back the item the first agreed."""
    one_on_one = meeting.one_on_one
    _series_writable(user, one_on_one)
    text = _clean_text(text, field="text", max_length=ACTION_ITEM_MAX_LENGTH, what="action item")
    if owner.pk not in one_on_one.participant_ids():
        raise ValidationError({"owner": "The owner of an action item is one of the two of you."})
    return once.create_once(
        ActionItem,
        user_id=user.pk,
        token=form_token,
        create=lambda stored_token: ActionItem.objects.create(
            one_on_one=one_on_one,
            raised_in=meeting,
            owner=owner,
            text=text,
            due_date=due_date,
            form_token=stored_token,
        ),
    )


@transaction.atomic
def action_item_complete(*, user: User, action_item: ActionItem, done: bool = True) -> ActionItem:
    """Tick an action item off (or open it again); a done item stops carrying over."""
    _series_writable(user, action_item.one_on_one)
    action_item.done = done
    action_item.done_at = timezone.now() if done else None
    action_item.save(update_fields=["done", "done_at"])
    return action_item
