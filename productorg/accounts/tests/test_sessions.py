"""A session ends after SESSION_IDLE_TIMEOUT without a request and SESSION_COOKIE_AGE after
sign-in, however busy; an htmx request after the end sends the whole page to sign in."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session

START = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def signed_in(client, org):
    client.force_login(org.pia.user)
    assert client.get("/").status_code == 200
    return client


def test_a_session_idle_past_the_timeout_is_signed_out(client, org, clock):
    signed_in(client, org)
    clock.shift(settings.SESSION_IDLE_TIMEOUT + datetime.timedelta(minutes=1))
    response = client.get("/initiatives/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_session_in_use_stays_signed_in_past_the_idle_timeout(client, org, clock):
    signed_in(client, org)
    for _ in range(3):
        clock.shift(settings.SESSION_IDLE_TIMEOUT - datetime.timedelta(minutes=5))
        assert client.get("/initiatives/").status_code == 200


def test_a_busy_session_ends_at_its_absolute_age(client, org, clock):
    signed_in(client, org)
    step = datetime.timedelta(hours=5)
    elapsed = datetime.timedelta(0)
    while elapsed + step < datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE):
        clock.shift(step)
        elapsed += step
        assert client.get("/").status_code == 200
    clock.shift(step)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_htmx_request_after_the_timeout_loads_the_sign_in_page_as_a_whole(client, org, clock):
    signed_in(client, org)
    clock.shift(settings.SESSION_IDLE_TIMEOUT + datetime.timedelta(minutes=1))
    response = client.get(
        "/initiatives/?q=reorder",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/initiatives/?q=re"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Finitiatives%2F%3Fq%3Dre"
    assert b"<form" not in response.content


def test_the_activity_stamp_is_written_at_most_once_a_minute(client, org, clock):
    signed_in(client, org)
    key = client.session.session_key

    def expiry():
        return Session.objects.get(session_key=key).expire_date

    written = expiry()
    clock.shift(datetime.timedelta(seconds=30))
    client.get("/")
    assert expiry() == written
    clock.shift(datetime.timedelta(seconds=31))
    client.get("/")
    assert expiry() > written


def test_the_api_answers_401_to_a_session_past_the_idle_timeout(client, org, clock):
    signed_in(client, org)
    assert client.get("/api/v1/initiatives").status_code == 200
    clock.shift(settings.SESSION_IDLE_TIMEOUT + datetime.timedelta(minutes=1))
    assert client.get("/api/v1/initiatives").status_code == 401
