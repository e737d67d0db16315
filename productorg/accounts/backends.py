from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from productorg.accounts.models import User


class UsernameOrEmailBackend(ModelBackend):
    """Sign in with the username or the email address; people remember one or the other."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs,
    ) -> User | None:
        if username and "@" in username:
            matches = list(User.objects.filter(email__iexact=username.strip())[:2])
            # An address shared by two accounts is ambiguous: fall back to the username.
            if len(matches) == 1:
                username = matches[0].get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)
