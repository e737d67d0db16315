from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

LOGIN = "/accounts/login/"


@pytest.fixture
def axes_reset(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get("/initiatives/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_member_signs_in_with_the_demo_password_and_lands_home(client, org, axes_reset):
    response = client.post(LOGIN, {"username": "pia", "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get("/").status_code == 200


def test_member_can_sign_in_with_their_email_address_in_any_case(client, org, axes_reset):
    response = client.post(
        LOGIN, {"username": "PIA@example.com", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(org.pia.user.pk)


def test_wrong_password_shows_a_form_error(client, org, axes_reset):
    response = client.post(LOGIN, {"username": "pia", "password": "not-it"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()


def test_repeated_failures_lock_the_account_with_a_message(client, org, axes_reset):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "pia", "password": "not-it"})
    response = client.post(LOGIN, {"username": "pia", "password": settings.DEMO_PASSWORD})
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_next_pointing_off_site_redirects_home(client, org, axes_reset):
    response = client.post(
        LOGIN + "?next=https://evil.example/steal",
        {
            "username": "pia",
            "password": settings.DEMO_PASSWORD,
            "next": "https://evil.example/steal",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_next_on_site_is_followed(client, org, axes_reset):
    response = client.post(
        LOGIN,
        {"username": "pia", "password": settings.DEMO_PASSWORD, "next": "/teams/"},
    )
    assert response["Location"] == "/teams/"


def test_sign_out_ends_the_session(client_for, org):
    client = client_for(org.pia)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_refuses_a_wrong_old_password(client_for, org):
    client = client_for(org.pia)
    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": "x", "new_password2": "x"},
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_password_change_takes_effect(client_for, org):
    client = client_for(org.pia)
    new_password = "a-much-better-passphrase-2027"
    response = client.post(
        "/accounts/password/",
        {
            "old_password": settings.DEMO_PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 302
    org.pia.user.refresh_from_db()
    assert org.pia.user.check_password(new_password)


def test_unknown_url_answers_the_apps_404_page(client_for, org):
    response = client_for(org.pia).get("/no/such/page/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()
