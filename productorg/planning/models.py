"""Scenarios (named what-ifs over the org's portfolio) and the plan runs made of them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from productorg.once import form_token_field
from productorg.people.models import Team
from productorg.strategy.models import Initiative, WorkCategory
from productorg.strategy.periods import validate_quarter

MAX_HORIZON_QUARTERS = 12


class Scenario(models.Model):
    """A named what-if: horizon, capacity, mix bounds and must/never lists, planned and compared."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True, max_length=20_000)
    first_quarter = models.CharField(max_length=7, validators=[validate_quarter])
    quarters = models.PositiveSmallIntegerField(
        "horizon (quarters)",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON_QUARTERS)],
    )
    discount_rate = models.DecimalField(
        "discount per quarter of delay",
        max_digits=4,
        decimal_places=3,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    time_limit_s = models.PositiveSmallIntegerField(
        "time limit (seconds)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(3600)],
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarters__gte=1) & Q(quarters__lte=MAX_HORIZON_QUARTERS),
                name="scenario_horizon_in_range",
            ),
            models.CheckConstraint(
                condition=Q(discount_rate__gte=0) & Q(discount_rate__lte=1),
                name="scenario_discount_in_range",
            ),
            models.CheckConstraint(condition=Q(time_limit_s__gte=1), name="scenario_time_limit"),
        ]

    def __str__(self) -> str:
        return self.name


class ScenarioCapacity(models.Model):
    """A team's capacity in one quarter of a scenario, replacing the team's usual figure."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="capacities")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="scenario_capacities")
    quarter = models.CharField(max_length=7, validators=[validate_quarter])
    capacity = models.DecimalField(
        "capacity (person-weeks)", max_digits=7, decimal_places=1, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["team__name", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "team", "quarter"], name="scenario_capacity_once"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=0), name="scenario_capacity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.quarter}: {self.capacity} person-weeks"


class ScenarioMixBound(models.Model):
    """The least and most share of planned effort a work category may take in a scenario."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="mix_bounds")
    category = models.CharField(max_length=16, choices=WorkCategory.choices)
    min_share = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    max_share = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )

    class Meta:
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "category"], name="scenario_mix_once"),
            models.CheckConstraint(
                condition=Q(min_share__gte=0)
                & Q(max_share__lte=1)
                & Q(min_share__lte=F("max_share")),
                name="scenario_mix_bounds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.min_share}–{self.max_share}"


class ScenarioChoice(models.Model):
    """An initiative the scenario must plan, or must leave out."""

    class Choice(models.TextChoices):
        MUST = "must", "Must do"
        NEVER = "never", "Never"

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="choices")
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="scenario_choices"
    )
    choice = models.CharField(max_length=8, choices=Choice.choices)

    class Meta:
        ordering = ["initiative__title"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "initiative"], name="scenario_choice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_choice_display()}: {self.initiative}"


class PlanRun(models.Model):
    """One planning of a scenario: its progress while it runs, and the plan it found."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        STOPPED = "stopped", "Stopped (best plan kept)"
        FAILED = "failed", "Failed"

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    stop_requested = models.BooleanField(default=False)
    # The engine's input as the file interface writes it: what was planned, kept for compare.
    problem = models.JSONField(default=dict)
    # [{elapsed_s, objective, bound, phase}, ...] as the search goes.
    progress = models.JSONField(default=list)
    # engine.model.result_as_dict of the plan found; null until the run ends.
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["scenario", "-created_at"], name="planrun_scenario_recent")]

    def __str__(self) -> str:
        return f"{self.scenario} run {self.pk} ({self.status})"
