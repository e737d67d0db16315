"""Leadership reports: dated snapshots of status across complex initiatives."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from productorg.once import form_token_field
from productorg.strategy.periods import validate_period


class ScopeKind(models.TextChoices):
    """Which initiatives a report covers."""

    CROSS_TEAM = "cross_team", "Initiatives spanning several teams or marked leadership-level"
    ORG = "org", "Whole org"
    GROUP = "group", "A leader's group"
    SELECTED = "selected", "Selected initiatives"


class LeadershipReport(models.Model):
    """One saved report: the period and scope asked for, and a JSON snapshot of exactly the
    data it shows, so it reads the same after the portfolio changes."""

    period = models.CharField(max_length=7, validators=[validate_period])
    scope_kind = models.CharField(max_length=16, choices=ScopeKind.choices)
    # The scope's parameters as the selector takes them (leader id, initiative ids); two
    # reports of the same key are "the same report" a period or a week apart.
    scope_key = models.CharField(max_length=2000)
    scope_description = models.CharField(max_length=300)
    # The day the status was read at: the period's last day, or the day it was made.
    as_of = models.DateField()
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField()
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope_kind__in=ScopeKind.values), name="report_scope_kind_known"
            ),
        ]
        indexes = [models.Index(fields=["scope_key", "created_at"])]

    def __str__(self) -> str:
        return f"Leadership report {self.period} ({self.scope_description}), {self.as_of}"
