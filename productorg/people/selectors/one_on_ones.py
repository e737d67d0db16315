"""Reads of 1:1s for the acting user.

Content (agenda, shared notes, action items) goes to the two participants only; a private note
to its author only, filtered in the query so nobody else's is ever loaded. Leaders above a pair
and admins get meta — who meets whom, when, how often — from `one_on_one_cadence_for_leader`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Min, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from productorg.accounts import permissions
from productorg.people.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    OneOnOne,
    Person,
    PrivateNote,
    SharedNote,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from productorg.accounts.models import User

# Days a pair may run past its cadence before its 1:1 counts as overdue.
OVERDUE_GRACE_DAYS = 2
RECENT_DAYS = 90


def is_overdue(
    *,
    cadence_days: int,
    last_held: datetime.date | None,
    started: datetime.date,
    today: datetime.date,
) -> bool:
    """No meeting held within the cadence plus the grace days (counted from the start if none)."""
    since = last_held or started
    return (today - since).days > cadence_days + OVERDUE_GRACE_DAYS


@dataclass(frozen=True)
class OneOnOneSummary:
    """A series as one of its participants sees it in their list."""

    one_on_one: OneOnOne
    other: Person
    i_am_manager: bool
    current: bool
    last_held: datetime.date | None
    next_date: datetime.date | None
    next_meeting_id: int | None
    latest_meeting_id: int | None
    overdue: bool


@dataclass(frozen=True)
class MyOneOnOnes:
    as_manager: list[OneOnOneSummary]
    as_report: list[OneOnOneSummary]
    # Series of a pair that no longer works together: readable by the two of them, closed.
    past: list[OneOnOneSummary]
    reports_without_one_on_one: list[Person]


def _with_dates(queryset: QuerySet[OneOnOne], today: datetime.date) -> QuerySet[OneOnOne]:
    upcoming = Meeting.objects.filter(one_on_one=OuterRef("pk"), held=False, date__gte=today)
    return queryset.annotate(
        last_held=Max("meetings__date", filter=Q(meetings__held=True)),
        next_scheduled=Min(
            "meetings__date", filter=Q(meetings__held=False, meetings__date__gte=today)
        ),
        next_meeting_id=Subquery(upcoming.order_by("date", "pk").values("pk")[:1]),
        latest_meeting_id=Subquery(
            Meeting.objects.filter(one_on_one=OuterRef("pk"))
            .order_by("-date", "-pk")
            .values("pk")[:1]
        ),
    )


def _summary(one_on_one: OneOnOne, me: Person, today: datetime.date) -> OneOnOneSummary:
    i_am_manager = one_on_one.manager_id == me.pk
    current = one_on_one.current
    last_held = one_on_one.last_held
    next_date = one_on_one.next_scheduled
    if next_date is None and last_held is not None:
        next_date = last_held + datetime.timedelta(days=one_on_one.cadence_days)
    overdue = current and is_overdue(
        cadence_days=one_on_one.cadence_days,
        last_held=last_held,
        started=timezone.localdate(one_on_one.created_at),
        today=today,
    )
    return OneOnOneSummary(
        one_on_one=one_on_one,
        other=one_on_one.report if i_am_manager else one_on_one.manager,
        i_am_manager=i_am_manager,
        current=current,
        last_held=last_held,
        next_date=next_date if current else None,
        next_meeting_id=one_on_one.next_meeting_id,
        latest_meeting_id=one_on_one.latest_meeting_id,
        overdue=overdue,
    )


def one_on_ones_for(*, user: User, today: datetime.date | None = None) -> MyOneOnOnes:
    """The user's own series, as manager and as report, with next and last dates."""
    me = permissions.person_of(user)
    if me is None:
        return MyOneOnOnes(as_manager=[], as_report=[], past=[], reports_without_one_on_one=[])
    today = today or timezone.localdate()
    series = _with_dates(
        OneOnOne.objects.filter(Q(manager=me) | Q(report=me)).select_related(
            "manager__level", "report__level"
        ),
        today,
    )
    summaries = [_summary(one_on_one, me, today) for one_on_one in series]
    by_name = sorted(summaries, key=lambda summary: (summary.other.name, summary.other.pk))
    without = (
        Person.objects.filter(manager=me, active=True)
        .exclude(one_on_ones_as_report__manager=me)
        .select_related("level")
        .order_by("name")
    )
    return MyOneOnOnes(
        as_manager=[s for s in by_name if s.current and s.i_am_manager],
        as_report=[s for s in by_name if s.current and not s.i_am_manager],
        past=[s for s in by_name if not s.current],
        reports_without_one_on_one=list(without),
    )


