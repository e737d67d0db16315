from __future__ import annotations

from django import forms

from productorg.people.models import Level, Person

ATTENTION_CHOICES = [
    ("", "Everyone"),
    ("overdue", "1:1 overdue or missing"),
    ("no-plan", "No growth plan"),
    ("stale", "Assessment missing or stale"),
    ("ready", "Ready for a next step"),
]


class TeamFilterForm(forms.Form):
    """The team view's query string; a value it cannot take is dropped, never fatal."""

    level = forms.ModelChoiceField(
        queryset=Level.objects.all(), to_field_name="code", required=False, empty_label="Any level"
    )
    manager = forms.ModelChoiceField(
        queryset=Person.objects.filter(reports__isnull=False).distinct(),
        required=False,
        empty_label="Any manager",
    )
    attention = forms.ChoiceField(choices=ATTENTION_CHOICES, required=False)

    def filters(self) -> dict:
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return {
            "level_code": data["level"].code if data.get("level") else None,
            "manager_id": data["manager"].pk if data.get("manager") else None,
            "attention": data.get("attention") or None,
        }
