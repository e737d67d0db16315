"""A new password ends every API token made before it, whichever way the password changes:
the password page (which says how many), Django admin, or `set_password` (the CLI's path)."""

from __future__ import annotations

import datetime

import time_machine
from django.conf import settings
from django.test import Client, override_settings

from productorg.accounts import services
from productorg.accounts.models import ApiToken, User

NEW_PASSWORD = "a-much-longer-passphrase-42"


def token_works(secret: str) -> bool:
    response = Client().get("/api/v1/initiatives", headers={"Authorization": f"Bearer {secret}"})
    return response.status_code == 200


def two_tokens(user: User) -> list[str]:
    return [
        services.api_token_create(user=user, name=name, scope="read").secret
        for name in ("sync", "report")
    ]


def test_changing_the_password_on_its_page_revokes_the_tokens_and_says_so(client_for, org):
    user = org.pia.user
    secrets = two_tokens(user)
    assert all(token_works(secret) for secret in secrets)
    client = client_for(org.pia)
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=1)):
        response = client.post(
            "/accounts/password/",
            {
                "old_password": settings.DEMO_PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            follow=True,
        )
    assert response.status_code == 200
    assert "Your 2 API tokens were revoked" in response.content.decode()
    assert not any(token_works(secret) for secret in secrets)
    refusal = Client().get("/api/v1/initiatives", headers={"Authorization": f"Bearer {secrets[0]}"})
    assert refusal.status_code == 401
    assert "password was changed" in refusal.json()["detail"]
    profile = client.get("/accounts/profile/").content.decode()
    assert profile.count("(password changed)") == 2


def test_a_token_made_after_the_change_works(org):
    user = org.pia.user
    user.set_password(NEW_PASSWORD)
    user.save()
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=1)):
        secret = services.api_token_create(user=user, name="new", scope="read").secret
        assert token_works(secret)


def test_a_password_set_in_django_admin_revokes_the_tokens(client, org):
    admin = User.objects.create_superuser(username="root", email="root@example.com", password="x")
    secrets = two_tokens(org.pia.user)
    client.force_login(admin)
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=1)):
        response = client.post(
            f"/admin/accounts/user/{org.pia.user.pk}/password/",
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        )
        assert response.status_code == 302
        assert not any(token_works(secret) for secret in secrets)


def test_a_password_set_from_the_command_line_revokes_the_tokens(org):
    (secret, _) = two_tokens(org.pia.user)
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=1)):
        user = User.objects.get(pk=org.pia.user.pk)
        user.set_password(NEW_PASSWORD)  # what `manage.py changepassword` does
        user.save()
        assert not token_works(secret)


@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
)
def test_signing_in_with_an_outdated_hash_keeps_the_tokens(org):
    # Checking a password stored with an outdated hasher re-hashes it through set_password:
    # the same password, not a change, even when that user object is saved again later.
    (secret, _) = two_tokens(org.pia.user)
    user = User.objects.get(pk=org.pia.user.pk)
    assert user.password.startswith("md5$")
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=1)):
        assert user.check_password(settings.DEMO_PASSWORD)
        assert user.password.startswith("pbkdf2")
        user.save()
        assert token_works(secret)
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 0
