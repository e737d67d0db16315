from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username (or email) and password do not match. "
        "The password is case-sensitive.",
    }
