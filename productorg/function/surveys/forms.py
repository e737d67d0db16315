"""Forms of the survey pages: a new round, its questions, whom to invite, and the answers.
Each names the field (or the question) that is wrong."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from productorg import once
from productorg.accounts.models import User
from productorg.function.surveys.models import (
    COMMENT_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    RATING_MAX,
    RATING_MIN,
    Invitation,
    Question,
    Survey,
)
from productorg.function.surveys.services import AnswerInput, Invitee
from productorg.limits import too_long_message
from productorg.people.models import Person, Team

# Externals to invite, one a line: "Name <email>" or just the email.
EXTERNAL_LINE = re.compile(r"^\s*(?:(?P<name>[^<>]*?)\s*<(?P<bracketed>[^<>]+)>|(?P<bare>\S+))\s*$")
MAX_EXTERNALS = 200
DEFAULT_OPEN_DAYS = 14


class ServiceErrors:
    """Shows a survey service's refusal next to the field it names, else above the form."""

    def add_service_error(self, error) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)


class SurveyForm(ServiceErrors, once.OnceModelForm):
    class Meta:
        model = Survey
        fields = ["title", "anonymous", "closes_on"]
        widgets = {"closes_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"anonymous": "Anonymous", "closes_on": "Closes on"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(
                "closes_on", timezone.localdate() + datetime.timedelta(days=DEFAULT_OPEN_DAYS)
            )


class QuestionAddForm(ServiceErrors, once.OnceForm):
    text = forms.CharField(label="Question", max_length=QUESTION_MAX_LENGTH)
    kind = forms.ChoiceField(label="Kind", choices=Question.Kind.choices)


class QuestionEditForm(ServiceErrors, forms.Form):
    text = forms.CharField(label="Question", max_length=QUESTION_MAX_LENGTH)
    position = forms.IntegerField(label="Order", min_value=0, max_value=999)


INVITEE_NAME_MAX_LENGTH = Invitation._meta.get_field("name").max_length


class InviteForm(forms.Form):
    """Stakeholders with a login, people of the product org, and externals by email."""

    stakeholders = forms.ModelMultipleChoiceField(
        label="Stakeholders",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = forms.ModelMultipleChoiceField(
        label="People of the product org",
        queryset=Person.objects.none(),
        required=False,
        help_text="Hold Ctrl (⌘ on a Mac) to pick several.",
    )
    externals = forms.CharField(
        label="Others by email",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Kim Lee <kim@example.com>"}),
        help_text="One a line: a name and an email in angle brackets, or just the email.",
    )
    team = forms.ModelChoiceField(
        label="Team they mostly work with",
        queryset=Team.objects.none(),
        required=False,
        help_text="Optional; results per team show only for teams with 3 answers or more.",
    )
    send_email = forms.BooleanField(label="Also send each link by email", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stakeholders"].queryset = User.objects.filter(
            kind=User.Kind.STAKEHOLDER, is_active=True
        ).order_by("first_name", "last_name", "username")
        self.fields["people"].queryset = Person.objects.filter(active=True).order_by("name")
        self.fields["team"].queryset = Team.objects.order_by("name")

    def clean_externals(self) -> list[Invitee]:
        invitees = []
        lines = [line for line in self.cleaned_data["externals"].splitlines() if line.strip()]
        if len(lines) > MAX_EXTERNALS:
            raise ValidationError(f"At most {MAX_EXTERNALS} a time, please.")
        for number, line in enumerate(lines, start=1):
            match = EXTERNAL_LINE.match(line)
            email = (match.group("bracketed") or match.group("bare")) if match else ""
            try:
                validate_email(email.strip())
            except ValidationError:
                raise ValidationError(
                    f"Line {number} ({line.strip()[:80]}) is not an email address or "
                    "“Name <email>”."
                ) from None
            name = (match.group("name") or "").strip() or email.strip()
            if len(name) > INVITEE_NAME_MAX_LENGTH:
                # Said, not cut: the invitation would otherwise greet them by half a name.
                raise ValidationError(
                    f"Line {number}: "
                    + too_long_message(
                        label="the name", length=len(name), max_length=INVITEE_NAME_MAX_LENGTH
                    )
                )
            invitees.append(Invitee(name=name, email=email.strip()))
        return invitees

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not (
            data.get("stakeholders") or data.get("people") or data.get("externals")
        ):
            raise ValidationError("Pick at least one stakeholder, person or email to invite.")
        return data

    def invitees(self) -> list[Invitee]:
        data = self.cleaned_data
        return [
            *(
                Invitee(name=user.get_full_name() or user.username, email=user.email, user=user)
                for user in data["stakeholders"]
                if user.email
            ),
            *(
                Invitee(name=person.name, email=person.email, person=person, user=person.user)
                for person in data["people"]
            ),
            *data["externals"],
        ]


class ResponseForm(forms.Form):
    """The survey's questions; a rating out of 1-5 or a long comment is refused by name."""

    def __init__(self, *args, questions: list[Question], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        choices = [(str(value), str(value)) for value in range(RATING_MIN, RATING_MAX + 1)]
        for question in questions:
            name = f"q{question.pk}"
            if question.kind == Question.Kind.RATING:
                self.fields[name] = forms.CharField(
                    label=question.text,
                    required=True,
                    widget=forms.RadioSelect(choices=choices),
                    error_messages={"required": f"Please rate “{question.text}”."},
                )
            else:
                # No max_length on the field: the check below says how long the text was.
                self.fields[name] = forms.CharField(
                    label=question.text,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    strip=True,
                )

    def clean(self) -> dict:
        data = super().clean()
        for question in self.questions:
            name = f"q{question.pk}"
            if name not in data:
                continue
            value = data[name]
            if question.kind == Question.Kind.RATING:
                try:
                    rating = int(value)
                except (TypeError, ValueError):
                    rating = None
                if rating is None or not RATING_MIN <= rating <= RATING_MAX:
                    self.add_error(
                        name,
                        f"“{question.text}” takes a rating from {RATING_MIN} to {RATING_MAX}.",
                    )
                else:
                    data[name] = rating
            elif len(value) > COMMENT_MAX_LENGTH:
                self.add_error(
                    name,
                    f"“{question.text}” is limited to {COMMENT_MAX_LENGTH:,} characters; "
                    f"this answer has {len(value):,}.",
                )
        return data

    def answers(self) -> list[AnswerInput]:
        answers = []
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.kind == Question.Kind.RATING:
                answers.append(AnswerInput(question=question, rating=value))
            else:
                answers.append(AnswerInput(question=question, comment=value or ""))
        return answers