@dataclass(frozen=True)
class OneOnOneDetail:
    summary: OneOnOneSummary
    meetings: list[Meeting]
    open_action_items: list[ActionItem]

    @property
    def one_on_one(self) -> OneOnOne:
        return self.summary.one_on_one


def one_on_one_detail(
    *, user: User, one_on_one_id: int, today: datetime.date | None = None
) -> OneOnOneDetail | None:
    """A series with its meetings and open action items; None unless the user is one of the pair."""
    me = permissions.person_of(user)
    if me is None:
        return None
    today = today or timezone.localdate()
    one_on_one = (
        _with_dates(
            OneOnOne.objects.filter(Q(manager=me) | Q(report=me)).select_related(
                "manager__level", "report__level"
            ),
            today,
        )
        .filter(pk=one_on_one_id)
        .first()
    )
    if one_on_one is None:
        return None
    meetings = one_on_one.meetings.annotate(
        agenda_count=Count("agenda_items", distinct=True),
        action_count=Count("action_items", distinct=True),
    ).order_by("-date", "-pk")
    open_action_items = one_on_one.action_items.filter(done=False).select_related(
        "owner", "raised_in"
    )
    return OneOnOneDetail(
        summary=_summary(one_on_one, me, today),
        meetings=list(meetings),
        open_action_items=list(open_action_items),
    )


@dataclass(frozen=True)
class MeetingDetail:
    meeting: Meeting
    me: Person
    other: Person
    current: bool
    agenda_items: list[AgendaItem]
    shared_notes: list[SharedNote]
    # The acting user's own private note; another participant's is never loaded.
    private_note: PrivateNote | None
    # Open items the pair raised in earlier meetings (and those ticked off since this one).
    carried_over: list[ActionItem]
    raised_here: list[ActionItem]
    previous_meeting: Meeting | None
    next_meeting: Meeting | None

    @property
    def one_on_one(self) -> OneOnOne:
        return self.meeting.one_on_one

    @property
    def participants(self) -> list[Person]:
        return [self.one_on_one.manager, self.one_on_one.report]


def meeting_detail(*, user: User, meeting_id: int) -> MeetingDetail | None:
    """A meeting's shared content and the user's own private note; None unless a participant."""
    me = permissions.person_of(user)
    if me is None:
        return None
    meeting = (
        Meeting.objects.select_related("one_on_one__manager", "one_on_one__report")
        .filter(Q(one_on_one__manager=me) | Q(one_on_one__report=me), pk=meeting_id)
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("author")),
            Prefetch("shared_notes", queryset=SharedNote.objects.select_related("author")),
            # The author filter is in the query itself: nobody else's private note is read.
            Prefetch(
                "private_notes",
                queryset=PrivateNote.objects.filter(author=me).order_by("pk"),
                to_attr="my_private_notes",
            ),
        )
        .first()
    )
    if meeting is None:
        return None
    one_on_one = meeting.one_on_one
    if not permissions.can_read_one_on_one_content(
        user, one_on_one.manager_id, one_on_one.report_id
    ):
        return None
    earlier = Q(raised_in__isnull=True) | Q(raised_in__date__lt=meeting.date)
    still_open_then = Q(done=False) | Q(done_at__date__gte=meeting.date)
    action_items = list(
        ActionItem.objects.filter(one_on_one=one_on_one)
        .filter(Q(raised_in=meeting) | (earlier & still_open_then))
        .select_related("owner", "raised_in")
    )
    siblings = Meeting.objects.filter(one_on_one=one_on_one).exclude(pk=meeting.pk)
    previous_meeting = (
        siblings.filter(Q(date__lt=meeting.date) | Q(date=meeting.date, pk__lt=meeting.pk))
        .order_by("-date", "-pk")
        .first()
    )
    next_meeting = (
        siblings.filter(Q(date__gt=meeting.date) | Q(date=meeting.date, pk__gt=meeting.pk))
        .order_by("date", "pk")
        .first()
    )
    return MeetingDetail(
        meeting=meeting,
        me=me,
        other=one_on_one.report if one_on_one.manager_id == me.pk else one_on_one.manager,
        current=one_on_one.current,
        agenda_items=list(meeting.agenda_items.all()),
        shared_notes=list(meeting.shared_notes.all()),
        private_note=next(iter(meeting.my_private_notes), None),
        carried_over=[item for item in action_items if item.raised_in_id != meeting.pk],
        raised_here=[item for item in action_items if item.raised_in_id == meeting.pk],
        previous_meeting=previous_meeting,
        next_meeting=next_meeting,
    )


