"""Forms of the PM function's pages: a document's editor and diff picker, a process, an
improvement, and the filters of the backlog. Each names the field that is wrong."""

from __future__ import annotations

from django import forms

from productorg import once
from productorg.function.models import (
    FunctionDocumentVersion,
    Improvement,
    ImprovementKind,
    ImprovementStatus,
    Process,
)
from productorg.people.models import Person
from productorg.strategy.periods import QUARTER_PATTERN, validate_quarter

BODY_MAX_LENGTH = FunctionDocumentVersion._meta.get_field("body").max_length


class ServiceErrors:
    """Shows a service's refusal next to the field it names, else above the form."""

    def add_service_error(self, error) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)


def _owner_field(label: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=Person.objects.filter(active=True).order_by("name", "pk"),
        required=False,
        empty_label="(nobody yet)",
    )


class DocumentForm(ServiceErrors, once.OnceForm):
    """The text of a new version, and the number of the version the editor started from."""

    body = forms.CharField(
        label="Text",
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Markdown. Saving makes a new version; every earlier one stays in the history.",
    )
    based_on = forms.IntegerField(min_value=0, widget=forms.HiddenInput, label="Version edited")


class DiffForm(forms.Form):
    """Which two versions of a document to compare."""

    older = forms.IntegerField(label="From version", min_value=1)
    newer = forms.IntegerField(label="To version", min_value=1)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("older") and data.get("older") == data.get("newer"):
            self.add_error("newer", "Choose two different versions to compare.")
        return data


class ProcessForm(ServiceErrors, once.OnceModelForm):
    # Typed without a scheme, an address means https; the model refuses other schemes.
    link = forms.URLField(
        label="Link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=Process._meta.get_field("link").help_text,
    )
    owner = _owner_field("Owner")

    class Meta:
        model = Process
        fields = ["name", "purpose", "owner", "link", "last_reviewed", "health", "notes"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 5}),
            "last_reviewed": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {"last_reviewed": "A review older than 180 days is flagged in the catalog."}

    def validate_unique(self) -> None:
        # A taken name is the service's to refuse: a repeated submit finds its own process's.
        return

    def values(self) -> dict:
        """The cleaned fields as the process services take them."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ImprovementForm(ServiceErrors, once.OnceModelForm):
    # Longer than a quarter, so that any typing mistake gets the quarter's own message.
    quarter = forms.CharField(
        label="Quarter",
        required=False,
        max_length=40,
        help_text=Improvement._meta.get_field("quarter").help_text,
    )
    owner = _owner_field("Owner")
    process = forms.ModelChoiceField(
        label="Linked process",
        queryset=Process.objects.order_by("name", "pk"),
        required=False,
        empty_label="(none)",
    )

    class Meta:
        model = Improvement
        fields = ["title", "kind", "status", "quarter", "owner", "process", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def clean_quarter(self) -> str:
        quarter = self.cleaned_data["quarter"].strip()
        if quarter and not QUARTER_PATTERN.match(quarter.upper()):
            # The strategy's message for a quarter, naming the input as the user typed it.
            validate_quarter(quarter)
        return quarter.upper()

    def values(self) -> dict:
        """The cleaned fields as the improvement services take them."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class BacklogFilterForm(forms.Form):
    """The backlog's filters; a value it cannot take is ignored and named on the page."""

    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ImprovementStatus.choices]
    )
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *ImprovementKind.choices]
    )

    def filters(self) -> dict[str, str]:
        """The valid filters; the invalid ones count as not given."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}

    def ignored(self) -> list[str]:
        return [str(self.fields[name].label) for name in self.errors]
