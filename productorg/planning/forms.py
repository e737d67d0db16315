"""Forms of the Plan pages: a scenario's settings, its capacity grid, mix bounds, must/never
lists, and the pair of scenarios to compare. Each names the field that is wrong."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils import timezone

from productorg import once
from productorg.people.models import Team
from productorg.planning.models import MAX_HORIZON_QUARTERS, Scenario
from productorg.strategy.models import WorkCategory
from productorg.strategy.periods import quarter_add, quarter_of, validate_quarter

CAPACITY_PREFIX = "capacity"
MIN_PREFIX = "min_"
MAX_PREFIX = "max_"
PERCENT = Decimal(100)


def next_quarter() -> str:
    """The quarter after today's: where a new horizon usually starts."""
    return quarter_add(quarter_of(timezone.localdate()), 1)


class ServiceErrors:
    """Shows a planning service's refusal next to the field it names, else above the form."""

    # The services' names for fields this form shows under another name.
    service_fields: dict[str, str] = {}

    def add_service_error(self, error) -> None:
        name = self.service_fields.get(error.field, error.field)
        self.add_error(name if name in self.fields else None, error.message)


def _percent_field(label: str, **kwargs) -> forms.DecimalField:
    # Labelled on the input too: in a table the visible label is the row's and column's heading.
    attrs = {"step": "0.1", "min": "0", "max": "100", "aria-label": label}
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs=attrs),
        **kwargs,
    )


class ScenarioForm(ServiceErrors, once.OnceModelForm):
    """A scenario's settings; the discount is typed as a percentage per quarter."""

    service_fields = {"discount_rate": "discount_percent"}

    discount_percent = _percent_field(
        "Discount per quarter of delay (%)",
        initial=0,
        help_text="What a quarter's wait takes off an initiative's value, e.g. 5.",
    )

    class Meta:
        model = Scenario
        fields = ["name", "first_quarter", "quarters", "time_limit_s", "description"]
        labels = {"first_quarter": "First quarter", "quarters": "Horizon (quarters)"}
        help_texts = {
            "first_quarter": "e.g. 2027-Q1",
            "time_limit_s": "How long the planner may search before it reports its best plan.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "quarters": forms.NumberInput(attrs={"min": 1, "max": MAX_HORIZON_QUARTERS}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["discount_percent"].initial = (
                self.instance.discount_rate * PERCENT
            ).normalize()
        else:
            self.fields["first_quarter"].initial = next_quarter()

    def validate_unique(self) -> None:
        # A taken name is the service's to refuse: a repeated submit finds its own scenario's.
        return

    def clean_first_quarter(self) -> str:
        quarter = self.cleaned_data["first_quarter"].strip()
        validate_quarter(quarter)
        return quarter

    def settings(self) -> dict:
        """The cleaned settings as the scenario services take them."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "first_quarter": data["first_quarter"],
            "quarters": data["quarters"],
            "discount_rate": data["discount_percent"] / PERCENT,
            "time_limit_s": data["time_limit_s"],
        }


class CopyForm(ServiceErrors, once.OnceForm):
    # A taken name is the service's to refuse: a repeated submit finds its own copy's name.
    name = forms.CharField(label="Name of the copy", max_length=120)


class PlanStartForm(once.OnceForm):
    """The Plan button: a double click queues one run."""


@dataclass(frozen=True)
class CapacityCell:
    """One input of the capacity grid."""

    name: str
    quarter: str
    value: str
    usual: Decimal
    error: str


@dataclass(frozen=True)
class CapacityRow:
    team: Team
    cells: list[CapacityCell]


class CapacityForm(ServiceErrors, forms.Form):
    """A team x quarter grid of capacities; a blank cell, or the usual figure, is no override."""

    def __init__(
        self,
        data=None,
        *,
        teams: Sequence[Team],
        quarters: Sequence[str],
        overrides: dict[tuple[int, str], Decimal],
    ) -> None:
        super().__init__(data)
        self.teams, self.quarters, self.overrides = list(teams), list(quarters), overrides
        for team in self.teams:
            for quarter in self.quarters:
                usual = team.capacity_per_quarter
                self.fields[self.field_name(team, quarter)] = forms.DecimalField(
                    label=f"{team.name}, {quarter}",
                    required=False,
                    min_value=0,
                    max_digits=7,
                    decimal_places=1,
                    initial=overrides.get((team.pk, quarter), usual),
                )

    @staticmethod
    def field_name(team: Team, quarter: str) -> str:
        return f"{CAPACITY_PREFIX}_{team.pk}_{quarter}"

    def rows(self) -> list[CapacityRow]:
        """The grid as the template draws it; inputs are written out, a grid has thousands."""
        errors = self.errors if self.is_bound else {}
        rows = []
        for team in self.teams:
            cells = []
            for quarter in self.quarters:
                name = self.field_name(team, quarter)
                if self.is_bound:
                    value = str(self.data.get(name, ""))
                else:
                    value = f"{self.fields[name].initial.normalize():f}"
                error = errors.get(name)
                cells.append(
                    CapacityCell(
                        name=name,
                        quarter=quarter,
                        value=value,
                        usual=team.capacity_per_quarter,
                        error=f"{team.name}, {quarter}: {error[0]}" if error else "",
                    )
                )
            rows.append(CapacityRow(team=team, cells=cells))
        return rows

    def changes(self) -> Iterable[tuple[Team, str, Decimal | None]]:
        """(team, quarter, capacity or None for the usual) for every cell that changed."""
        for team in self.teams:
            for quarter in self.quarters:
                given = self.cleaned_data[self.field_name(team, quarter)]
                wanted = None if given is None or given == team.capacity_per_quarter else given
                if wanted != self.overrides.get((team.pk, quarter)):
                    yield team, quarter, wanted


class MixBoundsForm(ServiceErrors, forms.Form):
    """The least and most share of planned effort per work category, in percent."""

    def __init__(self, data=None, *, bounds: dict[str, tuple[Decimal, Decimal]]) -> None:
        super().__init__(data)
        self.bounds = bounds
        for category in WorkCategory:
            low, high = bounds.get(category.value, (None, None))
            self.fields[f"{MIN_PREFIX}{category.value}"] = _percent_field(
                f"{category.label}: least (%)",
                required=False,
                initial=None if low is None else f"{(low * PERCENT).normalize():f}",
            )
            self.fields[f"{MAX_PREFIX}{category.value}"] = _percent_field(
                f"{category.label}: most (%)",
                required=False,
                initial=None if high is None else f"{(high * PERCENT).normalize():f}",
            )

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (
                category.label,
                self[f"{MIN_PREFIX}{category.value}"],
                self[f"{MAX_PREFIX}{category.value}"],
            )
            for category in WorkCategory
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        for category in WorkCategory:
            low = cleaned.get(f"{MIN_PREFIX}{category.value}")
            high = cleaned.get(f"{MAX_PREFIX}{category.value}")
            if low is not None and high is not None and low > high:
                self.add_error(
                    f"{MAX_PREFIX}{category.value}",
                    f"The most ({high:g} %) is below the least ({low:g} %).",
                )
        return cleaned

    def changes(self) -> Iterable[tuple[str, Decimal | None, Decimal | None]]:
        """(category, min share, max share) for each category whose bounds changed; both None
        to drop the category's bounds."""
        for category in WorkCategory:
            low = self.cleaned_data.get(f"{MIN_PREFIX}{category.value}")
            high = self.cleaned_data.get(f"{MAX_PREFIX}{category.value}")
            wanted = None
            if low is not None or high is not None:
                # A bound left blank is the widest: 0 % at least, 100 % at most.
                wanted = (
                    (low or Decimal(0)) / PERCENT,
                    (PERCENT if high is None else high) / PERCENT,
                )
            saved = self.bounds.get(category.value)
            if wanted is None and saved is not None:
                yield category.value, None, None
            elif wanted is not None and wanted != saved:
                yield category.value, wanted[0], wanted[1]


