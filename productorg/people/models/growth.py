"""Assessments, growth plans and feedback: a person's growth against the framework."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from productorg.once import form_token_field
from productorg.people.models.framework import Competency
from productorg.people.models.org import Level, Person

EVIDENCE_MAX_LENGTH = 4000


class Assessment(models.Model):
    """Ratings of one person against the framework, by themselves, their manager or a peer."""

    class Kind(models.TextChoices):
        SELF = "self", "Self-assessment"
        MANAGER = "manager", "Manager assessment"
        PEER = "peer", "Peer assessment"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assessments")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assessments_written")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The person's level when assessed: the expectations it is read against.",
    )
    summary = models.TextField(blank=True, max_length=EVIDENCE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="self") | Q(author=F("person")),
                name="self_assessment_by_the_person",
            ),
            models.CheckConstraint(
                condition=Q(kind="self") | ~Q(author=F("person")),
                name="only_self_assessment_by_the_person",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
                name="submitted_assessment_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.person}"


class Rating(models.Model):
    """One competency rated 1 (below) to 4 (next level), with evidence."""

    class Score(models.IntegerChoices):
        BELOW = 1, "Below expectations"
        MEETS = 2, "Meets expectations"
        EXCEEDS = 3, "Exceeds expectations"
        NEXT_LEVEL = 4, "Operating at the next level"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    evidence = models.TextField(blank=True, max_length=EVIDENCE_MAX_LENGTH)

    class Meta:
        ordering = ["competency"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "competency"], name="one_rating_per_competency"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=4), name="rating_score_from_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency}: {self.score}"


class GrowthPlan(models.Model):
    """Goals and actions that move a person toward a target level."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Agreed and active"
        ACHIEVED = "achieved", "Achieved"
        CLOSED = "closed", "Closed"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="growth_plans")
    target_level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(blank=True, max_length=EVIDENCE_MAX_LENGTH)
    # Bumped on every save: a save based on an older version is refused (optimistic locking),
    # so a manager and a report editing at once never overwrite each other.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Growth plan of {self.person} toward {self.target_level}"


class GrowthGoal(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    plan = models.ForeignKey(GrowthPlan, on_delete=models.CASCADE, related_name="goals")
    competency = models.ForeignKey(
        Competency, null=True, blank=True, on_delete=models.SET_NULL, related_name="goals"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=EVIDENCE_MAX_LENGTH)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    position = models.PositiveSmallIntegerField(default=0)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class GrowthAction(models.Model):
    goal = models.ForeignKey(GrowthGoal, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["done", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class Feedback(models.Model):
    """Praise or constructive feedback to a person, optionally tied to a competency."""

    class Kind(models.TextChoices):
        PRAISE = "praise", "Praise"
        CONSTRUCTIVE = "constructive", "Constructive"

    class Visibility(models.TextChoices):
        RECIPIENT_AND_MANAGERS = "recipient", "The person and their managers"
        MANAGERS_ONLY = "managers", "Their manager only"

    giver = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="feedback_given")
    recipient = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="feedback_received"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    competency = models.ForeignKey(
        Competency, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    text = models.TextField(max_length=EVIDENCE_MAX_LENGTH)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.RECIPIENT_AND_MANAGERS
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(giver=F("recipient")), name="feedback_not_to_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"
