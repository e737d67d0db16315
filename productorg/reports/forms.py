"""Forms of the Reports pages: a new report's period and scope, and two reports to compare.
Each names the field that is wrong."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from productorg import once
from productorg.reports.models import LeadershipReport, ScopeKind
from productorg.reports.selectors import (
    ReportError,
    ReportScope,
    current_quarter,
    leaders_for_scope,
    period_checked,
)
from productorg.strategy.models import Initiative


class ReportForm(once.OnceForm):
    period = forms.CharField(
        max_length=7,
        required=False,
        help_text="A quarter, a half or a year: 2027-Q1, 2027-H1 or 2027.",
    )
    scope = forms.ChoiceField(
        choices=ScopeKind.choices,
        initial=ScopeKind.CROSS_TEAM,
        help_text="By default the initiatives that span several teams.",
    )
    leader = forms.ModelChoiceField(
        queryset=leaders_for_scope(),
        required=False,
        label="Leader (for a group)",
        help_text="The teams of this leader's part of the org.",
    )
    initiatives = forms.ModelMultipleChoiceField(
        queryset=Initiative.objects.exclude(status=Initiative.Status.DROPPED).order_by(
            "title", "pk"
        ),
        required=False,
        label="Initiatives (for selected)",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].initial = current_quarter()

    def clean_period(self) -> str:
        try:
            return period_checked(self.cleaned_data.get("period"))
        except ReportError as error:
            raise ValidationError(error.message) from error

    def clean(self) -> dict:
        data = super().clean()
        scope = data.get("scope")
        if scope == ScopeKind.GROUP and not data.get("leader"):
            self.add_error("leader", "Pick the leader whose group the report covers.")
        if scope == ScopeKind.SELECTED and not data.get("initiatives"):
            self.add_error("initiatives", "Pick at least one initiative.")
        return data

    def report_scope(self) -> ReportScope:
        data = self.cleaned_data
        kind = data["scope"]
        return ReportScope(
            kind=kind,
            leader_id=data["leader"].pk if kind == ScopeKind.GROUP else None,
            initiative_ids=tuple(each.pk for each in data["initiatives"])
            if kind == ScopeKind.SELECTED
            else (),
        )

    def add_report_error(self, error: ReportError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(
        queryset=LeadershipReport.objects.defer("snapshot"), label="Earlier report"
    )
    b = forms.ModelChoiceField(
        queryset=LeadershipReport.objects.defer("snapshot"), label="Later report"
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            self.add_error("b", "Pick two different reports.")
        return data