@dataclass(frozen=True)
class ChoiceList:
    name: str
    label: str
    errors: list[str]
    # (initiative id, title, selected)
    options: list[tuple[int, str, bool]]


class ChoicesForm(ServiceErrors, forms.Form):
    """Initiatives the scenario must plan and those it must leave out; never both."""

    must = forms.TypedMultipleChoiceField(
        label="Must do", required=False, coerce=int, widget=forms.SelectMultiple
    )
    never = forms.TypedMultipleChoiceField(
        label="Never", required=False, coerce=int, widget=forms.SelectMultiple
    )

    def __init__(
        self,
        data=None,
        *,
        initiatives: Sequence[tuple[int, str]],
        must: Iterable[int] = (),
        never: Iterable[int] = (),
    ) -> None:
        super().__init__(data, initial={"must": list(must), "never": list(never)})
        self.initiatives = list(initiatives)
        self.titles = dict(self.initiatives)
        for name in ("must", "never"):
            self.fields[name].choices = self.initiatives

    def lists(self) -> list[ChoiceList]:
        """The two selects as the template writes them out: a portfolio has thousands."""
        lists = []
        for name in ("must", "never"):
            if self.is_bound:
                given = self.data.getlist(name)
                chosen = {int(value) for value in given if str(value).isdigit()}
            else:
                chosen = set(self.initial[name])
            lists.append(
                ChoiceList(
                    name=name,
                    label=self.fields[name].label,
                    errors=list(self.errors.get(name, [])) if self.is_bound else [],
                    options=[(pk, title, pk in chosen) for pk, title in self.initiatives],
                )
            )
        return lists

    def clean(self) -> dict:
        cleaned = super().clean()
        both = set(cleaned.get("must", ())) & set(cleaned.get("never", ()))
        if both:
            names = ", ".join(sorted(self.titles[pk] for pk in both))
            self.add_error("never", f"An initiative cannot be both must do and never: {names}.")
        return cleaned

    def changes(self, *, must: Iterable[int], never: Iterable[int]) -> dict[int, str | None]:
        """initiative id -> "must", "never" or None (no choice) for every one that changed."""
        before = dict.fromkeys(must, "must") | dict.fromkeys(never, "never")
        after = dict.fromkeys(self.cleaned_data["must"], "must")
        after |= dict.fromkeys(self.cleaned_data["never"], "never")
        return {
            pk: after.get(pk)
            for pk in before.keys() | after.keys()
            if before.get(pk) != after.get(pk)
        }


class CompareForm(forms.Form):
    """Two scenarios to put side by side."""

    a = forms.TypedChoiceField(label="Scenario A", coerce=int)
    b = forms.TypedChoiceField(label="Scenario B", coerce=int)

    def __init__(self, data=None, *, scenarios: Sequence[tuple[int, str]]) -> None:
        super().__init__(data)
        for name in ("a", "b"):
            self.fields[name].choices = [("", "Pick a scenario"), *scenarios]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("a") is not None and cleaned.get("a") == cleaned.get("b"):
            self.add_error("b", "Pick two different scenarios.")
        return cleaned
