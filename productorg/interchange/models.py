from __future__ import annotations

from django.conf import settings
from django.db import models

from productorg.once import form_token_field
from productorg.people.models import Team
from productorg.strategy.models import ImportSource


class ImportTarget(models.TextChoices):
    """What the rows of an export become."""

    INITIATIVES = "initiatives", "Initiatives"
    PEOPLE = "people", "People"
    TEAMS = "teams", "Teams"


class TeamMapping(models.Model):
    """Which ProductOrg team a value of an export's team column means (a Jira project, say).

    Asked for once, on the first import that meets the value, and used by every later one.
    A mapping without a team says "import these without a team" on purpose.
    """

    source = models.CharField(max_length=16, choices=ImportSource.choices)
    field = models.CharField(max_length=100, help_text="The export column the value is from.")
    value = models.CharField(max_length=200)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="import_mappings"
    )

    class Meta:
        ordering = ["source", "field", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "field", "value"], name="team_mapping_one_per_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.field} {self.value} → {self.team or 'no team'}"


class ImportProfile(models.Model):
    """The choices an importer remembers for its source: issue types, points, date fields."""

    source = models.CharField(max_length=16, choices=ImportSource.choices, unique=True)
    options = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.get_source_display()} import settings"


class MappingPreset(models.Model):
    """A saved column mapping for exports whose columns follow their user (Productboard,
    Aha!, any spreadsheet): which column fills which field."""

    name = models.CharField(max_length=100, unique=True)
    source = models.CharField(max_length=16, choices=ImportSource.choices)
    target = models.CharField(max_length=16, choices=ImportTarget.choices)
    # {"title": "Feature name", "description": "Description", ...}: field → column name.
    columns = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One upload through the page: read and checked in the background, applied on confirm."""

    class Status(models.TextChoices):
        COLUMNS = "columns", "Choosing columns"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        CHECKED = "checked", "Checked (dry run)"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"

    source = models.CharField(max_length=16, choices=ImportSource.choices)
    target = models.CharField(
        max_length=16, choices=ImportTarget.choices, default=ImportTarget.INITIATIVES
    )
    filename = models.CharField(max_length=255)
    # The upload kept under var/imports until the run is applied or abandoned.
    stored_file = models.CharField(max_length=500, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    dry_run = models.BooleanField(default=True)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=16, blank=True)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    # The upload's column names, read by the worker for the mapping step.
    columns = models.JSONField(default=list, blank=True)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves with every progress write: a running import that stops moving lost its worker.
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    form_token = form_token_field()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} import of {self.filename}"
