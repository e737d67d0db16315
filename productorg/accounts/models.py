from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from productorg.once import form_token_field


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
    # Set by every password change, whichever path makes it (the password page, Django admin,
    # `manage.py changepassword`): API tokens made before it stop working
    # (ApiToken.ended_by_password_change, checked by services.api_token_authenticate).
    password_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def check_password(self, raw_password: str) -> bool:
        # A correct password stored with an outdated hasher is re-hashed through set_password:
        # the same password, so not a change that should end the user's API tokens.
        changed_at = self.password_changed_at
        matches = super().check_password(raw_password)
        self.password_changed_at = changed_at
        return matches


class ApiToken(models.Model):
    """A personal API token. Only the SHA-256 of its secret is kept: the secret is random and
    long, so a fast hash is as safe as a slow one here and costs nothing per request."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the secret, shown in lists so the owner can tell tokens apart.
    prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=["read", "write"]), name="api_token_scope_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def ended_by_password_change(self) -> bool:
        """Made before its user's latest password change, so it no longer works."""
        changed_at = self.user.password_changed_at
        return changed_at is not None and self.created_at < changed_at

    @property
    def revoked_on(self) -> datetime.datetime | None:
        """When it stopped working by revocation or by its user's password change."""
        if self.revoked_at is not None:
            return self.revoked_at
        return self.user.password_changed_at if self.ended_by_password_change else None

    @property
    def status(self) -> str:
        """ "revoked", "expired" or "active", for the token list."""
        if self.revoked_at is not None or self.ended_by_password_change:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"
