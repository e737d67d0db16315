"""After a change of manager the old 1:1 series is read-only on every path.

Gabe's series with Pia ends when Pia moves to Greta. Gabe, still signed in with the meeting page
open, and Pia herself are refused every write (page, htmx, API: 403 saying why) and nothing is
written; Greta, who inherits nothing, gets 404; a current pair still writes.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from productorg.accounts.services import api_token_create
from productorg.people import selectors, services
from productorg.people.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    OneOnOne,
    PrivateNote,
    SharedNote,
)
from productorg.people.tests.test_one_on_ones import Pair, pair_fixture  # noqa: F401

DAY = datetime.timedelta(days=1)
NEW_TEXT = "WRITTEN-AFTER-THE-END"


def _snapshot() -> list[Any]:
    """Every row of every 1:1 table, so a refused write can be shown to have written nothing."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (OneOnOne, Meeting, AgendaItem, SharedNote, PrivateNote, ActionItem)
    ]


@dataclass(frozen=True)
class Write:
    """One write a participant makes: page URL and form data, API method, path and body."""

    page: Callable[[Pair], tuple[str, dict[str, Any]]]
    api: Callable[[Pair], tuple[str, str, dict[str, Any]]] | None


def _tomorrow() -> str:
    return (timezone.localdate() + DAY).isoformat()


WRITES: dict[str, Write] = {
    "meeting schedule": Write(
        page=lambda p: (f"/one-on-ones/{p.one_on_one.pk}/meetings/new/", {"date": _tomorrow()}),
        api=lambda p: ("post", f"/one-on-ones/{p.one_on_one.pk}/meetings", {"date": _tomorrow()}),
    ),
    "cadence change": Write(
        page=lambda p: (f"/one-on-ones/{p.one_on_one.pk}/cadence/", {"cadence": "monthly"}),
        api=lambda p: ("patch", f"/one-on-ones/{p.one_on_one.pk}", {"cadence": "monthly"}),
    ),
    "meeting held": Write(
        page=lambda p: (f"/one-on-ones/meetings/{p.meeting.pk}/held/", {"held": "on"}),
        api=lambda p: ("patch", f"/meetings/{p.meeting.pk}", {"held": True}),
    ),
    "agenda item add": Write(
        page=lambda p: (f"/one-on-ones/meetings/{p.meeting.pk}/agenda/", {"text": NEW_TEXT}),
        api=lambda p: ("post", f"/meetings/{p.meeting.pk}/agenda-items", {"text": NEW_TEXT}),
    ),
    "agenda item discussed": Write(
        page=lambda p: (
            f"/one-on-ones/meetings/{p.meeting.pk}/agenda/{p.agenda_item.pk}/discussed/",
            {},
        ),
        api=None,
    ),
    "shared note add": Write(
        page=lambda p: (f"/one-on-ones/meetings/{p.meeting.pk}/shared-notes/", {"text": NEW_TEXT}),
        api=lambda p: ("post", f"/meetings/{p.meeting.pk}/shared-notes", {"text": NEW_TEXT}),
    ),
    "shared note edit": Write(
        page=lambda p: (
            f"/one-on-ones/meetings/{p.meeting.pk}/shared-notes/{p.shared_note.pk}/",
            {f"note-{p.shared_note.pk}-text": NEW_TEXT},
        ),
        api=None,
    ),
    "private note save": Write(
        page=lambda p: (f"/one-on-ones/meetings/{p.meeting.pk}/private-note/", {"text": NEW_TEXT}),
        api=None,
    ),
    "action item add": Write(
        page=lambda p: (
            f"/one-on-ones/meetings/{p.meeting.pk}/action-items/",
            {"text": NEW_TEXT, "owner": p.one_on_one.manager_id},
        ),
        api=lambda p: (
            "post",
            f"/meetings/{p.meeting.pk}/action-items",
            {"text": NEW_TEXT, "owner_id": p.one_on_one.manager_id},
        ),
    ),
    "action item done": Write(
        page=lambda p: (
            f"/one-on-ones/meetings/{p.meeting.pk}/action-items/{p.action_item.pk}/done/",
            {"done": "on"},
        ),
        api=lambda p: ("patch", f"/action-items/{p.action_item.pk}", {"done": True}),
    ),
}
API_WRITES = {name: write for name, write in WRITES.items() if write.api is not None}


