"""The profile page: who you are, and your personal API tokens (made, shown once, revoked)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from productorg.accounts import services
from productorg.accounts.models import ApiToken

PROFILE = "/accounts/profile/"
CREATE = "/accounts/profile/tokens/"


@pytest.mark.parametrize("who", ["pia", "gabe", "sam", "ada"])
def test_everybody_who_signs_in_has_a_profile_page(org, client_for, who):
    person_or_user = getattr(org, who)
    response = client_for(person_or_user).get(PROFILE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "API tokens" in page
    assert reverse("accounts:password-change") in page


def test_the_profile_is_linked_from_the_user_menu(org, client_for):
    page = client_for(org.pia).get("/").content.decode()
    assert f'href="{reverse("accounts:profile")}"' in page


def test_a_new_token_is_shown_once_with_a_curl_example(org, client_for):
    client = client_for(org.pia)
    response = client.post(
        CREATE, {"name": "Roadmap sync", "scope": "read", "expires_in_days": "30"}
    )
    assert response.status_code == 302
    token = ApiToken.objects.get()
    assert (token.name, token.scope, token.user) == ("Roadmap sync", "read", org.pia.user)
    assert token.expires_at is not None
    first = client.get(PROFILE).content.decode()
    secret = first.split("<pre><code>", 1)[1].split("</code>", 1)[0]
    assert secret.startswith(token.prefix)
    assert services.api_token_hash(secret) == token.key_hash
    assert f"Authorization: Bearer {secret}" in first
    assert "no-store" in client.get(PROFILE)["Cache-Control"]
    second = client.get(PROFILE).content.decode()
    assert secret not in second
    assert token.prefix in second


def test_a_token_that_never_expires(org, client_for):
    client_for(org.pia).post(CREATE, {"name": "Forever", "scope": "write", "expires_in_days": ""})
    assert ApiToken.objects.get().expires_at is None


def test_a_token_without_a_name_is_refused_with_the_form_shown_again(org, client_for):
    response = client_for(org.pia).post(CREATE, {"name": "  ", "scope": "read"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token(org, client_for):
    created = services.api_token_create(user=org.pia.user, name="Old", scope="read")
    response = client_for(org.pia).post(f"/accounts/profile/tokens/{created.token.pk}/revoke/")
    assert response.status_code == 302
    created.token.refresh_from_db()
    assert created.token.revoked_at is not None
    assert created.token.status == "revoked"


def test_nobody_else_can_revoke_my_token(org, client_for):
    created = services.api_token_create(user=org.pia.user, name="Mine", scope="read")
    response = client_for(org.gabe).post(f"/accounts/profile/tokens/{created.token.pk}/revoke/")
    assert response.status_code == 404
    created.token.refresh_from_db()
    assert created.token.revoked_at is None


def test_another_users_tokens_are_not_listed(org, client_for):
    services.api_token_create(user=org.pia.user, name="Pia's secret script", scope="read")
    page = client_for(org.gabe).get(PROFILE).content.decode()
    assert "Pia&#x27;s secret script" not in page
    assert "secret script" not in page


def test_revoking_needs_a_post(org, client_for):
    created = services.api_token_create(user=org.pia.user, name="Get", scope="read")
    response = client_for(org.pia).get(f"/accounts/profile/tokens/{created.token.pk}/revoke/")
    assert response.status_code == 405
