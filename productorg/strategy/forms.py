from __future__ import annotations

from django import forms

from productorg import once
from productorg.limits import limit
from productorg.people.models import Person, Team
from productorg.strategy.models import (
    CATEGORY_FILTER_CHOICES,
    ImportSource,
    Initiative,
    Objective,
    StatusUpdate,
    Vision,
)


class InitiativeFilterForm(forms.Form):
    """The initiatives list's query string; a value that is not valid is dropped, not fatal."""

    q = forms.CharField(required=False, max_length=200, label="Search titles")
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name"), required=False)
    category = forms.ChoiceField(
        choices=CATEGORY_FILTER_CHOICES,
        required=False,
        widget=forms.Select(attrs={"aria-label": "Work category"}),
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Initiative.Status.choices],
        required=False,
        widget=forms.Select(attrs={"aria-label": "Status"}),
    )
    health = forms.ChoiceField(
        choices=[("", "Any health"), *Initiative.Health.choices],
        required=False,
        widget=forms.Select(attrs={"aria-label": "Health"}),
    )
    owner = forms.ModelChoiceField(
        queryset=Person.objects.filter(initiatives__isnull=False).distinct().order_by("name"),
        required=False,
    )
    objective = forms.ModelChoiceField(queryset=Objective.objects.all(), required=False)
    tag = forms.CharField(required=False, max_length=100)
    source = forms.ChoiceField(choices=[("", "Any source"), *ImportSource.choices], required=False)

    def source_label(self) -> str:
        """The import source filtered on, as people name it ("Jira")."""
        source = self.cleaned_data.get("source") if hasattr(self, "cleaned_data") else ""
        return ImportSource(source).label if source else ""

    def filters(self) -> dict:
        """The valid filters as selector keyword arguments; invalid ones are left out."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return {
            "search": (data.get("q") or "").strip(),
            "team_id": data["team"].pk if data.get("team") else None,
            "category": data.get("category") or None,
            "status": data.get("status") or None,
            "health": data.get("health") or None,
            "owner_id": data["owner"].pk if data.get("owner") else None,
            "objective_id": data["objective"].pk if data.get("objective") else None,
            "tag": (data.get("tag") or "").strip(),
            "source": data.get("source") or "",
        }

    def ignored(self) -> list[str]:
        """The names of the filters that were given a value they cannot take."""
        return [self.fields[name].label or name.capitalize() for name in self.errors]


class VisionForm(once.OnceForm):
    text = forms.CharField(
        label="Product vision",
        max_length=limit(Vision, "text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown. Saving keeps the earlier version in the history.",
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Write the vision, or leave the page without saving.")
        return text


class KeyResultRecordForm(forms.Form):
    current = forms.DecimalField(label="Current value", max_digits=14, decimal_places=2)


class StatusUpdateForm(once.OnceForm):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    health = forms.ChoiceField(choices=Initiative.Health.choices)
    progress = forms.IntegerField(min_value=0, max_value=100, label="Progress (% done)")
    summary = forms.CharField(
        max_length=limit(StatusUpdate, "summary"), widget=forms.Textarea(attrs={"rows": 3})
    )
    risks = forms.CharField(
        max_length=limit(StatusUpdate, "risks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    decisions_needed = forms.CharField(
        max_length=limit(StatusUpdate, "decisions_needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
