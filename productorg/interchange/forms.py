from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from productorg import once
from productorg.interchange.importers.options import category_values_of, category_values_text
from productorg.interchange.models import ImportTarget
from productorg.people.models import Team
from productorg.strategy.models import WorkCategory

NO_TEAM = "none"
DECIMAL_MARK_CHOICES = [
    (".", "Point: 1,250.5 (English)"),
    (",", "Comma: 1.250,5 (German, French, …)"),
]


def decimal_mark_field(options: dict[str, Any]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Decimal mark",
        choices=DECIMAL_MARK_CHOICES,
        # Left out of a request (a script's upload): the point, as before the option existed.
        required=False,
        initial=options.get("decimal_mark", "."),
        help_text="A number the mark cannot read (1,5 with a point) is a row error, never a guess.",
    )


def default_category_field(options: dict[str, Any]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Default work category",
        choices=[("", "Leave unchosen (No category)"), *WorkCategory.choices],
        required=False,
        initial=options.get("default_category", ""),
        help_text="For initiatives the file names no work category for; those that have "
        "one keep it. The dry run marks every row that gets this default.",
    )


class RunOptionsForm(forms.Form):
    """The options a checked import can be checked again with, without a new upload."""

    def __init__(self, *args, options: dict[str, Any], target: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decimal_mark"] = decimal_mark_field(options)
        if target == ImportTarget.INITIATIVES:
            self.fields["default_category"] = default_category_field(options)

    def options(self) -> dict[str, Any]:
        return {**self.cleaned_data, "decimal_mark": self.cleaned_data["decimal_mark"] or "."}


class UploadForm(once.OnceForm):
    """The export file, what its rows become, and the source's options."""

    file = forms.FileField(help_text="CSV (any encoding Excel or the tool wrote) or XLSX.")
    target = forms.ChoiceField(label="Rows become", choices=ImportTarget.choices)

    def __init__(self, *args, source: str, targets: tuple[str, ...], initial_options=None, **kw):
        super().__init__(*args, **kw)
        self.source = source
        self.fields["target"].choices = [
            (value, label) for value, label in ImportTarget.choices if value in targets
        ]
        if len(targets) == 1:
            self.fields["target"].initial = targets[0]
            self.fields["target"].widget = forms.HiddenInput()
        options = initial_options or {}
        if source == "jira":
            self._jira_fields(options)
        if source in {"jira", "linear"}:
            self.fields["points_per_person_week"] = forms.DecimalField(
                label="Story points per person-week",
                min_value=Decimal("0.1"),
                max_value=Decimal("1000"),
                decimal_places=2,
                initial=options.get("points_per_person_week", 5),
                help_text="How many points one person finishes in a week: effort = points ÷ this.",
            )
        self._common_fields(options)

    def _common_fields(self, options: dict[str, Any]) -> None:
        """The decimal mark and the work-category choices every import has."""
        self.fields["decimal_mark"] = decimal_mark_field(options)
        self.fields["default_category"] = default_category_field(options)
        if self.source in {"jira", "linear"}:
            self.fields["category_column"] = forms.CharField(
                label="Work category column",
                max_length=200,
                required=False,
                initial=options.get("category_column", ""),
                help_text="Labels, Issue Type, Component/s or any column whose values name "
                "the category (Feature, Growth, Scaling, PMF). Empty: none read.",
            )
        self.fields["category_values"] = forms.CharField(
            label="Category values",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Tech debt=Scaling"}),
            initial=category_values_text(options.get("category_values") or {}),
            help_text="What the category column's own words mean, one VALUE=Category a "
            "line (VALUE= for none). Category names and PMF need no line.",
        )

    def clean_category_values(self) -> dict[str, str]:
        try:
            return category_values_of(self.cleaned_data["category_values"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def _jira_fields(self, options: dict[str, Any]) -> None:
        self.fields["issue_types"] = forms.CharField(
            label="Issue types that become initiatives",
            max_length=200,
            initial=", ".join(options.get("issue_types", ["Epic"])),
            help_text="Comma-separated, e.g. Epic, Initiative. Other issues add their points.",
        )
        self.fields["team_field"] = forms.CharField(
            label="Team column",
            max_length=200,
            initial=options.get("team_field", "Project key"),
            help_text="Project key, Project name, Component/s, or a column such as "
            "Custom field (Team). Its values are mapped to teams once.",
        )
        for name, label in (
            ("start_field", "Start date column"),
            ("target_field", "Target date column"),
        ):
            self.fields[name] = forms.CharField(
                label=label,
                max_length=200,
                required=False,
                initial=options.get(name, ""),
                help_text="Empty: the usual columns (see the import guide).",
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the page takes files up to "
                f"{settings.IMPORT_MAX_UPLOAD_MB} MB. Import larger files with "
                f"`productorg import {self.source} FILE` on the server."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload

    def options(self) -> dict[str, Any]:
        """The source's options as the importers read them (and the profile remembers them)."""
        data = self.cleaned_data
        options: dict[str, Any] = {}
        if "points_per_person_week" in data:
            options["points_per_person_week"] = str(data["points_per_person_week"])
        options["decimal_mark"] = data["decimal_mark"] or "."
        options["default_category"] = data["default_category"]
        options["category_values"] = data["category_values"]
        if "category_column" in data:
            options["category_column"] = " ".join(data["category_column"].split())
        if self.source == "jira":
            types = [part.strip() for part in data["issue_types"].split(",") if part.strip()]
            options["issue_types"] = types or ["Epic"]
            options["team_field"] = data["team_field"].strip()
            for name in ("start_field", "target_field"):
                if data[name].strip():
                    options[name] = data[name].strip()
        return options


class ColumnsForm(forms.Form):
    """Which column of the file fills which field, optionally saved as a named preset."""

    save_as = forms.CharField(
        label="Save this mapping as",
        max_length=100,
        required=False,
        help_text="A name, to pick the same mapping for the next export from this tool.",
    )

    def __init__(self, *args, mapping_fields, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— not imported —")] + [(name, name) for name in columns]
        self.mapping_fields = mapping_fields
        for field in mapping_fields:
            self.fields[f"column_{field.name}"] = forms.ChoiceField(
                label=field.label,
                choices=choices,
                required=field.required,
                help_text=field.help,
            )
        self.order_fields([f"column_{field.name}" for field in mapping_fields] + ["save_as"])

    def columns(self) -> dict[str, str]:
        return {
            field.name: self.cleaned_data[f"column_{field.name}"]
            for field in self.mapping_fields
            if self.cleaned_data.get(f"column_{field.name}")
        }

    def clean_save_as(self):
        name = self.cleaned_data["save_as"].strip()
        if "\x00" in name:
            raise forms.ValidationError("The name holds a character that cannot be stored.")
        return name


class TeamMapForm(forms.Form):
    """For each team value of the export no team is mapped to yet, the team it means."""

    def __init__(self, *args, values: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        teams = [(str(team.pk), team.name) for team in Team.objects.order_by("name")]
        choices = [("", "Choose…"), (NO_TEAM, "No team (import without a team)"), *teams]
        self.values = values
        for index, value in enumerate(values):
            self.fields[f"team_{index}"] = forms.ChoiceField(label=value, choices=choices)

    def mapping(self) -> dict[str, Team | None]:
        teams = {str(team.pk): team for team in Team.objects.all()}
        return {
            value: teams.get(self.cleaned_data[f"team_{index}"])
            for index, value in enumerate(self.values)
        }
