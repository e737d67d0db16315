"""1:1s: a recurring meeting of a manager and a report, and what is said in it.

The content (agenda, shared notes, action items) belongs to the two participants of the pair;
a private note to its author alone. A new manager starts a new pair: nothing is inherited.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q

from productorg.once import form_token_field
from productorg.people.models.growth import GrowthGoal
from productorg.people.models.org import Person

NOTE_MAX_LENGTH = 20_000


class OneOnOne(models.Model):
    """The series of 1:1s of one manager and one report, with its agreed cadence."""

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        BIWEEKLY = "biweekly", "Every two weeks"
        MONTHLY = "monthly", "Monthly"

    CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 30}

    manager = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="one_on_ones_as_manager"
    )
    report = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="one_on_ones_as_report"
    )
    cadence = models.CharField(max_length=16, choices=Cadence.choices, default=Cadence.BIWEEKLY)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["manager", "report"]
        verbose_name = "one-on-one"
        constraints = [
            models.UniqueConstraint(fields=["manager", "report"], name="one_series_per_pair"),
            models.CheckConstraint(
                condition=~Q(manager=F("report")), name="one_on_one_not_with_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"1:1 {self.manager} / {self.report}"

    @property
    def cadence_days(self) -> int:
        return self.CADENCE_DAYS[self.cadence]

    def participant_ids(self) -> set[int]:
        return {self.manager_id, self.report_id}

    @property
    def current(self) -> bool:
        """The pair still works together: the report reports to this manager, both active.
        An ended series is read-only (the services read this afresh before every write)."""
        return (
            self.active
            and self.manager.active
            and self.report.active
            and self.report.manager_id == self.manager_id
        )


class Meeting(models.Model):
    """One 1:1 on a date."""

    one_on_one = models.ForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    held = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.one_on_one} on {self.date}"

    @property
    def upcoming(self) -> bool:
        return not self.held and self.date >= datetime.date.today()  # noqa: DTZ011 - a calendar date


class AgendaItem(models.Model):
    """A topic either participant puts on a meeting's shared agenda."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    recurring = models.BooleanField(
        default=False, help_text="Put on the next meeting's agenda again."
    )
    discussed = models.BooleanField(default=False)
    growth_goal = models.ForeignKey(
        GrowthGoal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class SharedNote(models.Model):
    """Notes of a meeting that both participants read and write (Markdown, sanitised)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="shared_notes")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Shared note on {self.meeting}"


class PrivateNote(models.Model):
    """A note on a meeting readable by its author alone: nobody else, on any path."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="private_notes")
    text = models.TextField(max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        # Never the text: a private note's words appear only on its author's pages.
        return f"Private note by {self.author}"


class ActionItem(models.Model):
    """A to-do agreed in a 1:1; it stays on every meeting of the pair until done."""

    one_on_one = models.ForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="action_items")
    raised_in = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    owner = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    due_date = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["done", "due_date", "pk"]

    def __str__(self) -> str:
        return self.text
