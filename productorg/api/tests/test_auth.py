"""Personal API tokens and the session: who a request acts for, and each refusal with why."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client

from productorg.accounts import services
from productorg.accounts.models import ApiToken
from productorg.api.tests.conftest import BASE
from productorg.strategy.models import Initiative

NEW_INITIATIVE = {"title": "Saved carts", "team_id": None}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_new_token_is_stored_hashed_and_its_secret_nowhere(org):
    created = services.api_token_create(user=org.pia.user, name="script", scope="read")
    assert created.secret.startswith("po_")
    assert len(created.secret) > 40
    token = ApiToken.objects.get()
    assert token.key_hash == services.api_token_hash(created.secret)
    assert token.prefix == created.secret[:7]
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert created.secret not in stored


def test_a_valid_token_reads_as_its_user_and_notes_when_it_was_used(org, api):
    client = api(org.pia, scope="read")
    response = client.get("/initiatives")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert ApiToken.objects.get().last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(org, api):
    client = api(org.pia, scope="read")
    with time_machine.travel(datetime.datetime(2027, 1, 4, 9, 0, tzinfo=datetime.UTC)):
        client.get("/teams")
        first = ApiToken.objects.get().last_used_at
    with time_machine.travel(datetime.datetime(2027, 1, 4, 9, 0, 30, tzinfo=datetime.UTC)):
        client.get("/teams")
        assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel(datetime.datetime(2027, 1, 4, 9, 2, tzinfo=datetime.UTC)):
        client.get("/teams")
        assert ApiToken.objects.get().last_used_at > first


def test_no_credentials_is_a_401_saying_how_to_authenticate(db):
    response = Client().get(BASE + "/initiatives")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Bearer" in response.json()["detail"]


def test_an_unknown_token_is_a_401(db):
    response = Client().get(BASE + "/initiatives", headers=bearer("po_not-a-token"))
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid API token."}


def test_a_revoked_token_is_a_401_naming_the_day_and_writes_nothing(org):
    created = services.api_token_create(user=org.gabe.user, name="ci", scope="write")
    with time_machine.travel(datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC)):
        services.api_token_revoke(token=created.token)
    response = Client().post(
        BASE + "/initiatives",
        {"title": "Sneaky"},
        content_type="application/json",
        headers=bearer(created.secret),
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token was revoked on 2027-03-01."}
    assert not Initiative.objects.filter(title="Sneaky").exists()


def test_an_expired_token_is_a_401_naming_the_day(org):
    with time_machine.travel(datetime.datetime(2027, 1, 1, 12, tzinfo=datetime.UTC)):
        created = services.api_token_create(
            user=org.pia.user, name="short", scope="read", expires_in_days=30
        )
    with time_machine.travel(datetime.datetime(2027, 2, 15, tzinfo=datetime.UTC)):
        response = Client().get(BASE + "/initiatives", headers=bearer(created.secret))
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token expired on 2027-01-31."}


def test_a_token_of_a_deactivated_user_is_a_401(org):
    created = services.api_token_create(user=org.pia.user, name="x", scope="read")
    org.pia.user.is_active = False
    org.pia.user.save()
    response = Client().get(BASE + "/initiatives", headers=bearer(created.secret))
    assert response.status_code == 401


def test_a_read_only_token_cannot_write_and_nothing_is_written(org, api):
    client = api(org.gabe, scope="read")
    response = client.post("/initiatives", {"title": "Read-only try", "team_id": org.search.pk})
    assert response.status_code == 403
    assert response.json() == {"detail": "This token is read-only."}
    assert not Initiative.objects.filter(title="Read-only try").exists()


def test_a_read_write_token_writes(org, api):
    response = api(org.gabe).post("/initiatives", {"title": "Saved carts"})
    assert response.status_code == 201
    assert Initiative.objects.filter(title="Saved carts").exists()


def test_the_session_authenticates_too(org, client_for):
    client = client_for(org.pia)
    assert client.get(BASE + "/initiatives").status_code == 200


def test_a_session_write_needs_the_csrf_token(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.gabe.user)
    body = {"title": "Via the browser"}
    refused = client.post(BASE + "/initiatives", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Initiative.objects.filter(title="Via the browser").exists()
    client.get("/accounts/profile/")
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        BASE + "/initiatives", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201


@pytest.mark.parametrize("path", ["/openapi.json", "/docs"])
def test_the_schema_and_its_page_are_served_without_a_cdn(db, path):
    response = Client().get(BASE + path)
    assert response.status_code == 200
    if path == "/docs":
        page = response.content.decode()
        assert "/static/ninja/swagger-ui-bundle.js" in page
        assert "cdn" not in page.lower()
    else:
        assert response.json()["info"]["title"] == "ProductOrg API"
