"""1:1s. Their content (agenda, shared notes, action items) goes to the two participants only;
leaders above a pair and admins get the cadence (who meets whom, when, how often); a private
note is never in any answer. The people selectors decide all of it: an id the user may not
read is a 404.
"""

# No `from __future__ import annotations` here: ninja reads the endpoints' annotations
# (Query[...], path ids, bodies) at runtime, and string annotations break its signature parsing.

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from productorg.api.auth import acting_user
from productorg.api.errors import ApiInputError
from productorg.api.pagination import Pagination
from productorg.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ActionItemIn,
    ActionItemOut,
    ActionItemPatch,
    AgendaItemIn,
    AgendaItemOut,
    Id,
    IdempotencyKey,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    MeetingSummaryOut,
    OneOnOneCadenceOut,
    OneOnOneDetailOut,
    OneOnOneIn,
    OneOnOneOut,
    OneOnOnePatch,
    SharedNoteIn,
    SharedNoteOut,
)
from productorg.people.models import Meeting
from productorg.people.selectors import one_on_ones as selectors
from productorg.people.selectors.org import people_visible_to
from productorg.people.services import one_on_ones as services

router = Router(tags=["1:1s"])


def _summary(summary: selectors.OneOnOneSummary) -> dict[str, Any]:
    one_on_one = summary.one_on_one
    return {
        "id": one_on_one.pk,
        "manager_id": one_on_one.manager_id,
        "report_id": one_on_one.report_id,
        "cadence": one_on_one.cadence,
        "i_am_manager": summary.i_am_manager,
        "current": summary.current,
        "last_held": summary.last_held,
        "next_date": summary.next_date,
        "next_meeting_id": summary.next_meeting_id,
        "overdue": summary.overdue,
    }


@router.get("/one-on-ones", response={200: list[OneOnOneOut], **READ_ERRORS})
@paginate(Pagination)
def one_on_one_list(request: HttpRequest) -> Any:
    """Your own 1:1 series, as manager and as report: current ones first, then past ones."""
    mine = selectors.one_on_ones_for(user=acting_user(request))
    return [_summary(summary) for summary in [*mine.as_manager, *mine.as_report, *mine.past]]


@router.get("/one-on-ones/cadence", response={200: list[OneOnOneCadenceOut], **READ_ERRORS})
@paginate(Pagination)
def one_on_one_cadence(request: HttpRequest) -> Any:
    """Each current pair below you (everyone's for an admin): dates and counts, no content."""
    return [
        {
            "manager_id": pair.manager.pk,
            "report_id": pair.report.pk,
            "cadence": pair.cadence,
            "last_held": pair.last_held,
            "meetings_last_90_days": pair.meetings_last_90_days,
            "overdue": pair.overdue,
            "health": pair.health,
        }
        for pair in selectors.one_on_one_cadence_for_leader(user=acting_user(request))
    ]


def _detail_or_404(request: HttpRequest, one_on_one_id: int) -> selectors.OneOnOneDetail:
    detail = selectors.one_on_one_detail(user=acting_user(request), one_on_one_id=one_on_one_id)
    if detail is None:
        raise Http404
    return detail


@router.get("/one-on-ones/{one_on_one_id}", response={200: OneOnOneDetailOut, **READ_ERRORS})
def one_on_one_get(request: HttpRequest, one_on_one_id: Id) -> Any:
    """A series of yours with its meetings and open action items."""
    detail = _detail_or_404(request, one_on_one_id)
    return {
        **_summary(detail.summary),
        "meetings": detail.meetings,
        "open_action_items": detail.open_action_items,
    }


