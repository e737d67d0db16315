"""The 1:1 pages and their htmx fragments: what they show, what they refuse, what they cost."""

from __future__ import annotations

import datetime
import re

import pytest
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
from productorg.people.models import ActionItem, AgendaItem, Meeting, OneOnOne, SharedNote
from productorg.people.tests.test_one_on_ones import (
    ACTION_TEXT,
    AGENDA_TEXT,
    CARRIED_TEXT,
    GABE_PRIVATE_TEXT,
    SHARED_TEXT,
    pair_fixture,  # noqa: F401 - the `pair` fixture
)

HTMX = {"HTTP_HX_REQUEST": "true"}
DAY = datetime.timedelta(days=1)


def meeting_url(pair) -> str:
    return f"/one-on-ones/meetings/{pair.meeting.pk}/"


# My 1:1s.


def test_my_1_1s_show_each_side_with_next_date_and_overdue_badge(client_for, org, pair):
    pair.earlier.date = timezone.localdate() - 30 * DAY
    pair.earlier.save()
    page = client_for(org.gabe).get("/one-on-ones/").content.decode()
    assert "With my reports" in page
    assert f'href="/one-on-ones/{pair.one_on_one.pk}/"' in page
    assert f'href="/one-on-ones/meetings/{pair.meeting.pk}/"' in page
    assert "Overdue" in page
    # Paul has no series yet: Gabe is offered to start one with him, and with nobody else.
    options = re.findall(r'<option value="(\d+)"', page)
    assert options == [str(org.paul.pk)]
    assert f'<option value="{org.pia.pk}"' not in page
    pia_page = client_for(org.pia).get("/one-on-ones/").content.decode()
    assert "With my manager" in pia_page and "Gabe" in pia_page
    assert "Start a 1:1" not in pia_page


@pytest.mark.parametrize("who", ["sam", "ada", "olive"])
def test_my_1_1s_page_is_empty_for_people_without_any(client_for, org, pair, who):
    page = client_for(getattr(org, who)).get("/one-on-ones/").content.decode()
    assert "Pia" not in page
    assert f"/one-on-ones/{pair.one_on_one.pk}/" not in page


def test_a_manager_starts_a_1_1_from_the_page(client_for, org):
    response = client_for(org.gabe).post(
        "/one-on-ones/start/", {"report": org.paul.pk, "cadence": "weekly"}
    )
    one_on_one = OneOnOne.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/one-on-ones/{one_on_one.pk}/"
    assert (one_on_one.manager, one_on_one.report) == (org.gabe, org.paul)


def test_starting_a_1_1_with_oneself_is_refused_with_a_clear_message(client_for, org):
    response = client_for(org.gabe).post(
        "/one-on-ones/start/", {"report": org.gabe.pk, "cadence": "weekly"}
    )
    assert response.status_code == 400
    assert "you cannot start one with yourself" in response.content.decode()
    assert not OneOnOne.objects.exists()


