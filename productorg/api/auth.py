"""Who a request acts for: a personal API token (Bearer), or the browser's signed-in session."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ninja.security import HttpBearer, SessionAuth

from productorg.accounts import services

if TYPE_CHECKING:
    from django.http import HttpRequest

    from productorg.accounts.models import User


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer po_…`; a token that is unknown, revoked, expired or read-only
    for a write raises `ApiTokenRejected`, answered with its reason (nothing is written)."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = services.api_token_authenticate(secret=token, method=request.method or "GET")
        # The rest of the request sees the token's user, as it would a session's.
        request.user = user
        return user


class SignedInSession(SessionAuth):
    """The browser's session, with Django's CSRF check for unsafe methods.

    Unlike ninja's `django_auth`, a request without a session is simply not authenticated
    here (a 401 saying how to authenticate) rather than refused for its missing CSRF token.
    """

    def _get_key(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


def acting_user(request: HttpRequest) -> User:
    """The user the request acts for (set by whichever authentication let it in)."""
    return request.auth  # type: ignore[attr-defined]
