"""The privacy matrix of 1:1s, on every page and htmx endpoint that reads or writes them.

Objects: the series page, the meeting page, an agenda item, shared notes, a private note and
an action item. Relations to Gabe's 1:1 with Pia: the report, their manager, the manager's
manager, a peer PM, another manager, a stakeholder, an admin (and the CPO above them all).
The two participants read and write the content; a private note is its author's alone;
everyone else gets a 404, on reads and on writes, and nothing changes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from productorg.factories import ActionItemFactory, AgendaItemFactory, SharedNoteFactory
from productorg.people.models import Meeting, OneOnOne
from productorg.people.tests.test_one_on_ones import (
    ACTION_TEXT,
    AGENDA_TEXT,
    CARRIED_TEXT,
    GABE_PRIVATE_TEXT,
    PIA_PRIVATE_TEXT,
    SHARED_TEXT,
    Pair,
    pair_fixture,  # noqa: F401 - the `pair` fixture
)

RELATIONS = {
    "the report": "pia",
    "their manager": "gabe",
    "the manager's manager": "dana",
    "the CPO": "cora",
    "a peer PM": "paul",
    "another manager": "greta",
    "a PM of another group": "olive",
    "a stakeholder": "sam",
    "an admin": "ada",
}
PARTICIPANTS = {"pia", "gabe"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def series_url(pair: Pair) -> str:
    return f"/one-on-ones/{pair.one_on_one.pk}/"


def meeting_url(pair: Pair) -> str:
    return f"/one-on-ones/meetings/{pair.meeting.pk}/"


# Reading: which text of which object each relation finds on the pages.

READABLE_TEXT = {
    "agenda item": AGENDA_TEXT,
    "shared note": SHARED_TEXT,
    "action item": ACTION_TEXT,
    "carried-over action item": CARRIED_TEXT,
}


@pytest.mark.parametrize("relation", list(RELATIONS))
@pytest.mark.parametrize("page", ["series page", "meeting page"])
def test_the_series_and_meeting_pages_open_to_the_pair_only(client_for, org, pair, relation, page):
    who = RELATIONS[relation]
    url = series_url(pair) if page == "series page" else meeting_url(pair)
    response = client_for(getattr(org, who)).get(url)
    assert response.status_code == (200 if who in PARTICIPANTS else 404)


@pytest.mark.parametrize("relation", list(RELATIONS))
@pytest.mark.parametrize("kind", list(READABLE_TEXT))
def test_shared_content_is_read_by_the_pair_only(client_for, org, pair, relation, kind):
    who = RELATIONS[relation]
    response = client_for(getattr(org, who)).get(meeting_url(pair))
    if who in PARTICIPANTS:
        assert READABLE_TEXT[kind] in response.content.decode()
    else:
        assert response.status_code == 404
        assert READABLE_TEXT[kind] not in response.content.decode()


@pytest.mark.parametrize("relation", list(RELATIONS))
def test_a_private_note_is_read_by_its_author_alone(client_for, org, pair, relation):
    who = RELATIONS[relation]
    client = client_for(getattr(org, who))
    for url in [meeting_url(pair), series_url(pair), "/one-on-ones/"]:
        page = client.get(url).content.decode()
        assert (GABE_PRIVATE_TEXT in page) == (who == "gabe" and url == meeting_url(pair))
        assert (PIA_PRIVATE_TEXT in page) == (who == "pia" and url == meeting_url(pair))


@pytest.mark.parametrize("viewer", ["gabe", "pia"])
def test_no_page_or_fragment_a_participant_opens_shows_the_others_private_note(
    client_for, org, pair, viewer
):
    others_note = PIA_PRIVATE_TEXT if viewer == "gabe" else GABE_PRIVATE_TEXT
    client = client_for(getattr(org, viewer))
    meeting = pair.meeting.pk
    pages = [
        client.get(url).content.decode()
        for url in ["/one-on-ones/", series_url(pair), meeting_url(pair)]
    ]
    base = f"/one-on-ones/meetings/{meeting}"
    fragments = [
        client.post(url, data, **HTMX).content.decode()
        for url, data in [
            (f"{base}/agenda/", {"text": "A topic"}),
            (f"{base}/agenda/{pair.agenda_item.pk}/discussed/", {}),
            (f"{base}/shared-notes/", {"text": "Notes"}),
            (
                f"{base}/shared-notes/{pair.shared_note.pk}/",
                {f"note-{pair.shared_note.pk}-text": "N"},
            ),
            (f"{base}/private-note/", {"text": "My own words"}),
            (f"{base}/action-items/", {"text": "Do it", "owner": org.pia.pk}),
            (f"{base}/action-items/{pair.action_item.pk}/done/", {"done": "on"}),
            (f"{base}/agenda/", {"text": ""}),
        ]
    ]
    assert all(response.count("<article") >= 1 for response in fragments[:-1])
    for html in pages + fragments:
        assert others_note not in html


# Writing: every endpoint, for every relation.


@dataclass(frozen=True)
class Write:
    url: Callable[[Pair], str]
    data: Callable[[Pair, object], dict]
    # The state the write changes, read back from the database.
    state: Callable[[Pair], object]
    # A section of the meeting page, answered in place to htmx (else a redirect).
    fragment: bool = True


WRITES = {
    "schedule a meeting": Write(
        lambda pair: f"/one-on-ones/{pair.one_on_one.pk}/meetings/new/",
        lambda pair, org: {"date": (pair.meeting.date + datetime.timedelta(days=3)).isoformat()},
        lambda pair: Meeting.objects.count(),
        fragment=False,
    ),
    "change the cadence": Write(
        lambda pair: f"/one-on-ones/{pair.one_on_one.pk}/cadence/",
        lambda pair, org: {"cadence": "monthly"},
        lambda pair: OneOnOne.objects.get(pk=pair.one_on_one.pk).cadence,
        fragment=False,
    ),
    "mark the meeting held": Write(
        lambda pair: f"/one-on-ones/meetings/{pair.meeting.pk}/held/",
        lambda pair, org: {"held": "on"},
        lambda pair: Meeting.objects.get(pk=pair.meeting.pk).held,
        fragment=False,
    ),
    "add an agenda item": Write(
        lambda pair: f"/one-on-ones/meetings/{pair.meeting.pk}/agenda/",
        lambda pair, org: {"text": "Stakeholder conflict with sales", "recurring": "on"},
        lambda pair: pair.meeting.agenda_items.count(),
    ),
    "mark an agenda item discussed": Write(
        lambda pair: (
            f"/one-on-ones/meetings/{pair.meeting.pk}/agenda/{pair.agenda_item.pk}/discussed/"
        ),
        lambda pair, org: {},
        lambda pair: pair.meeting.agenda_items.get(pk=pair.agenda_item.pk).discussed,
    ),
    "add shared notes": Write(
        lambda pair: f"/one-on-ones/meetings/{pair.meeting.pk}/shared-notes/",
        lambda pair, org: {"text": "We agreed on the launch date"},
        lambda pair: pair.meeting.shared_notes.count(),
    ),
    "edit shared notes": Write(
        lambda pair: f"/one-on-ones/meetings/{pair.meeting.pk}/shared-notes/{pair.shared_note.pk}/",
        lambda pair, org: {f"note-{pair.shared_note.pk}-text": "Rewritten"},
        lambda pair: pair.meeting.shared_notes.get(pk=pair.shared_note.pk).text,
    ),
    "save a private note": Write(
        lambda pair: f"/one-on-ones/meetings/{pair.meeting.pk}/private-note/",
        lambda pair, org: {"text": "Rewritten privately"},
        lambda pair: sorted(pair.meeting.private_notes.values_list("author__name", "text")),
    ),
    "add an action item": Write(
        lambda pair: f"/one-on-ones/meetings/{pair.meeting.pk}/action-items/",
        lambda pair, org: {"text": "Send the metrics review", "owner": org.pia.pk},
        lambda pair: pair.one_on_one.action_items.count(),
    ),
    "tick an action item off": Write(
        lambda pair: (
            f"/one-on-ones/meetings/{pair.meeting.pk}/action-items/{pair.action_item.pk}/done/"
        ),
        lambda pair, org: {"done": "on"},
        lambda pair: pair.one_on_one.action_items.get(pk=pair.action_item.pk).done,
    ),
}


@pytest.mark.parametrize("relation", list(RELATIONS))
@pytest.mark.parametrize("write", list(WRITES))
def test_the_pair_writes_and_everyone_else_gets_404(client_for, org, pair, write, relation):
    who = RELATIONS[relation]
    spec = WRITES[write]
    before = spec.state(pair)
    # Sections of the meeting page are written through htmx; the other forms post plainly.
    response = client_for(getattr(org, who)).post(
        spec.url(pair), spec.data(pair, org), **(HTMX if spec.fragment else {})
    )
    if who in PARTICIPANTS:
        assert response.status_code == (200 if spec.fragment else 302)
        assert spec.state(pair) != before
    else:
        assert response.status_code == 404
        assert spec.state(pair) == before


@pytest.mark.parametrize("relation", list(RELATIONS))
def test_a_private_note_is_changed_by_its_author_alone(client_for, org, pair, relation):
    who = RELATIONS[relation]
    client_for(getattr(org, who)).post(
        f"/one-on-ones/meetings/{pair.meeting.pk}/private-note/", {"text": "Overwritten"}, **HTMX
    )
    pair.gabe_private_note.refresh_from_db()
    pair.pia_private_note.refresh_from_db()
    assert (pair.gabe_private_note.text == "Overwritten") == (who == "gabe")
    assert (pair.pia_private_note.text == "Overwritten") == (who == "pia")


@pytest.mark.parametrize("who", ["gabe", "pia"])
def test_items_of_another_pairs_meeting_are_404_through_ones_own_meeting(
    client_for, org, pair, who
):
    other = AgendaItemFactory(meeting__one_on_one__report=org.olive)
    other_note = SharedNoteFactory(meeting=other.meeting)
    other_action = ActionItemFactory(raised_in=other.meeting)
    client = client_for(getattr(org, who))
    base = f"/one-on-ones/meetings/{pair.meeting.pk}"
    for url, data in [
        (f"{base}/agenda/{other.pk}/discussed/", {}),
        (f"{base}/shared-notes/{other_note.pk}/", {f"note-{other_note.pk}-text": "Mine"}),
        (f"{base}/action-items/{other_action.pk}/done/", {"done": "on"}),
    ]:
        assert client.post(url, data, **HTMX).status_code == 404
    other.refresh_from_db()
    other_note.refresh_from_db()
    other_action.refresh_from_db()
    assert (other.discussed, other_note.text != "Mine", other_action.done) == (False, True, False)


@pytest.mark.parametrize("relation", list(RELATIONS))
def test_unknown_ids_are_404_like_forbidden_ones(client_for, org, pair, relation):
    client = client_for(getattr(org, RELATIONS[relation]))
    assert client.get("/one-on-ones/987654/").status_code == 404
    assert client.get("/one-on-ones/meetings/987654/").status_code == 404
    assert client.post("/one-on-ones/meetings/987654/agenda/", {"text": "x"}).status_code == 404
