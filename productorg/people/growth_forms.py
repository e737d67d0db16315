"""Forms of the growth pages: input is validated here, the rules are the services' business."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.db.models import QuerySet

from productorg import once
from productorg.people.models import (
    Assessment,
    Competency,
    Feedback,
    GrowthGoal,
    GrowthPlan,
    Level,
    Person,
    Rating,
)
from productorg.people.models.growth import EVIDENCE_MAX_LENGTH
from productorg.people.selectors.growth import AssessmentRow
from productorg.people.services.growth import GrowthError, RatingInput, growth_plan_fingerprint


def add_growth_error(form: forms.Form, error: GrowthError) -> None:
    """Show a service's refusal on the form, next to the field it names when there is one."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _too_long(what: str) -> dict[str, str]:
    return {
        "max_length": f"{what}: at most %(limit_value)s characters fit (it has %(show_value)s)."
    }


class VersionForm(forms.Form):
    """The plan version a growth-plan edit is based on (optimistic locking)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class AssessmentStartForm(forms.Form):
    kind = forms.ChoiceField(choices=Assessment.Kind.choices)
    peer = forms.ModelChoiceField(
        queryset=Person.objects.filter(active=True), required=False, label="Peer"
    )


@dataclass(frozen=True)
class RatingFields:
    """One competency's row of the assessment form."""

    row: AssessmentRow
    score: forms.BoundField
    evidence: forms.BoundField


class AssessmentForm(forms.Form):
    """A score 1-4 and evidence for every competency; a draft may leave some unrated."""

    summary = forms.CharField(
        required=False,
        max_length=EVIDENCE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_too_long("Summary"),
    )

    def __init__(self, *args, rows: Sequence[AssessmentRow], summary: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        self.fields["summary"].initial = summary
        for row in self.rows:
            competency = row.competency
            self.fields[f"score_{competency.pk}"] = forms.TypedChoiceField(
                label=competency.name,
                choices=[(value, f"{value} · {label}") for value, label in Rating.Score.choices],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                initial=row.rating.score if row.rating else None,
                error_messages={
                    "invalid_choice": f"{competency.name}: a rating is 1 (below) to 4 (next "
                    "level), not %(value)s."
                },
            )
            self.fields[f"evidence_{competency.pk}"] = forms.CharField(
                label=f"Evidence for {competency.name}",
                required=False,
                max_length=EVIDENCE_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=row.rating.evidence if row.rating else "",
                error_messages=_too_long(f"Evidence for {competency.name}"),
            )

    def rating_fields(self) -> list[RatingFields]:
        return [
            RatingFields(
                row=row,
                score=self[f"score_{row.competency.pk}"],
                evidence=self[f"evidence_{row.competency.pk}"],
            )
            for row in self.rows
        ]

    def ratings(self) -> dict[int, RatingInput]:
        """The cleaned ratings by competency id, for `assessment_rate`."""
        return {
            row.competency.pk: RatingInput(
                score=self.cleaned_data.get(f"score_{row.competency.pk}"),
                evidence=self.cleaned_data.get(f"evidence_{row.competency.pk}", ""),
            )
            for row in self.rows
        }


class GrowthPlanCreateForm(once.OnceForm):
    target_level = forms.ModelChoiceField(queryset=Level.objects.all(), empty_label=None)
    summary = forms.CharField(
        required=False,
        max_length=EVIDENCE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_too_long("Summary"),
    )

    def __init__(self, *args, target_levels: QuerySet[Level] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if target_levels is not None:
            self.fields["target_level"].queryset = target_levels


class GrowthPlanForm(GrowthPlanCreateForm, VersionForm):
    status = forms.ChoiceField(choices=GrowthPlan.Status.choices)
    # The plan as the page showed it (services.growth_plan_fingerprint, as JSON), so a save on
    # an older version merges with changes to the fields the user left alone.
    seen = forms.CharField(required=False, widget=forms.HiddenInput)
    # A change, not a create: no one-time token.
    form_token = None

    field_order = ["version", "target_level", "status", "summary"]

    @staticmethod
    def seen_of(plan: GrowthPlan) -> str:
        return json.dumps(
            growth_plan_fingerprint(
                target_level_id=plan.target_level_id, status=plan.status, summary=plan.summary
            )
        )

    def clean_seen(self) -> dict[str, str] | None:
        try:
            seen = json.loads(self.cleaned_data["seen"] or "null")
        except ValueError:
            return None  # a form from elsewhere: no merge, a stale save is refused
        if not isinstance(seen, dict):
            return None
        return {str(name): str(value) for name, value in seen.items()}


class GrowthGoalForm(once.OnceForm, VersionForm):
    title = forms.CharField(max_length=200)
    competency = forms.ModelChoiceField(
        queryset=Competency.objects.all(), required=False, empty_label="No competency"
    )
    description = forms.CharField(
        required=False,
        max_length=EVIDENCE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=_too_long("Description"),
    )


class GrowthGoalStatusForm(VersionForm):
    status = forms.ChoiceField(choices=GrowthGoal.Status.choices)
    # The status the page showed: the move merges with other changes while it is still that.
    seen = forms.CharField(required=False, widget=forms.HiddenInput)


class GrowthGoalDeleteForm(VersionForm):
    # The goal and its actions as the page showed them (services.growth_goal_fingerprint).
    seen = forms.CharField(required=False, widget=forms.HiddenInput)


class GrowthActionForm(once.OnceForm, VersionForm):
    title = forms.CharField(max_length=200)
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class GrowthActionDoneForm(VersionForm):
    done = forms.BooleanField(required=False)


class FeedbackForm(once.OnceForm):
    recipient = forms.ModelChoiceField(queryset=Person.objects.none(), label="To")
    kind = forms.ChoiceField(choices=Feedback.Kind.choices, widget=forms.RadioSelect)
    competency = forms.ModelChoiceField(
        queryset=Competency.objects.all(), required=False, empty_label="No competency"
    )
    visibility = forms.ChoiceField(
        choices=Feedback.Visibility.choices,
        initial=Feedback.Visibility.RECIPIENT_AND_MANAGERS,
        label="Who may read it",
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        max_length=EVIDENCE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Feedback",
        help_text="Markdown. Specific beats general: what happened, and its effect.",
        error_messages=_too_long("Feedback"),
    )

    def __init__(self, *args, recipients: QuerySet[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients
