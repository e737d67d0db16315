"""1:1 pages: my 1:1s, a series, a meeting, and the htmx fragments a meeting is edited with.

Every page and fragment fetches through a selector that returns nothing to anyone but the two
participants, so everyone else gets a 404 on reads and writes alike.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from productorg.accounts import permissions
from productorg.pages import form_status
from productorg.people import selectors, services
from productorg.people.models import OneOnOne
from productorg.people.one_on_one_forms import (
    ActionItemDoneForm,
    ActionItemForm,
    AgendaItemForm,
    CadenceForm,
    MeetingHeldForm,
    MeetingScheduleForm,
    OneOnOneStartForm,
    PrivateNoteForm,
    SharedNoteForm,
)
from productorg.people.selectors import MeetingDetail, OneOnOneDetail

LIST_TEMPLATE = "people/one_on_ones/one_on_one_list.html"
SERIES_TEMPLATE = "people/one_on_ones/one_on_one_detail.html"
MEETING_TEMPLATE = "people/one_on_ones/meeting_detail.html"


def _not_found_as_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A service that finds the user is not one of the pair answers 404, like a selector; a
    write to a series that has ended answers 403 saying why (the pair may still read it)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except services.OneOnOneNotFound as error:
            raise Http404 from error
        except services.OneOnOneClosed as error:
            response = render(request, "403.html", {"reason": error.message}, status=403)
            if request.htmx:
                # htmx swaps no 403 into the page: reload it instead, with the reason said
                # and the ended series drawn without its write controls.
                messages.error(request, error.message)
                response["HX-Refresh"] = "true"
            return response

    return wrapped


def _run(form: forms.Form, action: Callable[[dict], Any]) -> Any:
    """The service's result when the form and the service accept the input, else None."""
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return None


# My 1:1s.


def one_on_one_list(request: HttpRequest) -> HttpResponse:
    overview = selectors.one_on_ones_for(user=request.user)
    form = OneOnOneStartForm(
        me=permissions.person_of(request.user), reports=overview.reports_without_one_on_one
    )
    return render(request, LIST_TEMPLATE, {"overview": overview, "start_form": form})


@require_POST
@_not_found_as_404
def one_on_one_start(request: HttpRequest) -> HttpResponse:
    me = permissions.person_of(request.user)
    if me is None:
        raise Http404
    overview = selectors.one_on_ones_for(user=request.user)
    form = OneOnOneStartForm(request.POST, me=me, reports=overview.reports_without_one_on_one)
    # A repeat first: the first submit took the report off the form's list.
    one_on_one = form.repeat_of(OneOnOne, user_id=request.user.pk) or _run(
        form,
        lambda data: services.one_on_one_start(
            user=request.user,
            report=data["report"],
            cadence=data["cadence"],
            form_token=data["form_token"],
        ),
    )
    if one_on_one is None:
        context = {"overview": overview, "start_form": form}
        return render(request, LIST_TEMPLATE, context, status=form_status(request, form))
    messages.success(request, f"Your 1:1 series with {one_on_one.report.name} has started.")
    return redirect("people:one-on-one-detail", one_on_one.pk)


# A series.


def _series_or_404(request: HttpRequest, one_on_one_id: int) -> OneOnOneDetail:
    detail = selectors.one_on_one_detail(user=request.user, one_on_one_id=one_on_one_id)
    if detail is None:
        raise Http404
    return detail


def _series_page(
    request: HttpRequest,
    detail: OneOnOneDetail,
    schedule_form: MeetingScheduleForm | None = None,
    cadence_form: CadenceForm | None = None,
) -> HttpResponse:
    summary = detail.summary
    suggested = summary.next_date or timezone.localdate()
    if summary.next_meeting_id is not None:
        # The next meeting is in the calendar already: suggest the one after it.
        suggested += datetime.timedelta(days=detail.one_on_one.cadence_days)
    context = {
        "detail": detail,
        "one_on_one": detail.one_on_one,
        "schedule_form": schedule_form or MeetingScheduleForm(initial={"date": suggested}),
        "cadence_form": cadence_form or CadenceForm(initial={"cadence": detail.one_on_one.cadence}),
    }
    status = form_status(request, schedule_form, cadence_form)
    return render(request, SERIES_TEMPLATE, context, status=status)