def action_item_of_participant(*, user: User, action_item_id: int) -> ActionItem | None:
    """An action item of one of the user's own 1:1 series (with its series), else None."""
    me = permissions.person_of(user)
    if me is None:
        return None
    return (
        ActionItem.objects.select_related("one_on_one")
        .filter(Q(one_on_one__manager=me) | Q(one_on_one__report=me), pk=action_item_id)
        .first()
    )


@dataclass(frozen=True)
class PairCadence:
    """How a manager–report pair keeps up its 1:1s: dates and counts only, never content."""

    manager: Person
    report: Person
    cadence: str | None
    cadence_days: int | None
    last_held: datetime.date | None
    meetings_last_90_days: int
    overdue: bool

    @property
    def has_one_on_one(self) -> bool:
        return self.cadence is not None

    @property
    def cadence_label(self) -> str:
        return OneOnOne.Cadence(self.cadence).label if self.cadence else ""

    @property
    def health(self) -> str:
        """ "missing" (no series), "overdue" or "on-track"."""
        if not self.has_one_on_one:
            return "missing"
        return "overdue" if self.overdue else "on-track"


def one_on_one_cadence_for_leader(
    *, user: User, today: datetime.date | None = None
) -> list[PairCadence]:
    """Each current pair whose manager is in the user's part of the tree: meta only.

    Three queries whatever the org size; no agenda, note or action item is ever read.
    """
    ids = permissions.visible_person_ids(user)
    if not ids:
        return []
    today = today or timezone.localdate()
    reports = list(
        Person.objects.filter(pk__in=ids, manager_id__in=ids, active=True)
        .select_related("level", "manager__level")
        .order_by("manager__name", "manager_id", "name", "pk")
    )
    series = (
        OneOnOne.objects.filter(
            report_id__in=[report.pk for report in reports], manager_id__in=ids, active=True
        )
        .only("id", "manager_id", "report_id", "cadence", "active", "created_at")
        .annotate(
            last_held=Max("meetings__date", filter=Q(meetings__held=True)),
            recent=Count(
                "meetings",
                filter=Q(
                    meetings__held=True,
                    meetings__date__gt=today - datetime.timedelta(days=RECENT_DAYS),
                    meetings__date__lte=today,
                ),
            ),
        )
    )
    by_pair = {(one_on_one.manager_id, one_on_one.report_id): one_on_one for one_on_one in series}
    rows = []
    for report in reports:
        one_on_one = by_pair.get((report.manager_id, report.pk))
        if one_on_one is None:
            rows.append(
                PairCadence(
                    manager=report.manager,
                    report=report,
                    cadence=None,
                    cadence_days=None,
                    last_held=None,
                    meetings_last_90_days=0,
                    overdue=False,
                )
            )
            continue
        rows.append(
            PairCadence(
                manager=report.manager,
                report=report,
                cadence=one_on_one.cadence,
                cadence_days=one_on_one.cadence_days,
                last_held=one_on_one.last_held,
                meetings_last_90_days=one_on_one.recent,
                overdue=is_overdue(
                    cadence_days=one_on_one.cadence_days,
                    last_held=one_on_one.last_held,
                    started=timezone.localdate(one_on_one.created_at),
                    today=today,
                ),
            )
        )
    return rows
