from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A login. Most users are a Person of the product org; stakeholders and admins may not be.

    Whether a member is a leader or a product manager is not stored: a leader is anyone with
    reports (see `accounts.permissions.role_of`).
    """

    class Kind(models.TextChoices):
        MEMBER = "member", "Member of the product org"
        STAKEHOLDER = "stakeholder", "Stakeholder"
        ADMIN = "admin", "Administrator"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MEMBER)

    def __str__(self) -> str:
        return self.get_full_name() or self.username