@pytest.mark.parametrize(("starter", "report"), [("gabe", "olive"), ("dana", "pia")])
def test_starting_a_1_1_with_someone_not_a_direct_report_is_refused(
    client_for, org, starter, report
):
    response = client_for(getattr(org, starter)).post(
        "/one-on-ones/start/", {"report": getattr(org, report).pk, "cadence": "weekly"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose one of your direct reports" in page
    # The refusal names nobody: an id says nothing about who it belongs to.
    assert getattr(org, report).name not in page.split("Start a 1:1")[1]
    assert not OneOnOne.objects.exists()


@pytest.mark.parametrize("who", ["sam", "ada"])
def test_people_without_a_person_cannot_start_a_1_1(client_for, org, who):
    response = client_for(getattr(org, who)).post(
        "/one-on-ones/start/", {"report": org.pia.pk, "cadence": "weekly"}
    )
    assert response.status_code == 404


# The series page.


def test_the_series_page_lists_meetings_and_open_action_items(client_for, org, pair):
    page = client_for(org.pia).get(f"/one-on-ones/{pair.one_on_one.pk}/").content.decode()
    assert f'href="/one-on-ones/meetings/{pair.meeting.pk}/"' in page
    assert f'href="/one-on-ones/meetings/{pair.earlier.pk}/"' in page
    assert ACTION_TEXT in page and CARRIED_TEXT in page
    assert "Schedule a meeting" in page


def test_scheduling_from_the_series_page_opens_the_new_meeting(client_for, org, pair):
    date = timezone.localdate() + 14 * DAY
    response = client_for(org.pia).post(
        f"/one-on-ones/{pair.one_on_one.pk}/meetings/new/", {"date": date.isoformat()}
    )
    meeting = Meeting.objects.get(date=date)
    assert response["Location"] == f"/one-on-ones/meetings/{meeting.pk}/"


def test_a_date_years_away_is_refused(client_for, org, pair):
    response = client_for(org.gabe).post(
        f"/one-on-ones/{pair.one_on_one.pk}/meetings/new/", {"date": "2099-01-01"}
    )
    assert "within a year" in response.content.decode()
    assert Meeting.objects.count() == 2


def test_a_closed_series_shows_why_and_refuses_new_meetings(client_for, org, pair):
    from productorg.people.services import person_set_manager

    person_set_manager(person=org.pia, manager=org.greta)
    client = client_for(org.gabe)
    page = client.get(f"/one-on-ones/{pair.one_on_one.pk}/").content.decode()
    assert "no longer reports to Gabe" in page
    assert "Schedule a meeting" not in page
    response = client.post(
        f"/one-on-ones/{pair.one_on_one.pk}/meetings/new/",
        {"date": (timezone.localdate() + DAY).isoformat()},
    )
    assert response.status_code == 403
    assert "no longer reports to Gabe" in response.content.decode()
    assert Meeting.objects.count() == 2
    assert client_for(org.greta).get(f"/one-on-ones/{pair.one_on_one.pk}/").status_code == 404


# The meeting page.


def test_the_meeting_page_shows_agenda_notes_actions_and_the_private_box(client_for, org, pair):
    page = client_for(org.gabe).get(meeting_url(pair)).content.decode()
    for text in [AGENDA_TEXT, SHARED_TEXT, ACTION_TEXT, CARRIED_TEXT, GABE_PRIVATE_TEXT]:
        assert text in page
    assert "My private notes" in page
    assert "Only you can read this." in page
    assert "carried over from" in page


def test_a_carried_over_item_disappears_from_the_next_meeting_once_done(client_for, org, pair):
    client = client_for(org.pia)
    later = Meeting.objects.create(one_on_one=pair.one_on_one, date=timezone.localdate() + 7 * DAY)
    assert CARRIED_TEXT in client.get(f"/one-on-ones/meetings/{later.pk}/").content.decode()
    client.post(
        f"/one-on-ones/meetings/{pair.meeting.pk}/action-items/{pair.carried_item.pk}/done/",
        {"done": "on"},
        **HTMX,
    )
    assert CARRIED_TEXT not in client.get(f"/one-on-ones/meetings/{later.pk}/").content.decode()


def test_a_recurring_agenda_item_shows_on_the_next_meeting(client_for, org, pair):
    client = client_for(org.gabe)
    client.post(
        f"/one-on-ones/meetings/{pair.meeting.pk}/agenda/",
        {"text": "Growth plan: stakeholder management goal", "recurring": "on"},
        **HTMX,
    )
    date = timezone.localdate() + 7 * DAY
    response = client.post(
        f"/one-on-ones/{pair.one_on_one.pk}/meetings/new/", {"date": date.isoformat()}
    )
    page = client.get(response["Location"]).content.decode()
    assert "Growth plan: stakeholder management goal" in page
    assert AGENDA_TEXT not in page


HOSTILE = (
    "<script>alert('x')</script>\n\n"
    '<img src="x" onerror="alert(1)">\n\n'
    '[click me](javascript:alert(1)) and <a href="javascript:alert(2)">this</a>\n\n'
    '<p onclick="alert(3)" style="color:red">styled</p>\n\n**bold**'
)


def test_markdown_with_scripts_handlers_and_javascript_links_renders_inert(client_for, org, pair):
    SharedNote.objects.filter(pk=pair.shared_note.pk).update(text=HOSTILE)
    AgendaItem.objects.filter(pk=pair.agenda_item.pk).update(text=HOSTILE[:500])
    ActionItem.objects.filter(pk=pair.action_item.pk).update(text=HOSTILE[:500])
    PrivateNoteFactory(meeting=pair.meeting, author=org.pia, text=HOSTILE)
    for who in [org.gabe, org.pia]:
        page = client_for(who).get(meeting_url(pair)).content.decode()
        assert "<strong>bold</strong>" in page
        assert "<script>alert" not in page
        assert not re.search(r"<[a-z][^>]*\son(error|click)\s*=", page, re.IGNORECASE)
        assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", page, re.IGNORECASE)
        assert 'style="color:red"' not in page


def test_an_htmx_post_answers_with_the_section_only(client_for, org, pair):
    response = client_for(org.pia).post(
        f"/one-on-ones/meetings/{pair.meeting.pk}/agenda/", {"text": "Pricing debate"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<article id="agenda"')
    assert "<html" not in html and "Pricing debate" in html and AGENDA_TEXT in html


def test_a_plain_post_returns_to_the_section_of_the_page(client_for, org, pair):
    response = client_for(org.pia).post(
        f"/one-on-ones/meetings/{pair.meeting.pk}/shared-notes/", {"text": "Plain form"}
    )
    assert response["Location"] == f"/one-on-ones/meetings/{pair.meeting.pk}/#shared_notes"


@pytest.mark.parametrize(
    ("section", "data", "message"),
    [
        ("agenda", {"text": "x" * 501}, "at most 500 characters"),
        ("agenda", {"text": "   "}, "This field is required."),
        ("shared-notes", {"text": "x" * 20_001}, "at most 20000 characters"),
        ("private-note", {"text": "x" * 20_001}, "at most 20000 characters"),
        ("action-items", {"text": "x" * 501, "owner": "PIA"}, "at most 500 characters"),
        ("action-items", {"text": "Call sales", "owner": "OLIVE"}, "one of the two of you"),
        ("action-items", {"text": "Call sales", "owner": "PIA", "due_date": "soon"}, "valid date"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    client_for, org, pair, section, data, message
):
    people = {"PIA": org.pia.pk, "OLIVE": org.olive.pk}
    data = {key: people.get(value, value) for key, value in data.items()}
    counts = (AgendaItem.objects.count(), SharedNote.objects.count(), ActionItem.objects.count())
    response = client_for(org.pia).post(
        f"/one-on-ones/meetings/{pair.meeting.pk}/{section}/", data, **HTMX
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts == (
        AgendaItem.objects.count(),
        SharedNote.objects.count(),
        ActionItem.objects.count(),
    )
    pair.pia_private_note.refresh_from_db()
    assert pair.pia_private_note.text.startswith("PIA-PRIVATE")


def test_an_action_item_is_added_with_an_owner_and_a_due_date(client_for, org, pair):
    client_for(org.gabe).post(
        f"/one-on-ones/meetings/{pair.meeting.pk}/action-items/",
        {"text": "Book the roadmap review", "owner": org.pia.pk, "due_date": "2027-02-01"},
        **HTMX,
    )
    item = ActionItem.objects.get(text="Book the roadmap review")
    assert (item.owner, item.due_date, item.raised_in) == (
        org.pia,
        datetime.date(2027, 2, 1),
        pair.meeting,
    )


def test_marking_a_meeting_held_in_the_future_is_refused_with_a_message(client_for, org, pair):
    later = MeetingFactory(one_on_one=pair.one_on_one, date=timezone.localdate() + 5 * DAY)
    client = client_for(org.gabe)
    response = client.post(f"/one-on-ones/meetings/{later.pk}/held/", {"held": "on"}, follow=True)
    assert "in the future" in response.content.decode()
    later.refresh_from_db()
    assert not later.held


# Bounded queries.


def _busy_org(org) -> Meeting:
    """Gabe with many reports and series, and one meeting full of content."""
    today = timezone.localdate()
    for number in range(8):
        report = PersonFactory(name=f"Report {number}", manager=org.gabe)
        one_on_one = OneOnOneFactory(manager=org.gabe, report=report)
        for weeks in range(3):
            MeetingFactory(one_on_one=one_on_one, date=today - weeks * 7 * DAY, held=weeks > 0)
    one_on_one = OneOnOne.objects.filter(manager=org.gabe).first()
    meetings = list(one_on_one.meetings.order_by("date"))
    meeting = meetings[-1]
    for number in range(10):
        AgendaItemFactory(meeting=meeting, author=one_on_one.report, text=f"Topic {number}")
        SharedNoteFactory(meeting=meeting, author=org.gabe, text=f"Note **{number}**")
        ActionItemFactory(raised_in=meetings[number % 2], owner=org.gabe)
        PrivateNoteFactory(meeting=meeting, author=one_on_one.report)
    PrivateNoteFactory(meeting=meeting, author=org.gabe)
    return meeting


def test_my_1_1s_page_is_bounded_in_queries(client_for, org, django_assert_max_num_queries):
    _busy_org(org)
    client = client_for(org.gabe)
    with django_assert_max_num_queries(8):
        response = client.get("/one-on-ones/")
    assert response.content.decode().count('href="/one-on-ones/meetings/') == 8


def test_the_series_page_is_bounded_in_queries(client_for, org, django_assert_max_num_queries):
    meeting = _busy_org(org)
    client = client_for(org.gabe)
    with django_assert_max_num_queries(8):
        response = client.get(f"/one-on-ones/{meeting.one_on_one_id}/")
    assert response.status_code == 200


def test_the_meeting_page_is_bounded_in_queries(client_for, org, django_assert_max_num_queries):
    meeting = _busy_org(org)
    client = client_for(org.gabe)
    with django_assert_max_num_queries(12):
        response = client.get(f"/one-on-ones/meetings/{meeting.pk}/")
    page = response.content.decode()
    assert page.count("<strong>") >= 10
    assert "Topic 9" in page


# A refused form: 400 with the input kept, as on every other page; 200 to htmx, which swaps in
# only 2xx answers (the section with its error is what it asked for).

REFUSED_POSTS = {
    "start": ("/one-on-ones/start/", {"report": "", "cadence": "weekly"}, "weekly"),
    "schedule": ("/one-on-ones/{series}/meetings/new/", {"date": "31/02/2027"}, "31/02/2027"),
    "cadence": ("/one-on-ones/{series}/cadence/", {"cadence": "hourly"}, "hourly"),
    "agenda item": ("/one-on-ones/meetings/{meeting}/agenda/", {"text": "  "}, "agenda"),
    "shared notes": ("/one-on-ones/meetings/{meeting}/shared-notes/", {"text": ""}, "notes"),
    "action item": (
        "/one-on-ones/meetings/{meeting}/action-items/",
        {"text": "Send the deck", "owner": "999999"},
        "Send the deck",
    ),
    "private note": (
        "/one-on-ones/meetings/{meeting}/private-note/",
        {"text": "y" * 20_001},
        "y" * 20_001,
    ),
}


@pytest.mark.parametrize(("path", "data", "kept"), REFUSED_POSTS.values(), ids=REFUSED_POSTS.keys())
@pytest.mark.parametrize(("headers", "status"), [({}, 400), (HTMX, 200)], ids=["page", "htmx"])
def test_a_refused_1_1_form_answers_like_every_other_form(
    client_for, org, pair, path, data, kept, headers, status
):
    url = path.format(series=pair.one_on_one.pk, meeting=pair.meeting.pk)
    response = client_for(org.gabe).post(url, data, **headers)
    assert response.status_code == status
    assert kept in response.content.decode()