def _api_call(client, who, write: Write, pair: Pair):
    secret = api_token_create(user=who.user, name="test", scope="write").secret
    method, path, body = write.api(pair)
    return getattr(client, method)(
        f"/api/v1{path}",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


@pytest.fixture
def ended(org, pair, client_for):
    """Gabe signed in with the meeting open; then Pia moves to Greta: the series has ended."""
    client = client_for(org.gabe)
    assert client.get(f"/one-on-ones/meetings/{pair.meeting.pk}/").status_code == 200
    services.person_set_manager(person=org.pia, manager=org.greta)
    return client


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("name", WRITES.keys())
def test_the_former_manager_cannot_write_into_the_ended_series(org, pair, ended, name, htmx):
    url, data = WRITES[name].page(pair)
    before = _snapshot()

    headers = {"HX-Request": "true"} if htmx else {}
    response = ended.post(url, data, headers=headers)

    assert response.status_code == 403
    assert "Pia no longer reports to Gabe" in response.content.decode()
    assert _snapshot() == before
    if htmx:
        # htmx swaps no 403: the page reloads and says why.
        assert response["HX-Refresh"] == "true"
        page = ended.get(f"/one-on-ones/meetings/{pair.meeting.pk}/").content.decode()
        assert "Pia no longer reports to Gabe" in page


@pytest.mark.parametrize("name", WRITES.keys())
def test_the_report_cannot_write_into_the_ended_series_either(org, pair, client_for, name):
    services.person_set_manager(person=org.pia, manager=org.greta)
    url, data = WRITES[name].page(pair)
    before = _snapshot()

    response = client_for(org.pia).post(url, data)

    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("name", API_WRITES.keys())
def test_the_api_refuses_a_write_into_the_ended_series(org, pair, client, name):
    services.person_set_manager(person=org.pia, manager=org.greta)
    before = _snapshot()

    response = _api_call(client, org.gabe, API_WRITES[name], pair)

    assert response.status_code == 403
    assert "no longer reports to Gabe" in response.json()["detail"]
    assert _snapshot() == before


@pytest.mark.parametrize("name", WRITES.keys())
def test_the_new_manager_cannot_write_into_the_old_series(org, pair, client_for, client, name):
    services.person_set_manager(person=org.pia, manager=org.greta)
    url, data = WRITES[name].page(pair)
    before = _snapshot()

    assert client_for(org.greta).post(url, data).status_code == 404
    if WRITES[name].api is not None:
        assert _api_call(client, org.greta, WRITES[name], pair).status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("name", WRITES.keys())
def test_the_current_pair_still_writes(org, pair, client_for, name):
    url, data = WRITES[name].page(pair)
    before = _snapshot()

    response = client_for(org.gabe).post(url, data)

    assert response.status_code in {200, 302}
    assert _snapshot() != before


@pytest.mark.parametrize("name", API_WRITES.keys())
def test_the_current_pair_still_writes_through_the_api(org, pair, client, name):
    before = _snapshot()
    response = _api_call(client, org.gabe, API_WRITES[name], pair)
    assert response.status_code in {200, 201}
    assert _snapshot() != before


def test_a_series_whose_manager_left_is_read_only(org, pair):
    org.gabe.active = False
    org.gabe.save(update_fields=["active"])
    with pytest.raises(services.OneOnOneClosed):
        services.shared_note_add(user=org.pia.user, meeting=pair.meeting, text=NEW_TEXT)
    assert not selectors.meeting_detail(user=org.pia.user, meeting_id=pair.meeting.pk).current


def test_a_series_loaded_before_the_move_is_refused_by_the_service(org, pair):
    """The check reads the reporting line afresh: a stale object does not let a write in."""
    stale = OneOnOne.objects.select_related("manager", "report").get(pk=pair.one_on_one.pk)
    services.person_set_manager(person=org.pia, manager=org.greta)
    before = _snapshot()
    with pytest.raises(services.OneOnOneClosed):
        services.one_on_one_set_cadence(user=org.gabe.user, one_on_one=stale, cadence="monthly")
    assert _snapshot() == before


def test_both_of_the_pair_still_read_the_ended_series_without_any_write_control(
    org, pair, client_for
):
    services.person_set_manager(person=org.pia, manager=org.greta)
    for who in (org.gabe, org.pia):
        page = client_for(who).get(f"/one-on-ones/meetings/{pair.meeting.pk}/").content.decode()
        assert "AGENDA-7" in page and "SHARED-7" in page
        assert "no longer reports to Gabe" in page
        assert "/agenda/" not in page and "/shared-notes/" not in page
        assert "/private-note/" not in page and "/held/" not in page
    gabe = selectors.meeting_detail(user=org.gabe.user, meeting_id=pair.meeting.pk)
    assert gabe.private_note.text.startswith("GABE-PRIVATE-7")
