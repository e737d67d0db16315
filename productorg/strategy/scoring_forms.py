"""Forms of the ranking page and of leaders' own scoring models."""

from __future__ import annotations

from django import forms
from django.utils.text import Truncator

from productorg import once
from productorg.limits import limit
from productorg.people.models import Team
from productorg.strategy import scoring
from productorg.strategy.models import CATEGORY_FILTER_CHOICES, ScoringModel
from productorg.strategy.selectors.portfolio import ACTIVE_STATUSES


class RankingFilterForm(forms.Form):
    """The ranking's query string; a value that is not valid is dropped with a notice."""

    model = forms.ChoiceField(required=False, label="Scoring model")
    q = forms.CharField(required=False, max_length=200, label="Search titles")
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name"), required=False)
    category = forms.ChoiceField(
        choices=CATEGORY_FILTER_CHOICES,
        required=False,
        widget=forms.Select(attrs={"aria-label": "Work category"}),
    )
    status = forms.ChoiceField(
        choices=[
            ("", "Any active status"),
            *((status.value, status.label) for status in ACTIVE_STATUSES),
        ],
        required=False,
        widget=forms.Select(attrs={"aria-label": "Status"}),
    )

    def __init__(self, *args, specs: list[scoring.ScoringSpec], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.specs = {spec.slug: spec for spec in specs}
        self.fields["model"].choices = [(spec.slug, spec.name) for spec in specs]

    def spec(self) -> scoring.ScoringSpec:
        """The chosen model, or the default one when none (or an unknown one) is chosen."""
        self.is_valid()
        slug = "" if "model" in self.errors else self.cleaned_data.get("model")
        return self.specs.get(slug or "") or scoring.BUILTIN_BY_SLUG[scoring.DEFAULT_SLUG]

    def filters(self) -> dict:
        """The valid filters as selector keyword arguments; invalid ones are left out."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return {
            "search": (data.get("q") or "").strip(),
            "team_id": data["team"].pk if data.get("team") else None,
            "category": data.get("category") or None,
            "status": data.get("status") or None,
        }

    def notices(self) -> list[str]:
        """What was ignored in the query string, in words."""
        self.is_valid()
        notices = []
        if "model" in self.errors:
            fallback = self.spec().name
            asked = Truncator(self.data.get("model", "")).chars(40)
            notices.append(f"There is no scoring model “{asked}”; ranked by {fallback}.")
        ignored = [
            self.fields[name].label or name.capitalize() for name in self.errors if name != "model"
        ]
        if ignored:
            notices.append(f"Ignored a filter value that is not valid: {', '.join(ignored)}.")
        return notices


class ScoringModelForm(forms.Form):
    name = forms.CharField(max_length=100)
    formula = forms.CharField(
        max_length=scoring.MAX_FORMULA_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false", "autocomplete": "off"}),
        help_text="Arithmetic over the variables below, e.g. value * confidence / 100 / effort.",
    )
    description = forms.CharField(
        required=False,
        max_length=limit(ScoringModel, "description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this model, and the scales its inputs are expected on.",
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if name.casefold() in {spec.name.casefold() for spec in scoring.BUILTIN_MODELS}:
            raise forms.ValidationError(f"{name} is the name of a built-in model; choose another.")
        return name

    def clean_formula(self) -> str:
        formula = self.cleaned_data["formula"].strip()
        scoring.formula_validate(formula)
        return formula


class ScoringModelNewForm(once.OnceForm, ScoringModelForm):
    """A new scoring model: a double-clicked save makes one."""