@router.post("/one-on-ones", response={201: OneOnOneOut, **WRITE_ERRORS})
def one_on_one_start(
    request: HttpRequest, payload: OneOnOneIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Start a 1:1 series with one of your current direct reports."""
    user = acting_user(request)
    # Only people the user may see can be their report; anyone else is refused alike.
    report = people_visible_to(user=user).filter(pk=payload.report_id).first()
    if report is None:
        raise ApiInputError(
            "Choose one of your direct reports: only a person's current manager starts a 1:1 "
            "series with them.",
            field="report_id",
        )
    one_on_one = services.one_on_one_start(
        user=user, report=report, cadence=payload.cadence, form_token=idempotency_key
    )
    return Status(201, _summary(_detail_or_404(request, one_on_one.pk).summary))


@router.patch("/one-on-ones/{one_on_one_id}", response={200: OneOnOneOut, **WRITE_ERRORS})
def one_on_one_update(request: HttpRequest, one_on_one_id: Id, payload: OneOnOnePatch) -> Any:
    """Change how often the pair meets (either of the two)."""
    detail = _detail_or_404(request, one_on_one_id)
    services.one_on_one_set_cadence(
        user=acting_user(request), one_on_one=detail.one_on_one, cadence=payload.cadence
    )
    return _summary(_detail_or_404(request, one_on_one_id).summary)


@router.post(
    "/one-on-ones/{one_on_one_id}/meetings", response={201: MeetingSummaryOut, **WRITE_ERRORS}
)
def meeting_schedule(
    request: HttpRequest,
    one_on_one_id: Id,
    payload: MeetingIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """The pair's meeting on a date, made if new (with the last meeting's recurring topics)."""
    # The pair has one meeting a date: a repeat answers that meeting, whatever its key.
    detail = _detail_or_404(request, one_on_one_id)
    meeting = services.meeting_schedule(
        user=acting_user(request), one_on_one=detail.one_on_one, date=payload.date
    )
    return Status(201, _meeting_summary(request, meeting))


def _meeting_summary(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    detail = _meeting_or_404(request, meeting.pk)
    return {
        "id": meeting.pk,
        "date": meeting.date,
        "held": meeting.held,
        "agenda_count": len(detail.agenda_items),
        "action_count": len(detail.raised_here),
    }


def _meeting_or_404(request: HttpRequest, meeting_id: int) -> selectors.MeetingDetail:
    detail = selectors.meeting_detail(user=acting_user(request), meeting_id=meeting_id)
    if detail is None:
        raise Http404
    return detail


def _meeting_out(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    """A meeting's shared content; the selector's private note is deliberately left out."""
    detail = _meeting_or_404(request, meeting_id)
    meeting = detail.meeting
    return {
        "id": meeting.pk,
        "one_on_one_id": meeting.one_on_one_id,
        "date": meeting.date,
        "held": meeting.held,
        "agenda_items": detail.agenda_items,
        "shared_notes": detail.shared_notes,
        "carried_over": detail.carried_over,
        "raised_here": detail.raised_here,
    }


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **READ_ERRORS})
def meeting_get(request: HttpRequest, meeting_id: Id) -> Any:
    """A meeting's shared content: agenda, shared notes and action items (no private note)."""
    return _meeting_out(request, meeting_id)


@router.patch("/meetings/{meeting_id}", response={200: MeetingOut, **WRITE_ERRORS})
def meeting_update(request: HttpRequest, meeting_id: Id, payload: MeetingPatch) -> Any:
    """Record that the meeting took place, or not (a future meeting cannot have been held)."""
    detail = _meeting_or_404(request, meeting_id)
    services.meeting_set_held(user=acting_user(request), meeting=detail.meeting, held=payload.held)
    return _meeting_out(request, meeting_id)


@router.post("/meetings/{meeting_id}/agenda-items", response={201: AgendaItemOut, **WRITE_ERRORS})
def agenda_item_add(
    request: HttpRequest,
    meeting_id: Id,
    payload: AgendaItemIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Put a topic on the meeting's shared agenda."""
    detail = _meeting_or_404(request, meeting_id)
    item = services.agenda_item_add(
        user=acting_user(request),
        meeting=detail.meeting,
        text=payload.text,
        recurring=payload.recurring,
        form_token=idempotency_key,
    )
    return Status(201, item)


@router.post("/meetings/{meeting_id}/shared-notes", response={201: SharedNoteOut, **WRITE_ERRORS})
def shared_note_add(
    request: HttpRequest,
    meeting_id: Id,
    payload: SharedNoteIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Add shared notes (Markdown) to the meeting; both of you read them."""
    detail = _meeting_or_404(request, meeting_id)
    note = services.shared_note_add(
        user=acting_user(request),
        meeting=detail.meeting,
        text=payload.text,
        form_token=idempotency_key,
    )
    return Status(201, note)


@router.post("/meetings/{meeting_id}/action-items", response={201: ActionItemOut, **WRITE_ERRORS})
def action_item_add(
    request: HttpRequest,
    meeting_id: Id,
    payload: ActionItemIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Agree a to-do in the meeting, owned by one of the pair; it carries over until done."""
    detail = _meeting_or_404(request, meeting_id)
    owner = next((person for person in detail.participants if person.pk == payload.owner_id), None)
    if owner is None:
        raise ApiInputError(
            "The owner of an action item is one of the two of you.", field="owner_id"
        )
    item = services.action_item_add(
        user=acting_user(request),
        meeting=detail.meeting,
        text=payload.text,
        owner=owner,
        due_date=payload.due_date,
        form_token=idempotency_key,
    )
    return Status(201, item)


@router.patch("/action-items/{action_item_id}", response={200: ActionItemOut, **WRITE_ERRORS})
def action_item_update(request: HttpRequest, action_item_id: Id, payload: ActionItemPatch) -> Any:
    """Tick an action item off, or open it again."""
    action_item = selectors.action_item_of_participant(
        user=acting_user(request), action_item_id=action_item_id
    )
    if action_item is None:
        raise Http404
    return services.action_item_complete(
        user=acting_user(request), action_item=action_item, done=payload.done
    )
