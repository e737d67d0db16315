"""Stakeholder surveys of the PM function: rounds, questions, personal links, answers.

Anonymity is built into the tables, not left to the pages: a response of an anonymous survey
has no link to the invitation it came through and no timestamp, and responses and answers have
random ids, so neither a foreign key, nor a time, nor the order of ids can tie what was said to
who was invited.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from productorg.once import form_token_field
from productorg.people.models import Person, Team

RATING_MIN = 1
RATING_MAX = 5
COMMENT_MAX_LENGTH = 5000
QUESTION_MAX_LENGTH = 300
# An aggregate (a mean, a distribution, a team cell, the comments of an anonymous survey)
# shows only when at least this many people answered.
MIN_ANSWERS = 3


class Survey(models.Model):
    """A survey round: draft until its first links go out, open until it closes."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    anonymous = models.BooleanField(
        default=True, help_text="Results never show who said what, not even to you."
    )
    opens_on = models.DateField(null=True, blank=True, help_text="Set when the first links go out.")
    closes_on = models.DateField(help_text="Links work until the end of this day.")
    closed_on = models.DateField(null=True, blank=True, help_text="Closed early by hand.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(opens_on__lte=models.F("closes_on")),
                name="survey_opens_before_it_closes",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def status_on(self, today: datetime.date) -> str:
        """Draft, open or closed on the given day."""
        if self.opens_on is None:
            return self.Status.DRAFT
        if self.closed_on is not None or self.closes_on < today:
            return self.Status.CLOSED
        return self.Status.OPEN

    @property
    def round_date(self) -> datetime.date:
        """When the round ran, for ordering rounds over time."""
        return self.opens_on or self.closes_on


class Question(models.Model):
    """A question of a survey: a 1-5 rating on a dimension, or a free comment."""

    class Kind(models.TextChoices):
        RATING = "rating", "Rating 1-5"
        COMMENT = "comment", "Comment"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    # The standard dimension this asks about, so rounds can be compared; blank for own ones.
    dimension = models.SlugField(max_length=32, blank=True)
    text = models.CharField(max_length=QUESTION_MAX_LENGTH)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.RATING)
    position = models.PositiveSmallIntegerField(default=0)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Invitation(models.Model):
    """A personal one-use link for one stakeholder. Only the token's SHA-256 is stored."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    # A stakeholder's login, a Person of the product org, or neither (an external by email).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The team the stakeholder mostly works with.",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    issued_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "email"], name="invitation_one_per_email"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.survey})"


class Response(models.Model):
    """One stakeholder's answers. In an anonymous survey: no invitation, no time."""

    # Random, not sequential: the order of ids must not follow the order people answered in.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "team", "id"]

    def __str__(self) -> str:
        return f"A response to {self.survey}"


class Answer(models.Model):
    """The answer to one question: a rating 1-5, or a comment."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_LENGTH)

    class Meta:
        ordering = ["question", "rating", "comment"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="answer_rating_1_to_5",
            ),
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_one_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"An answer to {self.question}"