def one_on_one_detail(request: HttpRequest, one_on_one_id: int) -> HttpResponse:
    return _series_page(request, _series_or_404(request, one_on_one_id))


@require_POST
@_not_found_as_404
def meeting_schedule(request: HttpRequest, one_on_one_id: int) -> HttpResponse:
    detail = _series_or_404(request, one_on_one_id)
    form = MeetingScheduleForm(request.POST)
    meeting = _run(
        form,
        lambda data: services.meeting_schedule(
            user=request.user, one_on_one=detail.one_on_one, date=data["date"]
        ),
    )
    if meeting is None:
        return _series_page(request, detail, schedule_form=form)
    return redirect("people:meeting-detail", meeting.pk)


@require_POST
@_not_found_as_404
def one_on_one_cadence(request: HttpRequest, one_on_one_id: int) -> HttpResponse:
    detail = _series_or_404(request, one_on_one_id)
    form = CadenceForm(request.POST)
    one_on_one = _run(
        form,
        lambda data: services.one_on_one_set_cadence(
            user=request.user, one_on_one=detail.one_on_one, cadence=data["cadence"]
        ),
    )
    if one_on_one is None:
        return _series_page(request, detail, cadence_form=form)
    messages.success(request, f"You now meet {one_on_one.get_cadence_display().lower()}.")
    return redirect("people:one-on-one-detail", one_on_one.pk)


# A meeting and its sections; each section is a partial that htmx swaps in place.


def _meeting_or_404(request: HttpRequest, meeting_id: int) -> MeetingDetail:
    detail = selectors.meeting_detail(user=request.user, meeting_id=meeting_id)
    if detail is None:
        raise Http404
    return detail


def _meeting_context(detail: MeetingDetail, **overrides: Any) -> dict[str, Any]:
    private_text = detail.private_note.text if detail.private_note else ""
    return {
        "detail": detail,
        "meeting": detail.meeting,
        "one_on_one": detail.one_on_one,
        "today": timezone.localdate(),
        "agenda_form": AgendaItemForm(),
        "shared_notes_form": SharedNoteForm(),
        "private_note_form": PrivateNoteForm(initial={"text": private_text}),
        "action_items_form": ActionItemForm(
            participants=detail.participants, initial={"owner": detail.me.pk}
        ),
        **overrides,
    }


def _meeting_section(
    request: HttpRequest, meeting_id: int, section: str, **overrides: Any
) -> HttpResponse:
    """After a write: the section afresh for htmx; otherwise back to the page (errors shown)."""
    failed = any(isinstance(value, forms.Form) and value.errors for value in overrides.values())
    if not request.htmx and not failed:
        return redirect(f"{reverse('people:meeting-detail', args=[meeting_id])}#{section}")
    context = _meeting_context(_meeting_or_404(request, meeting_id), **overrides)
    template = f"{MEETING_TEMPLATE}#{section}" if request.htmx else MEETING_TEMPLATE
    status = form_status(request, *(v for v in overrides.values() if isinstance(v, forms.Form)))
    return render(request, template, context, status=status)


def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return render(request, MEETING_TEMPLATE, _meeting_context(_meeting_or_404(request, meeting_id)))


@require_POST
@_not_found_as_404
def meeting_held(request: HttpRequest, meeting_id: int) -> HttpResponse:
    detail = _meeting_or_404(request, meeting_id)
    form = MeetingHeldForm(request.POST)
    _run(
        form,
        lambda data: services.meeting_set_held(
            user=request.user, meeting=detail.meeting, held=data["held"]
        ),
    )
    for error in form.errors.get("held", []):
        messages.error(request, error)
    return redirect("people:meeting-detail", meeting_id)


