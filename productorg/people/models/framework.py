"""The career framework: competencies in categories, with an expectation per level."""

from __future__ import annotations

from django.db import models

from productorg.people.models.org import Level


class CompetencyCategory(models.Model):
    """A group of competencies, such as craft and execution or people leadership."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=128, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    manager_track_only = models.BooleanField(
        default=False, help_text="Expected of managers; for ICs it is the road to leadership."
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "competency categories"

    def __str__(self) -> str:
        return self.name


class Competency(models.Model):
    """A skill area of the framework; each level has an expectation for it."""

    category = models.ForeignKey(
        CompetencyCategory, on_delete=models.CASCADE, related_name="competencies"
    )
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=128, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    leadership = models.BooleanField(
        default=False,
        help_text="Counts toward readiness for people leadership (the step from PM to leader).",
    )

    class Meta:
        ordering = ["category__position", "position", "name"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return self.name


class Expectation(models.Model):
    """What a competency looks like at one level; a missing level falls back to a lower one."""

    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="expectations"
    )
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="expectations")
    text = models.TextField()

    class Meta:
        ordering = ["competency", "level__rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "level"], name="one_expectation_per_competency_and_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency} at {self.level}"
