"""Guessing one account's password from many addresses is limited too, by a short cool-off
that cannot keep the real user out for long; the per-address lock-out stays."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings

LOGIN = "/accounts/login/"
START = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(db):
    AccessAttempt.objects.all().delete()
    AccessFailureLog.objects.all().delete()
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def attempt(client, password: str, address: str, username: str = "pia"):
    client.logout()
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def guesses_from_many_addresses(client, count: int = 30) -> list[int]:
    """Wrong passwords for pia, each from an address of its own, as a botnet would try."""
    return [
        attempt(client, "guess", f"10.0.{n // 250}.{n % 250 + 1}").status_code for n in range(count)
    ]


def test_guesses_at_one_account_from_thirty_addresses_are_limited(client, org, clock):
    statuses = guesses_from_many_addresses(client)
    limit = settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    assert statuses[:limit] == [200] * limit
    assert set(statuses[limit:]) == {429}
    # Refused attempts never reached the password check.
    assert AccessFailureLog.objects.filter(username="pia").count() == limit


def test_the_cool_off_page_says_how_long_and_why(client, org, clock):
    guesses_from_many_addresses(client, settings.LOGIN_ACCOUNT_FAILURE_LIMIT)
    response = attempt(client, settings.DEMO_PASSWORD, "192.0.2.7")
    assert response.status_code == 429
    minutes = int(settings.LOGIN_ACCOUNT_COOLOFF.total_seconds() // 60)
    assert f"cannot sign in for {minutes} minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_right_password_works_after_the_cool_off(client, org, clock):
    guesses_from_many_addresses(client)
    clock.shift(settings.LOGIN_ACCOUNT_COOLOFF + datetime.timedelta(seconds=1))
    response = attempt(client, settings.DEMO_PASSWORD, "192.0.2.7")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(org.pia.user.pk)


def test_guessing_on_during_the_cool_off_does_not_keep_the_real_user_out(client, org, clock):
    guesses_from_many_addresses(client, settings.LOGIN_ACCOUNT_FAILURE_LIMIT)
    # The guesser keeps trying, every few seconds, right up to the end of the cool-off.
    for n in range(int(settings.LOGIN_ACCOUNT_COOLOFF.total_seconds() // 10) - 1):
        clock.shift(datetime.timedelta(seconds=10))
        assert attempt(client, "guess", f"10.9.0.{n % 250 + 1}").status_code == 429
    clock.shift(datetime.timedelta(seconds=11))
    assert attempt(client, settings.DEMO_PASSWORD, "192.0.2.7").status_code == 302


def test_after_the_cool_off_each_failure_starts_another(client, org, clock):
    guesses_from_many_addresses(client, settings.LOGIN_ACCOUNT_FAILURE_LIMIT)
    clock.shift(settings.LOGIN_ACCOUNT_COOLOFF + datetime.timedelta(seconds=1))
    assert attempt(client, "guess", "10.8.0.1").status_code == 200
    assert attempt(client, "guess", "10.8.0.2").status_code == 429


def test_the_username_and_the_email_address_count_as_one_account(client, org, clock):
    for n in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT):
        username = "pia" if n % 2 else "pia@example.com"
        attempt(client, "guess", f"10.0.0.{n + 1}", username=username)
    assert (
        attempt(client, settings.DEMO_PASSWORD, "192.0.2.7", "PIA@example.com").status_code == 429
    )


def test_other_accounts_are_not_held_up(client, org, clock):
    guesses_from_many_addresses(client)
    response = client.post(
        LOGIN, {"username": "paul", "password": settings.DEMO_PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302


def test_one_address_is_still_locked_out_for_longer(client, org, clock):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "guess", "10.1.1.1")
    clock.shift(settings.LOGIN_ACCOUNT_COOLOFF + datetime.timedelta(minutes=1))
    assert attempt(client, settings.DEMO_PASSWORD, "10.1.1.1").status_code == 429
    # Another address is not held up by that lock.
    assert attempt(client, settings.DEMO_PASSWORD, "192.0.2.7").status_code == 302
    clock.shift(settings.AXES_COOLOFF_TIME)
    assert attempt(client, settings.DEMO_PASSWORD, "10.1.1.1").status_code == 302
