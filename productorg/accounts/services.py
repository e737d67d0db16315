"""Writes to accounts."""

from __future__ import annotations

from django.db import transaction

from productorg.accounts.models import User


@transaction.atomic
def admin_create(*, username: str, email: str, password: str) -> User:
    """Create an administrator who can sign in to the app and to Django admin."""
    return User.objects.create_superuser(
        username=username, email=email, password=password, kind=User.Kind.ADMIN
    )
