"""Sign-in throttling beyond django-axes' per-address lock-out: a limit per account.

Axes locks one username from one address after LOGIN_FAILURE_LIMIT failures; someone guessing
one account's password from many addresses never meets that lock. So the handler below also
counts that username's failures from every address (axes' failure log): past
LOGIN_ACCOUNT_FAILURE_LIMIT within LOGIN_ACCOUNT_WINDOW, each failure is followed by a
LOGIN_ACCOUNT_COOLOFF in which the username cannot sign in. The cool-off is short because
anyone can cause it: the real user waits minutes, never hours, while the guesser is held to
one guess per cool-off.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from productorg.accounts.models import User

if TYPE_CHECKING:
    from django.http import HttpRequest


def login_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username a sign-in attempt is counted under (AXES_USERNAME_CALLABLE).

    The form takes a username or an email address; both count as the one account, so
    alternating them does not double the guesses allowed.
    """
    source = credentials if credentials is not None else getattr(request, "POST", {})
    typed = source.get("username") if source else None
    if not typed or "@" not in typed:
        return typed
    matches = list(User.objects.filter(email__iexact=typed.strip()).values_list("username")[:2])
    return matches[0][0] if len(matches) == 1 else typed


def account_cooloff_ends(
    *, username: str | None, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """When the account-wide cool-off of `username` ends, or None if it is not in one."""
    if not username:
        return None
    now = now or timezone.now()
    failures = AccessFailureLog.objects.filter(
        username=username, attempt_time__gte=now - settings.LOGIN_ACCOUNT_WINDOW
    ).aggregate(count=Count("id"), last=Max("attempt_time"))
    if failures["count"] < settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
        return None
    ends = failures["last"] + settings.LOGIN_ACCOUNT_COOLOFF
    return ends if ends > now else None


class AccountThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler, also locked while the username is in its account cool-off.

    Refused attempts are not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), so
    trying during the cool-off does not prolong it.
    """

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        username = get_client_username(request, credentials)
        return account_cooloff_ends(username=username) is not None
