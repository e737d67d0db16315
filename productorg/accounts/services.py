"""Writes to accounts: administrators and personal API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from productorg import once
from productorg.accounts.models import ApiToken, User

TOKEN_PREFIX = "po_"  # noqa: S105 (a marker, not a secret)
# How many characters of the secret a list shows: "po_" and four of the random part.
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 4
# last_used_at is a hint for the owner, not an audit trail: one write a minute is enough.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@transaction.atomic
def admin_create(*, username: str, email: str, password: str) -> User:
    """Create an administrator who can sign in to the app and to Django admin."""
    return User.objects.create_superuser(
        username=username, email=email, password=password, kind=User.Kind.ADMIN
    )


# API tokens.


class ApiTokenRejected(Exception):
    """A request's token does not let it through; `status` is 401 or 403, the message why."""

    def __init__(self, message: str, *, status: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class NewApiToken:
    """A token just made: the row, and its secret, which is never shown again. `secret` is
    None when the form token had made this token already (the secret went to that request)."""

    token: ApiToken
    secret: str | None


def api_token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def api_token_create(
    *,
    user: User,
    name: str,
    scope: str,
    expires_in_days: int | None = None,
    form_token: uuid.UUID | str | None = None,
) -> NewApiToken:
    """Make a token for the user; the plaintext secret is in the answer and nowhere else. The
    same form token twice makes one token: the repeat gets it back without its secret."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = (
        None
        if expires_in_days is None
        else timezone.now() + datetime.timedelta(days=expires_in_days)
    )
    token = once.create_once(
        ApiToken,
        user_id=user.pk,
        token=form_token,
        create=lambda stored_token: ApiToken.objects.create(
            user=user,
            name=name.strip(),
            scope=scope,
            key_hash=api_token_hash(secret),
            prefix=secret[:SHOWN_PREFIX_LENGTH],
            expires_at=expires_at,
            form_token=stored_token,
        ),
    )
    made_now = token.key_hash == api_token_hash(secret)
    return NewApiToken(token=token, secret=secret if made_now else None)


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke the token from now on; revoking twice keeps the first date."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=token.revoked_at
        )
    return token


def _day(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}"


def api_token_authenticate(*, secret: str, method: str) -> User:
    """The user a request's token acts for, or ApiTokenRejected saying why not.

    Unknown, revoked and expired tokens and inactive users are a 401; a read-only token on a
    write is a 403.
    """
    token = ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(secret)).first()
    if token is None:
        raise ApiTokenRejected("Invalid API token.")
    now = timezone.now()
    if token.revoked_at is not None:
        raise ApiTokenRejected(f"This API token was revoked on {_day(token.revoked_at)}.")
    if token.ended_by_password_change:
        raise ApiTokenRejected(
            "This API token stopped working when its account's password was changed on "
            f"{_day(token.user.password_changed_at)}; make a new one on your profile."
        )
    if token.expires_at is not None and token.expires_at <= now:
        raise ApiTokenRejected(f"This API token expired on {_day(token.expires_at)}.")
    if not token.user.is_active:
        raise ApiTokenRejected("The account of this API token is deactivated.")
    if method.upper() not in SAFE_METHODS and token.scope != ApiToken.Scope.WRITE:
        raise ApiTokenRejected("This token is read-only.", status=403)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
