"""1:1 services and selectors: starting a series, scheduling, carry-over, cadence and privacy.

The shared `pair` fixture is Gabe's series with Pia: a held meeting last week, one today, and
content of every kind on it; the other 1:1 test modules import it from here (as
`pair_fixture`, the fixture being named `pair`).
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from productorg.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    MeetingFactory,
    OneOnOneFactory,
    PersonFactory,
    PrivateNoteFactory,
    SharedNoteFactory,
)
from productorg.people import selectors, services
from productorg.people.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    OneOnOne,
    PrivateNote,
    SharedNote,
)
from productorg.people.models.one_on_ones import NOTE_MAX_LENGTH
from productorg.people.selectors.one_on_ones import is_overdue

DAY = datetime.timedelta(days=1)

# Marked words, so a test can look for each piece of content in a page or a value.
AGENDA_TEXT = "AGENDA-7 Roadmap review for the checkout redesign"
SHARED_TEXT = "SHARED-7 We agreed to cut the coupon scope from Q3"
GABE_PRIVATE_TEXT = "GABE-PRIVATE-7 Pia looks stretched; ask about workload"
PIA_PRIVATE_TEXT = "PIA-PRIVATE-7 Ask about the Senior PM promotion case"
ACTION_TEXT = "ACTION-7 Introduce Pia to the finance partner"
CARRIED_TEXT = "CARRIED-7 Draft the pricing experiment memo"
CONTENT_TEXTS = [AGENDA_TEXT, SHARED_TEXT, ACTION_TEXT, CARRIED_TEXT]


@dataclass
class Pair:
    one_on_one: OneOnOne
    earlier: Meeting
    meeting: Meeting
    agenda_item: AgendaItem
    shared_note: SharedNote
    gabe_private_note: PrivateNote
    pia_private_note: PrivateNote
    action_item: ActionItem
    carried_item: ActionItem


@pytest.fixture(name="pair")
def pair_fixture(org) -> Pair:
    today = timezone.localdate()
    one_on_one = OneOnOneFactory(manager=org.gabe, report=org.pia, cadence="weekly")
    earlier = MeetingFactory(one_on_one=one_on_one, date=today - 7 * DAY, held=True)
    meeting = MeetingFactory(one_on_one=one_on_one, date=today)
    return Pair(
        one_on_one=one_on_one,
        earlier=earlier,
        meeting=meeting,
        agenda_item=AgendaItemFactory(meeting=meeting, author=org.pia, text=AGENDA_TEXT),
        shared_note=SharedNoteFactory(meeting=meeting, author=org.gabe, text=SHARED_TEXT),
        gabe_private_note=PrivateNoteFactory(
            meeting=meeting, author=org.gabe, text=GABE_PRIVATE_TEXT
        ),
        pia_private_note=PrivateNoteFactory(meeting=meeting, author=org.pia, text=PIA_PRIVATE_TEXT),
        action_item=ActionItemFactory(raised_in=meeting, owner=org.gabe, text=ACTION_TEXT),
        carried_item=ActionItemFactory(raised_in=earlier, owner=org.pia, text=CARRIED_TEXT),
    )


# Starting a series.


def test_a_manager_starts_a_1_1_with_a_direct_report(org):
    one_on_one = services.one_on_one_start(user=org.gabe.user, report=org.pia, cadence="biweekly")
    assert (one_on_one.manager, one_on_one.report, one_on_one.cadence) == (
        org.gabe,
        org.pia,
        "biweekly",
    )


def test_a_1_1_with_oneself_is_refused_with_a_clear_message(org):
    with pytest.raises(ValidationError) as refused:
        services.one_on_one_start(user=org.gabe.user, report=org.gabe, cadence="weekly")
    assert "yourself" in refused.value.message_dict["report"][0]
    assert not OneOnOne.objects.exists()


@pytest.mark.parametrize("starter", ["dana", "greta", "paul", "cora"])
def test_only_the_current_direct_manager_starts_a_1_1(org, starter):
    with pytest.raises(ValidationError) as refused:
        services.one_on_one_start(user=getattr(org, starter).user, report=org.pia, cadence="weekly")
    assert "report" in refused.value.message_dict
    assert not OneOnOne.objects.exists()


def test_a_report_cannot_start_a_1_1_with_their_manager(org):
    with pytest.raises(ValidationError):
        services.one_on_one_start(user=org.pia.user, report=org.gabe, cadence="weekly")


def test_a_second_series_for_the_same_pair_is_refused(org, pair):
    with pytest.raises(ValidationError) as refused:
        services.one_on_one_start(user=org.gabe.user, report=org.pia, cadence="weekly")
    assert "already" in refused.value.message_dict["report"][0]


def test_an_unknown_cadence_is_refused(org):
    with pytest.raises(ValidationError) as refused:
        services.one_on_one_start(user=org.gabe.user, report=org.pia, cadence="hourly")
    assert "cadence" in refused.value.message_dict


def test_a_user_without_a_person_cannot_start_a_1_1(org):
    with pytest.raises(services.OneOnOneNotFound):
        services.one_on_one_start(user=org.ada, report=org.pia, cadence="weekly")


# Meetings and agendas.


def test_scheduling_copies_the_recurring_agenda_items_of_the_previous_meeting(org, pair):
    services.agenda_item_add(
        user=org.pia.user, meeting=pair.meeting, text="Career goals check-in", recurring=True
    )
    services.agenda_item_add(user=org.gabe.user, meeting=pair.meeting, text="Launch retro")
    later = services.meeting_schedule(
        user=org.gabe.user, one_on_one=pair.one_on_one, date=pair.meeting.date + 7 * DAY
    )
    copied = list(later.agenda_items.values_list("text", "author", "recurring", "discussed"))
    assert copied == [("Career goals check-in", org.pia.pk, True, False)]


def test_scheduling_a_date_that_has_a_meeting_returns_it_and_copies_nothing_again(org, pair):
    services.agenda_item_add(user=org.pia.user, meeting=pair.earlier, text="Hiring", recurring=True)
    again = services.meeting_schedule(
        user=org.pia.user, one_on_one=pair.one_on_one, date=pair.meeting.date
    )
    assert again == pair.meeting
    assert pair.meeting.agenda_items.count() == 1


def test_either_participant_adds_agenda_items_and_they_are_ordered(org, pair):
    first = services.agenda_item_add(user=org.gabe.user, meeting=pair.meeting, text="First")
    second = services.agenda_item_add(user=org.pia.user, meeting=pair.meeting, text="Second")
    assert (first.author, second.author) == (org.gabe, org.pia)
    assert second.position > first.position


def test_agenda_items_are_marked_discussed_and_back(org, pair):
    services.agenda_item_toggle_discussed(user=org.pia.user, agenda_item=pair.agenda_item)
    pair.agenda_item.refresh_from_db()
    assert pair.agenda_item.discussed
    services.agenda_item_toggle_discussed(user=org.gabe.user, agenda_item=pair.agenda_item)
    pair.agenda_item.refresh_from_db()
    assert not pair.agenda_item.discussed


@pytest.mark.parametrize(
    ("text", "message"), [("   ", "empty"), ("x" * 501, "at most 500")], ids=["empty", "long"]
)
def test_agenda_item_text_must_be_there_and_fit(org, pair, text, message):
    with pytest.raises(ValidationError) as refused:
        services.agenda_item_add(user=org.pia.user, meeting=pair.meeting, text=text)
    assert message in refused.value.message_dict["text"][0]


def test_shared_notes_are_written_and_rewritten_by_either_participant(org, pair):
    note = services.shared_note_add(user=org.pia.user, meeting=pair.meeting, text="Notes")
    services.shared_note_edit(user=org.gabe.user, shared_note=note, text="Notes, completed")
    note.refresh_from_db()
    assert (note.author, note.text) == (org.pia, "Notes, completed")


def test_shared_notes_longer_than_the_limit_are_refused(org, pair):
    with pytest.raises(ValidationError):
        services.shared_note_add(
            user=org.pia.user, meeting=pair.meeting, text="x" * (NOTE_MAX_LENGTH + 1)
        )


def test_a_meeting_in_the_future_cannot_be_marked_held(org, pair):
    later = MeetingFactory(one_on_one=pair.one_on_one, date=timezone.localdate() + 3 * DAY)
    with pytest.raises(ValidationError) as refused:
        services.meeting_set_held(user=org.gabe.user, meeting=later, held=True)
    assert "held" in refused.value.message_dict
    services.meeting_set_held(user=org.gabe.user, meeting=pair.meeting, held=True)
    pair.meeting.refresh_from_db()
    assert pair.meeting.held


# Private notes.


def test_saving_a_private_note_touches_only_the_authors_own_note(org, pair):
    services.private_note_save(user=org.pia.user, meeting=pair.meeting, text="Rewritten by Pia")
    pair.gabe_private_note.refresh_from_db()
    pair.pia_private_note.refresh_from_db()
    assert pair.gabe_private_note.text == GABE_PRIVATE_TEXT
    assert pair.pia_private_note.text == "Rewritten by Pia"
    assert PrivateNote.objects.filter(meeting=pair.meeting).count() == 2


def test_saving_an_empty_private_note_deletes_the_authors_note_only(org, pair):
    assert services.private_note_save(user=org.pia.user, meeting=pair.meeting, text=" ") is None
    assert list(PrivateNote.objects.values_list("author", flat=True)) == [org.gabe.pk]


def test_a_first_private_note_is_created_for_its_author(org, pair):
    note = services.private_note_save(user=org.gabe.user, meeting=pair.earlier, text="Mine")
    assert (note.author, note.meeting, note.text) == (org.gabe, pair.earlier, "Mine")


def test_a_private_note_never_shows_its_text_in_its_name(pair):
    assert GABE_PRIVATE_TEXT not in str(pair.gabe_private_note)


# Action items and carry-over.


def test_an_action_item_is_owned_by_one_of_the_pair(org, pair):
    item = services.action_item_add(
        user=org.pia.user, meeting=pair.meeting, text="Share the PRD", owner=org.pia
    )
    assert (item.one_on_one, item.raised_in, item.due_date) == (pair.one_on_one, pair.meeting, None)
    with pytest.raises(ValidationError) as refused:
        services.action_item_add(
            user=org.pia.user, meeting=pair.meeting, text="Fix billing", owner=org.olive
        )
    assert "owner" in refused.value.message_dict


def test_open_action_items_carry_over_until_done(org, pair):
    today = timezone.localdate()
    later = services.meeting_schedule(
        user=org.gabe.user, one_on_one=pair.one_on_one, date=today + 7 * DAY
    )
    on_today = selectors.meeting_detail(user=org.pia.user, meeting_id=pair.meeting.pk)
    assert [item.text for item in on_today.carried_over] == [CARRIED_TEXT]
    assert [item.text for item in on_today.raised_here] == [ACTION_TEXT]
    on_later = selectors.meeting_detail(user=org.pia.user, meeting_id=later.pk)
    assert {item.text for item in on_later.carried_over} == {CARRIED_TEXT, ACTION_TEXT}

    services.action_item_complete(user=org.pia.user, action_item=pair.carried_item)

    on_later = selectors.meeting_detail(user=org.pia.user, meeting_id=later.pk)
    assert [item.text for item in on_later.carried_over] == [ACTION_TEXT]
    # Where it was ticked off, it still shows, as done.
    on_today = selectors.meeting_detail(user=org.pia.user, meeting_id=pair.meeting.pk)
    assert [(item.text, item.done) for item in on_today.carried_over] == [(CARRIED_TEXT, True)]


def test_an_action_item_raised_later_does_not_show_on_an_earlier_meeting(org, pair):
    on_earlier = selectors.meeting_detail(user=org.gabe.user, meeting_id=pair.earlier.pk)
    assert [item.text for item in on_earlier.raised_here] == [CARRIED_TEXT]
    assert on_earlier.carried_over == []


def test_a_done_action_item_can_be_opened_again(org, pair):
    services.action_item_complete(user=org.gabe.user, action_item=pair.action_item)
    assert pair.action_item.done_at is not None
    services.action_item_complete(user=org.gabe.user, action_item=pair.action_item, done=False)
    pair.action_item.refresh_from_db()
    assert (pair.action_item.done, pair.action_item.done_at) == (False, None)


# Writes by anyone else than the pair.


OUTSIDERS = ["dana", "cora", "paul", "greta", "olive", "sam", "ada"]


def _user(org, who: str):
    person_or_user = getattr(org, who)
    return getattr(person_or_user, "user", person_or_user)


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_nobody_outside_the_pair_writes_to_it(org, pair, outsider):
    user = _user(org, outsider)
    writes = [
        lambda: services.meeting_schedule(
            user=user, one_on_one=pair.one_on_one, date=pair.meeting.date + DAY
        ),
        lambda: services.one_on_one_set_cadence(
            user=user, one_on_one=pair.one_on_one, cadence="monthly"
        ),
        lambda: services.meeting_set_held(user=user, meeting=pair.meeting, held=True),
        lambda: services.agenda_item_add(user=user, meeting=pair.meeting, text="Mine now"),
        lambda: services.agenda_item_toggle_discussed(user=user, agenda_item=pair.agenda_item),
        lambda: services.shared_note_add(user=user, meeting=pair.meeting, text="Mine now"),
        lambda: services.shared_note_edit(user=user, shared_note=pair.shared_note, text="Mine"),
        lambda: services.private_note_save(user=user, meeting=pair.meeting, text="Mine now"),
        lambda: services.action_item_add(
            user=user, meeting=pair.meeting, text="Mine now", owner=org.pia
        ),
        lambda: services.action_item_complete(user=user, action_item=pair.action_item),
    ]
    for write in writes:
        with pytest.raises(services.OneOnOneNotFound):
            write()
    assert Meeting.objects.count() == 2
    assert PrivateNote.objects.count() == 2
    pair.shared_note.refresh_from_db()
    assert pair.shared_note.text == SHARED_TEXT


# A change of manager.


def test_after_a_change_of_manager_the_old_series_stays_with_the_old_pair(org, pair):
    services.person_set_manager(person=org.pia, manager=org.greta)

    gabe = selectors.one_on_ones_for(user=org.gabe.user)
    assert [summary.one_on_one for summary in gabe.past] == [pair.one_on_one]
    assert gabe.as_manager == []
    assert selectors.meeting_detail(user=org.gabe.user, meeting_id=pair.meeting.pk) is not None
    assert selectors.meeting_detail(user=org.pia.user, meeting_id=pair.meeting.pk) is not None
    # The new manager inherits nothing, and starts a series of their own.
    assert selectors.meeting_detail(user=org.greta.user, meeting_id=pair.meeting.pk) is None
    assert (
        selectors.one_on_one_detail(user=org.greta.user, one_on_one_id=pair.one_on_one.pk) is None
    )
    greta = selectors.one_on_ones_for(user=org.greta.user)
    assert org.pia in greta.reports_without_one_on_one
    fresh = services.one_on_one_start(user=org.greta.user, report=org.pia, cadence="weekly")
    assert fresh.pk != pair.one_on_one.pk
    assert not fresh.action_items.exists()
    # The old series takes no new meetings, and the old manager cannot start another.
    with pytest.raises(services.OneOnOneClosed):
        services.meeting_schedule(
            user=org.gabe.user, one_on_one=pair.one_on_one, date=timezone.localdate() + DAY
        )
    with pytest.raises(ValidationError):
        services.one_on_one_start(user=org.gabe.user, report=org.pia, cadence="weekly")
    pia = selectors.one_on_ones_for(user=org.pia.user)
    assert [summary.one_on_one for summary in pia.as_report] == [fresh]
    assert [summary.one_on_one for summary in pia.past] == [pair.one_on_one]


# My 1:1s: next date, last held, overdue.


def test_my_1_1s_list_both_sides_with_next_and_last_dates(org, pair):
    today = timezone.localdate()
    gabe = selectors.one_on_ones_for(user=org.gabe.user)
    (summary,) = gabe.as_manager
    assert (summary.other, summary.last_held, summary.next_date) == (
        org.pia,
        today - 7 * DAY,
        today,
    )
    assert summary.next_meeting_id == pair.meeting.pk
    assert not summary.overdue
    assert gabe.reports_without_one_on_one == [org.paul]
    (as_report,) = selectors.one_on_ones_for(user=org.pia.user).as_report
    assert as_report.other == org.gabe


def test_without_a_scheduled_meeting_the_next_date_follows_the_cadence(org, pair):
    pair.meeting.delete()
    (summary,) = selectors.one_on_ones_for(user=org.gabe.user).as_manager
    assert summary.next_date == pair.earlier.date + 7 * DAY


def test_a_pair_is_overdue_after_the_cadence_and_two_days_of_grace(org, pair):
    today = timezone.localdate()
    pair.earlier.date = today - 10 * DAY
    pair.earlier.save()
    (summary,) = selectors.one_on_ones_for(user=org.gabe.user).as_manager
    assert summary.overdue
    pair.earlier.date = today - 9 * DAY
    pair.earlier.save()
    (summary,) = selectors.one_on_ones_for(user=org.gabe.user).as_manager
    assert not summary.overdue


def test_overdue_counts_from_the_start_of_a_series_that_never_met():
    started = datetime.date(2027, 1, 1)
    assert not is_overdue(
        cadence_days=14, last_held=None, started=started, today=started + 16 * DAY
    )
    assert is_overdue(cadence_days=14, last_held=None, started=started, today=started + 17 * DAY)


# Meeting detail: the private note of the other participant is never loaded.


def test_meeting_detail_holds_the_users_own_private_note_only(org, pair):
    for person, own, other in [
        (org.gabe, GABE_PRIVATE_TEXT, PIA_PRIVATE_TEXT),
        (org.pia, PIA_PRIVATE_TEXT, GABE_PRIVATE_TEXT),
    ]:
        detail = selectors.meeting_detail(user=person.user, meeting_id=pair.meeting.pk)
        assert detail.private_note.text == own
        assert other not in repr(detail.meeting.__dict__)
        assert other not in repr(dataclasses.asdict(detail))


def test_meeting_detail_reads_private_notes_filtered_by_author_in_sql(org, pair):
    with CaptureQueriesContext(connection) as captured:
        selectors.meeting_detail(user=org.pia.user, meeting_id=pair.meeting.pk)
    private_queries = [q["sql"] for q in captured.captured_queries if "privatenote" in q["sql"]]
    assert len(private_queries) == 1
    assert '"author_id" = ' in private_queries[0] or "author_id` = " in private_queries[0]


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_meeting_and_series_details_are_none_for_everyone_else(org, pair, outsider):
    user = _user(org, outsider)
    assert selectors.meeting_detail(user=user, meeting_id=pair.meeting.pk) is None
    assert selectors.one_on_one_detail(user=user, one_on_one_id=pair.one_on_one.pk) is None


# The leader's cadence view: dates and counts, never content.


def test_the_managers_manager_sees_dates_and_counts_only(org, pair):
    rows = selectors.one_on_one_cadence_for_leader(user=org.dana.user)
    by_pair = {(row.manager.name, row.report.name): row for row in rows}
    assert set(by_pair) == {
        ("Dana", "Gabe"),
        ("Dana", "Greta"),
        ("Gabe", "Pia"),
        ("Gabe", "Paul"),
        ("Greta", "Olive"),
    }
    gabe_pia = by_pair[("Gabe", "Pia")]
    assert (gabe_pia.cadence, gabe_pia.last_held, gabe_pia.meetings_last_90_days) == (
        "weekly",
        pair.earlier.date,
        1,
    )
    assert gabe_pia.health == "on-track"
    assert by_pair[("Gabe", "Paul")].health == "missing"
    fields = {field.name for field in dataclasses.fields(gabe_pia)}
    assert fields == {
        "manager",
        "report",
        "cadence",
        "cadence_days",
        "last_held",
        "meetings_last_90_days",
        "overdue",
    }
    everything = repr(rows) + repr([vars(row.manager) | vars(row.report) for row in rows])
    for text in [*CONTENT_TEXTS, GABE_PRIVATE_TEXT, PIA_PRIVATE_TEXT]:
        assert text not in everything


def test_the_cadence_view_of_a_group_pm_holds_their_own_pairs(org, pair):
    rows = selectors.one_on_one_cadence_for_leader(user=org.gabe.user)
    assert {(row.manager, row.report) for row in rows} == {
        (org.gabe, org.pia),
        (org.gabe, org.paul),
    }


@pytest.mark.parametrize(("who", "count"), [("pia", 0), ("sam", 0), ("ada", 6)])
def test_the_cadence_view_is_empty_for_pms_and_stakeholders_and_whole_for_admins(
    org, pair, who, count
):
    assert len(selectors.one_on_one_cadence_for_leader(user=_user(org, who))) == count


def test_the_cadence_view_counts_meetings_of_the_last_90_days_and_flags_overdue(org, pair):
    today = timezone.localdate()
    one_on_one = OneOnOneFactory(manager=org.greta, report=org.olive, cadence="biweekly")
    for days_ago in [20, 40, 60, 95]:
        MeetingFactory(one_on_one=one_on_one, date=today - days_ago * DAY, held=True)
    MeetingFactory(one_on_one=one_on_one, date=today - 5 * DAY, held=False)
    (row,) = [
        row
        for row in selectors.one_on_one_cadence_for_leader(user=org.dana.user)
        if row.report == org.olive
    ]
    assert (row.last_held, row.meetings_last_90_days, row.overdue) == (
        today - 20 * DAY,
        3,
        True,
    )


def test_the_cadence_view_is_bounded_in_queries(org, pair, django_assert_max_num_queries):
    for number in range(6):
        report = PersonFactory(name=f"Extra {number}", manager=org.greta)
        one_on_one = OneOnOneFactory(manager=org.greta, report=report)
        MeetingFactory(one_on_one=one_on_one, held=True)
    user = org.cora.user
    with django_assert_max_num_queries(4):
        rows = selectors.one_on_one_cadence_for_leader(user=user)
        assert [row.manager.name for row in rows]
        assert [row.report.level.name for row in rows]
    assert len(rows) == 12