@require_POST
@_not_found_as_404
def agenda_item_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    detail = _meeting_or_404(request, meeting_id)
    form = AgendaItemForm(request.POST)
    added = _run(
        form,
        lambda data: services.agenda_item_add(
            user=request.user,
            meeting=detail.meeting,
            text=data["text"],
            recurring=data["recurring"],
            form_token=data["form_token"],
        ),
    )
    overrides = {} if added else {"agenda_form": form}
    return _meeting_section(request, meeting_id, "agenda", **overrides)


@require_POST
@_not_found_as_404
def agenda_item_discussed(
    request: HttpRequest, meeting_id: int, agenda_item_id: int
) -> HttpResponse:
    detail = _meeting_or_404(request, meeting_id)
    agenda_item = next((item for item in detail.agenda_items if item.pk == agenda_item_id), None)
    if agenda_item is None:
        raise Http404
    services.agenda_item_toggle_discussed(user=request.user, agenda_item=agenda_item)
    return _meeting_section(request, meeting_id, "agenda")


@require_POST
@_not_found_as_404
def shared_note_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    detail = _meeting_or_404(request, meeting_id)
    form = SharedNoteForm(request.POST)
    added = _run(
        form,
        lambda data: services.shared_note_add(
            user=request.user,
            meeting=detail.meeting,
            text=data["text"],
            form_token=data["form_token"],
        ),
    )
    overrides = {} if added else {"shared_notes_form": form}
    return _meeting_section(request, meeting_id, "shared_notes", **overrides)


@require_POST
@_not_found_as_404
def shared_note_edit(request: HttpRequest, meeting_id: int, shared_note_id: int) -> HttpResponse:
    detail = _meeting_or_404(request, meeting_id)
    shared_note = next((note for note in detail.shared_notes if note.pk == shared_note_id), None)
    if shared_note is None:
        raise Http404
    form = SharedNoteForm(request.POST, prefix=f"note-{shared_note.pk}")
    edited = _run(
        form,
        lambda data: services.shared_note_edit(
            user=request.user, shared_note=shared_note, text=data["text"]
        ),
    )
    overrides = {} if edited else {"edit_form": form, "editing_note_id": shared_note.pk}
    return _meeting_section(request, meeting_id, "shared_notes", **overrides)


@require_POST
@_not_found_as_404
def private_note_save(request: HttpRequest, meeting_id: int) -> HttpResponse:
    detail = _meeting_or_404(request, meeting_id)
    form = PrivateNoteForm(request.POST)
    if form.is_valid():
        services.private_note_save(
            user=request.user, meeting=detail.meeting, text=form.cleaned_data["text"]
        )
        return _meeting_section(request, meeting_id, "private_note", private_note_saved=True)
    return _meeting_section(request, meeting_id, "private_note", private_note_form=form)


@require_POST
@_not_found_as_404
def action_item_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    detail = _meeting_or_404(request, meeting_id)
    form = ActionItemForm(request.POST, participants=detail.participants)
    added = _run(
        form,
        lambda data: services.action_item_add(
            user=request.user,
            meeting=detail.meeting,
            text=data["text"],
            owner=data["owner"],
            due_date=data["due_date"],
            form_token=data["form_token"],
        ),
    )
    overrides = {} if added else {"action_items_form": form}
    return _meeting_section(request, meeting_id, "action_items", **overrides)


@require_POST
@_not_found_as_404
def action_item_done(request: HttpRequest, meeting_id: int, action_item_id: int) -> HttpResponse:
    detail = _meeting_or_404(request, meeting_id)
    shown = detail.carried_over + detail.raised_here
    action_item = next((item for item in shown if item.pk == action_item_id), None)
    if action_item is None:
        raise Http404
    action_item.one_on_one = detail.one_on_one
    form = ActionItemDoneForm(request.POST)
    _run(
        form,
        lambda data: services.action_item_complete(
            user=request.user, action_item=action_item, done=data["done"]
        ),
    )
    return _meeting_section(request, meeting_id, "action_items")
