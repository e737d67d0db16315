"""Reads of accounts: a user's own API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from productorg.accounts.models import ApiToken

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from productorg.accounts.models import User


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first; nobody reads or revokes another user's tokens."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).select_related("user").order_by("-created_at", "-pk")


def api_tokens_working_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens that would let a request in now: not revoked, expired or ended by a
    password change."""
    now = timezone.now()
    tokens = api_tokens_of(user=user).filter(revoked_at__isnull=True).exclude(expires_at__lte=now)
    if user.is_authenticated and user.password_changed_at is not None:
        tokens = tokens.filter(created_at__gte=user.password_changed_at)
    return tokens


def api_token_of(*, user: User, token_id: int) -> ApiToken | None:
    """One of the user's own tokens, or None (another user's token is a 404 to them)."""
    return api_tokens_of(user=user).filter(pk=token_id).first()
