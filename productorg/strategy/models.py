from __future__ import annotations

import re
from collections import deque

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from productorg.people.models import Person, Team

PERIOD_PATTERN = re.compile(r"^\d{4}(-(Q[1-4]|H[12]))?$")


def validate_period(value: str) -> None:
    if not PERIOD_PATTERN.match(value):
        raise ValidationError(
            f"{value!r} is not a period: write a year, a half or a quarter, "
            "such as 2027, 2027-H1 or 2027-Q1."
        )


class WorkCategory(models.TextChoices):
    """The four kinds of product problems a leader sequences after product-market fit."""

    FEATURE = "feature", "Feature"
    GROWTH = "growth", "Growth"
    SCALING = "scaling", "Scaling"
    PMF_EXPANSION = "pmf_expansion", "Product-market-fit expansion"


class Objective(models.Model):
    """What the organisation wants to achieve in a period; objectives cascade via `parent`."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    period = models.CharField(max_length=7, validators=[validate_period])
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="objectives"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        ordering = ["period", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="objective_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period})"


class InitiativeStatus(models.TextChoices):
    IDEA = "idea", "Idea"
    DISCOVERY = "discovery", "Discovery"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Health(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class Initiative(models.Model):
    """A piece of product work owned by one team."""

    Status = InitiativeStatus
    Health = Health

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="initiatives"
    )
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="initiatives"
    )
    category = models.CharField(
        "work category", max_length=16, choices=WorkCategory.choices, default=WorkCategory.FEATURE
    )
    status = models.CharField(
        max_length=16, choices=InitiativeStatus.choices, default=InitiativeStatus.IDEA
    )
    health = models.CharField(max_length=8, choices=Health.choices, default=Health.GREEN)
    value_estimate = models.DecimalField(max_digits=10, decimal_places=1, default=0)
    effort_estimate = models.DecimalField(
        "effort estimate (person-weeks)", max_digits=8, decimal_places=1, default=0
    )
    objectives = models.ManyToManyField(Objective, blank=True, related_name="initiatives")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_estimate__gte=0), name="initiative_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(effort_estimate__gte=0), name="initiative_effort_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(category__in=WorkCategory.values), name="initiative_category_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=InitiativeStatus.values), name="initiative_status_known"
            ),
            models.CheckConstraint(
                condition=Q(health__in=Health.values), name="initiative_health_known"
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["category"]),
        ]

    def __str__(self) -> str:
        return self.title


class Vision(models.Model):
    """One version of the product vision; the newest is the vision, the rest its history."""

    text = models.TextField(max_length=20_000)
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Vision of {self.created_at:%d %b %Y}"


class KeyResult(models.Model):
    """How an objective is measured: a metric moving from a baseline toward a target."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    metric = models.CharField("metric name", max_length=200)
    unit = models.CharField(max_length=32, blank=True, help_text="e.g. %, €, ms, customers")
    baseline = models.DecimalField(max_digits=14, decimal_places=2)
    target = models.DecimalField(max_digits=14, decimal_places=2)
    current = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["objective", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target=models.F("baseline")), name="key_result_target_moves"
            ),
        ]

    def __str__(self) -> str:
        return self.metric

    def clean(self) -> None:
        super().clean()
        if self.baseline is not None and self.baseline == self.target:
            raise ValidationError({"target": "The target must differ from the baseline."})

    @property
    def unit_suffix(self) -> str:
        """The unit as written after a number: "%" sticks to it, words stand apart."""
        return self.unit if self.unit in {"", "%"} else f" {self.unit}"

    @property
    def progress(self) -> float:
        """Share of the way from baseline to target, 0 to 1; works for metrics that fall too."""
        if self.current is None or self.target == self.baseline:
            return 0.0
        share = float((self.current - self.baseline) / (self.target - self.baseline))
        return min(max(share, 0.0), 1.0)


class Dependency(models.Model):
    """`initiative` can start only after `depends_on` has finished."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="dependencies"
    )
    depends_on = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="dependents")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "depends_on"], name="one_dependency"),
            models.CheckConstraint(
                condition=~Q(initiative=models.F("depends_on")), name="no_self_dependency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} after {self.depends_on}"

    def clean(self) -> None:
        super().clean()
        if self.initiative_id is None or self.depends_on_id is None:
            return
        cycle = dependency_cycle(self.initiative_id, self.depends_on_id)
        if cycle:
            titles = dict(Initiative.objects.filter(pk__in=cycle).values_list("pk", "title"))
            path = " → ".join(titles[pk] for pk in cycle)
            raise ValidationError({"depends_on": f"This would make a dependency cycle: {path}."})


def dependency_cycle(initiative_id: int, depends_on_id: int) -> list[int]:
    """The cycle that "initiative after depends_on" would close, as ids from and back to
    `initiative`, or [] when there is none."""
    if initiative_id == depends_on_id:
        return [initiative_id, initiative_id]
    after: dict[int, list[int]] = {}
    for source, target in Dependency.objects.values_list("initiative_id", "depends_on_id"):
        after.setdefault(source, []).append(target)
    # Breadth-first along "depends on" edges from depends_on: reaching initiative is a cycle.
    came_from: dict[int, int | None] = {depends_on_id: None}
    queue = deque([depends_on_id])
    while queue:
        current = queue.popleft()
        if current == initiative_id:
            path = []
            node: int | None = current
            while node is not None:
                path.append(node)
                node = came_from[node]
            return [initiative_id, *reversed(path)]
        for target in after.get(current, []):
            if target not in came_from:
                came_from[target] = current
                queue.append(target)
    return []


class StatusUpdate(models.Model):
    """An initiative's health, progress, risks and decisions needed, at a date."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="status_updates"
    )
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    date = models.DateField()
    health = models.CharField(max_length=8, choices=Health.choices)
    progress = models.PositiveSmallIntegerField(help_text="Percent done, 0 to 100.")
    summary = models.TextField(max_length=4000)
    risks = models.TextField(blank=True, max_length=4000)
    decisions_needed = models.TextField(blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="status_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(health__in=Health.values), name="status_health_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} on {self.date}"
