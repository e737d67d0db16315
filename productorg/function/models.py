"""The PM function as a product: its charter and vision, processes and improvement roadmap."""

from __future__ import annotations

from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q

from productorg.once import form_token_field
from productorg.people.models import Person
from productorg.strategy.periods import validate_quarter

# A process link is followed by readers' browsers: web addresses only, no javascript: or file:.
# Its own error code, so a form's generic "Enter a valid URL." does not replace the message.
validate_web_link = URLValidator(
    schemes=["http", "https"],
    message="Enter a web address that starts with http:// or https://.",
    code="web_link",
)


class DocumentKind(models.TextChoices):
    """The function's two living documents."""

    CHARTER = "charter", "Charter"
    VISION = "vision", "Vision"


class FunctionDocumentVersion(models.Model):
    """One version of the function's charter or vision; the highest number is the document.

    Like the product vision (strategy.Vision), every save adds a row and none is changed.
    The unique (kind, number) pair is the optimistic lock: of two saves based on the same
    version, only one can take the next number.
    """

    Kind = DocumentKind

    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    number = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    body = models.TextField(max_length=50_000)
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="function_document_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="function_document_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="function_document_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, version {self.number}"


class ProcessHealth(models.TextChoices):
    """How well a process works; the order is the order of concern (broken first)."""

    BROKEN = "broken", "Broken"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    HEALTHY = "healthy", "Healthy"


# The colour each health shows in (the app's green/amber/red dots).
HEALTH_COLOURS = {
    ProcessHealth.HEALTHY: "green",
    ProcessHealth.NEEDS_ATTENTION: "amber",
    ProcessHealth.BROKEN: "red",
}


class Process(models.Model):
    """A process the PM function owns: discovery reviews, roadmap planning, PM onboarding."""

    Health = ProcessHealth

    name = models.CharField(max_length=120, unique=True)
    purpose = models.TextField(max_length=2_000, blank=True)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_processes"
    )
    link = models.URLField(
        max_length=500,
        blank=True,
        validators=[validate_web_link],
        help_text="Where the process is written down, e.g. https://wiki.example.com/discovery",
    )
    last_reviewed = models.DateField(null=True, blank=True)
    health = models.CharField(
        max_length=16, choices=ProcessHealth.choices, default=ProcessHealth.HEALTHY
    )
    notes = models.TextField(max_length=10_000, blank=True, help_text="Markdown.")
    updated_at = models.DateTimeField(auto_now=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "processes"
        constraints = [
            models.CheckConstraint(
                condition=Q(health__in=ProcessHealth.values), name="function_process_health_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def health_colour(self) -> str:
        return HEALTH_COLOURS[ProcessHealth(self.health)]


class ImprovementKind(models.TextChoices):
    TRAINING = "training", "Training"
    PROCESS = "process", "Process"
    TOOLING = "tooling", "Tooling"
    OTHER = "other", "Other"


class ImprovementStatus(models.TextChoices):
    IDEA = "idea", "Idea"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Improvement(models.Model):
    """An item of the function's improvement backlog; with a quarter it is on its roadmap."""

    Kind = ImprovementKind
    Status = ImprovementStatus

    title = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=16, choices=ImprovementKind.choices, default=ImprovementKind.PROCESS
    )
    status = models.CharField(
        max_length=16, choices=ImprovementStatus.choices, default=ImprovementStatus.IDEA
    )
    quarter = models.CharField(
        max_length=7, blank=True, validators=[validate_quarter], help_text="e.g. 2027-Q1"
    )
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="improvements"
    )
    description = models.TextField(max_length=10_000, blank=True, help_text="Markdown.")
    process = models.ForeignKey(
        Process,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="improvements",
        verbose_name="linked process",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["quarter", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ImprovementKind.values), name="function_improvement_kind"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ImprovementStatus.values),
                name="function_improvement_status",
            ),
        ]

    def __str__(self) -> str:
        return self.title
