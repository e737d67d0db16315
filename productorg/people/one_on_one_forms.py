"""Forms of the 1:1 pages: input is checked here, at the edge, before a service runs."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from productorg import once
from productorg.people.models import ActionItem, AgendaItem, OneOnOne, Person
from productorg.people.models.one_on_ones import NOTE_MAX_LENGTH

# Far enough ahead to plan a quarter, near enough to catch a mistyped year.
SCHEDULE_HORIZON_DAYS = 366


class OneOnOneStartForm(once.OnceForm):
    """Start a series with one of my direct reports who has none with me yet."""

    # A number, not a choice: clean_report says what is wrong in words of its own.
    report = forms.IntegerField(label="Direct report", widget=forms.Select)
    cadence = forms.ChoiceField(choices=OneOnOne.Cadence.choices, initial="biweekly")

    def __init__(self, *args, me: Person | None, reports: list[Person], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.me = me
        self.reports = {report.pk: report for report in reports}
        self.fields["report"].widget.choices = [("", "Choose a direct report")] + [
            (report.pk, report.name) for report in reports
        ]

    def clean_report(self) -> Person:
        report_id = self.cleaned_data["report"]
        if self.me is not None and report_id == self.me.pk:
            raise forms.ValidationError(
                "A 1:1 takes two people: you cannot start one with yourself."
            )
        if report_id not in self.reports:
            # Says nothing about who the id belongs to: it may be anyone in the org.
            raise forms.ValidationError(
                "Choose one of your direct reports without a 1:1 series: only a person's "
                "current manager starts one with them."
            )
        return self.reports[report_id]


class CadenceForm(forms.Form):
    cadence = forms.ChoiceField(choices=OneOnOne.Cadence.choices)


class MeetingScheduleForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        today = timezone.localdate()
        if abs((date - today).days) > SCHEDULE_HORIZON_DAYS:
            raise forms.ValidationError("Choose a date within a year of today.")
        return date


class MeetingHeldForm(forms.Form):
    held = forms.BooleanField(required=False)


class AgendaItemForm(once.OnceForm):
    text = forms.CharField(
        max_length=AgendaItem._meta.get_field("text").max_length,
        strip=True,
        label="Agenda item",
        widget=forms.TextInput(attrs={"placeholder": "A topic to talk about"}),
    )
    recurring = forms.BooleanField(
        required=False, label="Recurring", help_text="Put it on the next meeting's agenda too."
    )


class SharedNoteForm(once.OnceForm):
    text = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        strip=True,
        label="Shared notes",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "Markdown works here"}),
    )


class PrivateNoteForm(forms.Form):
    # Empty is allowed: saving an empty private note deletes it.
    text = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        required=False,
        strip=True,
        label="My private notes",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ActionItemForm(once.OnceForm):
    text = forms.CharField(
        max_length=ActionItem._meta.get_field("text").max_length,
        strip=True,
        label="Action item",
        widget=forms.TextInput(attrs={"placeholder": "Who does what next"}),
    )
    owner = forms.TypedChoiceField(coerce=int, label="Owner")
    due_date = forms.DateField(
        required=False,
        label="Due",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, participants: list[Person], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.participants = {person.pk: person for person in participants}
        self.fields["owner"].choices = [(person.pk, person.name) for person in participants]
        self.fields["owner"].error_messages["invalid_choice"] = (
            "The owner of an action item is one of the two of you."
        )

    def clean_owner(self) -> Person:
        return self.participants[self.cleaned_data["owner"]]


class ActionItemDoneForm(forms.Form):
    # The state wanted, not a flip: a double click must not undo itself.
    done = forms.BooleanField(required=False)
