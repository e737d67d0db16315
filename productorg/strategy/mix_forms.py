"""Forms of the mix board: its filters, a scope's mix targets, a balance dimension."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from productorg import once
from productorg.limits import limit
from productorg.strategy.models import BalanceDimension, DimensionValue
from productorg.strategy.periods import PERIOD_PATTERN
from productorg.strategy.services.mix import mix_shares_check

SHARE_PREFIX = "share_"
VALUE_PREFIX = "value_"


def period_validator(value: str) -> None:
    if not PERIOD_PATTERN.fullmatch(value):
        raise ValidationError(
            f"{value!r} is not a period: write a year, a half or a quarter, "
            "such as 2027, 2027-H1 or 2027-Q1."
        )


class MixBoardFilterForm(forms.Form):
    """The board's query string; the selector names a value it cannot use, nothing is fatal."""

    period = forms.CharField(required=False, max_length=7)
    dimension = forms.CharField(required=False, max_length=100)
    team = forms.IntegerField(required=False, min_value=1)
    flagged = forms.BooleanField(required=False, label="Only teams out of tolerance")

    def filters(self) -> dict:
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return {
            "period": data.get("period") or None,
            "dimension": data.get("dimension") or None,
            "team_id": data.get("team"),
            "only_flagged": bool(data.get("flagged")),
        }

    def ignored(self) -> list[str]:
        return list(self.errors)


class MixTargetsForm(forms.Form):
    """One scope's targets: a share per value of the dimension (blank is 0 %) and a tolerance."""

    period = forms.CharField(
        max_length=7,
        validators=[period_validator],
        help_text="A year, a half or a quarter: 2027, 2027-H1, 2027-Q1.",
    )
    tolerance = forms.DecimalField(
        label="Tolerance (± percentage points)",
        min_value=0,
        max_value=50,
        max_digits=3,
        decimal_places=1,
        initial=5,
    )

    def __init__(self, *args, dimension: BalanceDimension, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.dimension = dimension
        self.values: list[DimensionValue] = list(dimension.values.all())
        for value in self.values:
            self.fields[f"{SHARE_PREFIX}{value.pk}"] = forms.DecimalField(
                label=value.label,
                required=False,
                min_value=0,
                max_value=100,
                max_digits=4,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100"}),
            )

    def share_fields(self) -> list[forms.BoundField]:
        return [self[f"{SHARE_PREFIX}{value.pk}"] for value in self.values]

    def shares(self) -> dict[int, Decimal]:
        return {
            value.pk: self.cleaned_data.get(f"{SHARE_PREFIX}{value.pk}") or Decimal(0)
            for value in self.values
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        if not any(field.name in self.errors for field in self.share_fields()):
            try:
                mix_shares_check(dimension=self.dimension, shares=self.shares())
            except ValidationError as error:
                self.add_error(None, error.message_dict["shares"])
        return cleaned

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's refusal next to the field it names (shares go above the form)."""
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


def running_sum(data) -> Decimal | None:
    """The sum of the shares typed so far, or None while one is not a number."""
    total = Decimal(0)
    for name, given in data.items():
        text = "" if given is None else str(given).strip()
        if not name.startswith(SHARE_PREFIX) or not text:
            continue
        try:
            share = Decimal(text)
        except InvalidOperation:
            return None
        if not share.is_finite():
            return None
        total += share
    return total


class DimensionForm(once.OnceForm):
    """A leader's own dimension: its name, description and values. A built-in dimension
    shows its description only."""

    name = forms.CharField(max_length=100)
    description = forms.CharField(
        required=False,
        max_length=limit(BalanceDimension, "description"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_values = forms.CharField(
        label="New values",
        required=False,
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line, such as Customer demand and Business demand.",
    )
    delete_in_use = forms.BooleanField(
        required=False,
        label="Delete values in use: their initiatives become unclassified, and the targets "
        "of every scope and period that had one are cleared",
    )

    def __init__(self, *args, dimension: BalanceDimension | None = None, **kwargs) -> None:
        if dimension is not None:
            kwargs.setdefault(
                "initial", {"name": dimension.name, "description": dimension.description}
            )
        super().__init__(*args, **kwargs)
        self.dimension = dimension
        self.existing: list[DimensionValue] = (
            [] if dimension is None else list(dimension.values.all())
        )
        if dimension is None:
            self.fields["new_values"].label = "Values"
            self.fields["new_values"].required = True
            del self.fields["delete_in_use"]
        elif dimension.is_builtin:
            self.fields["name"].disabled = True
            del self.fields["new_values"]
            del self.fields["delete_in_use"]
        else:
            for value in self.existing:
                self.fields[f"{VALUE_PREFIX}{value.pk}"] = forms.CharField(
                    label=f"Value: {value.label}",
                    required=False,
                    max_length=100,
                    initial=value.label,
                    help_text="Empty the name to delete the value.",
                )
            self.order_fields(
                ["name", "description", *(f"{VALUE_PREFIX}{value.pk}" for value in self.existing)]
            )

    def value_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(VALUE_PREFIX)]

    def values(self) -> list[tuple[int | None, str]]:
        """The values wanted: the existing ones kept (perhaps renamed), then the new lines."""
        if self.dimension is not None and self.dimension.is_builtin:
            return [(value.pk, value.label) for value in self.existing]
        kept: list[tuple[int | None, str]] = []
        for value in self.existing:
            label = self.cleaned_data.get(f"{VALUE_PREFIX}{value.pk}", "").strip()
            if label:
                kept.append((value.pk, label))
        new = self.cleaned_data.get("new_values", "").splitlines()
        return kept + [(None, line.strip()) for line in new if line.strip()]

    def add_service_error(self, error: ValidationError) -> None:
        """A service's refusal by its field; on a new dimension `values` are the lines typed,
        on an existing one they are all of the value fields, so the error goes above them."""
        for name, messages in error.message_dict.items():
            field = name
            if name == "values":
                field = "new_values" if self.dimension is None else None
                if field is None:
                    messages = [f"Values: {message}" for message in messages]
            self.add_error(field if field in self.fields else None, messages)
