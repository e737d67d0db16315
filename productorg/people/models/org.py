from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from productorg.once import form_token_field


class Level(models.Model):
    """A rung of the career ladder; `rank` orders the ladder from Associate PM up to CPO."""

    class Track(models.TextChoices):
        IC = "ic", "Individual contributor"
        MANAGER = "manager", "Manager"

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True)
    track = models.CharField(max_length=16, choices=Track.choices)
    scope_of_impact = models.CharField(
        max_length=200, blank=True, help_text="e.g. a feature, a product area, the whole org."
    )

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone in the product org, with or without a login."""

    name = models.CharField(max_length=128)
    email = models.EmailField(unique=True)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="people")
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    start_date = models.DateField(null=True, blank=True)
    level_since = models.DateField(
        null=True, blank=True, help_text="When the person reached their level (else start date)."
    )
    active = models.BooleanField(default=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(
                condition=~Q(manager=models.F("pk")), name="person_not_own_manager"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def in_level_since(self) -> datetime.date | None:
        return self.level_since or self.start_date

    def clean(self) -> None:
        super().clean()
        if self.manager_id is None:
            return
        chain = manager_chain_ids(self.manager_id)
        if self.pk is not None and (self.manager_id == self.pk or self.pk in chain):
            raise ValidationError(
                {
                    "manager": f"{self.manager} reports to {self.name}, directly or through "
                    "others: this would make a reporting cycle."
                }
            )


def reporting_lines() -> dict[int, int | None]:
    """Every person's manager id, in one query: the reporting tree is walked in Python."""
    return dict(Person.objects.values_list("id", "manager_id"))


def manager_chain_ids(person_id: int, lines: dict[int, int | None] | None = None) -> list[int]:
    """The ids of a person and everyone above them, walking up the manager links."""
    lines = reporting_lines() if lines is None else lines
    chain: list[int] = []
    current: int | None = person_id
    while current is not None and current not in chain:
        chain.append(current)
        current = lines.get(current)
    return chain


class Team(models.Model):
    """A product team: one product manager, a product area and capacity per quarter."""

    name = models.CharField(max_length=128, unique=True)
    mission = models.TextField(blank=True, max_length=20_000)
    product_area = models.CharField(max_length=128, blank=True)
    product_manager = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="teams"
    )
    leader = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
        help_text="The product leader the team's product manager answers to for this team.",
    )
    capacity_per_quarter = models.DecimalField(
        "capacity (person-weeks per quarter)", max_digits=7, decimal_places=1, default=0
    )
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_per_quarter__gte=0), name="team_capacity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name
