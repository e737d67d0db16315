"""The query strings of the roadmap and the capacity table: a window of quarters, a page of
teams and filters. A value that is not valid is dropped with a message, never fatal."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from django import forms
from django.core.paginator import Page
from django.http import QueryDict
from django.utils import timezone

from productorg.people.models import Team
from productorg.strategy.models import CATEGORY_FILTER_CHOICES, Initiative, Objective
from productorg.strategy.periods import QUARTER_PATTERN, quarter_add, quarter_of, quarter_span

DEFAULT_QUARTERS = 6
# An initiative lasts at most eight quarters: a wider window would only slow the page.
MAX_QUARTERS = 8
# Years a window may start in; anything else is a typo, not a plan.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2199


@dataclass(frozen=True)
class QuarterWindow:
    """The quarters a page shows: `count` of them from `first`."""

    first: str
    count: int
    current: str

    @property
    def quarters(self) -> list[str]:
        return quarter_span(self.first, self.count)

    @property
    def last(self) -> str:
        return quarter_add(self.first, self.count - 1)

    @property
    def counts(self) -> list[int]:
        """The window sizes a reader can pick."""
        return list(range(1, MAX_QUARTERS + 1))


class WindowLinks(NamedTuple):
    """Query strings (without the "?") that move the window or the page of teams."""

    earlier: str
    previous: str
    now: str
    next: str
    later: str
    previous_page: str | None
    next_page: str | None


def _team_and_area_choices() -> tuple[list[tuple[Any, str]], list[tuple[str, str]]]:
    """The teams and the product areas to filter by, from one query."""
    teams = list(Team.objects.order_by("name").values_list("pk", "name", "product_area"))
    areas = sorted({area for _pk, _name, area in teams if area})
    return (
        [("", "Any team"), *((pk, name) for pk, name, _area in teams)],
        [("", "Any product area"), *((area, area) for area in areas)],
    )


def _objective_choices() -> list[tuple[Any, str]]:
    objectives = Objective.objects.order_by("-period", "title", "pk").values_list(
        "pk", "title", "period"
    )
    return [
        ("", "Any objective"),
        *((pk, f"{title} ({period})") for pk, title, period in objectives),
    ]


class QuarterWindowForm(forms.Form):
    """A window of quarters: `?from=2027-Q1&quarters=6`."""

    quarters = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_QUARTERS, label="Quarters shown"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the field is added here rather than declared.
        self.fields = {
            "from": forms.CharField(required=False, max_length=7, label="From quarter"),
            **self.fields,
        }
        self.load_choices()
        self.is_valid()

    def load_choices(self) -> None:
        """Fill the choices of fields that list rows from the database."""

    def clean_from(self) -> str:
        return _quarter(self.cleaned_data.get("from"))

    def valid_data(self) -> dict[str, Any]:
        """The cleaned values that were given and valid."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "", False)
        }

    @cached_property
    def options(self) -> dict[str, list[tuple[str, str, bool]]]:
        """Each select's (value, label, selected) options, the valid value selected."""
        data = self.valid_data()
        return {
            name: [
                (str(value), str(label), name in data and str(value) == str(data[name]))
                for value, label in field.choices
            ]
            for name, field in self.fields.items()
            if isinstance(field, forms.ChoiceField)
        }

    def ignored(self) -> list[str]:
        """The labels of the parameters that were given a value they cannot take."""
        return [self.fields[name].label or name.capitalize() for name in self.errors]

    def window(self) -> QuarterWindow:
        """The requested window, or from the current quarter for the default number."""
        data = self.valid_data()
        current = quarter_of(timezone.localdate())
        return QuarterWindow(
            first=data.get("from", current),
            count=data.get("quarters", DEFAULT_QUARTERS),
            current=current,
        )

    def query(self, **changes: Any) -> str:
        """This page's valid parameters, with `changes` applied (None removes one)."""
        params = {name: value for name, value in self.valid_data().items() if name != "page"}
        params.update(changes)
        query = QueryDict(mutable=True)
        for name, value in params.items():
            if value is not None and value != "":
                query[name] = "on" if value is True else str(value)
        return query.urlencode()

    def window_query(self) -> str:
        """Only the window's parameters, for a link to another page with the same quarters."""
        data = self.valid_data()
        return self.query(**{name: None for name in data if name not in {"from", "quarters"}})

    def links(self, page: Page | None = None) -> WindowLinks:
        window = self.window()

        def starting(first: str) -> str:
            quarters = window.count if window.count != DEFAULT_QUARTERS else None
            return self.query(**{"from": first, "quarters": quarters})

        return WindowLinks(
            earlier=starting(quarter_add(window.first, -window.count)),
            previous=starting(quarter_add(window.first, -1)),
            now=starting(window.current),
            next=starting(quarter_add(window.first, 1)),
            later=starting(quarter_add(window.first, window.count)),
            previous_page=(
                self.query(page=page.previous_page_number())
                if page is not None and page.has_previous()
                else None
            ),
            next_page=(
                self.query(page=page.next_page_number())
                if page is not None and page.has_next()
                else None
            ),
        )


def _quarter(value: str | None) -> str:
    value = (value or "").strip().upper()
    if not value:
        return ""
    match = QUARTER_PATTERN.match(value)
    if match is None or not EARLIEST_YEAR <= int(match.group(1)) <= LATEST_YEAR:
        raise forms.ValidationError("Write a quarter such as 2027-Q1.")
    return value


class TeamPageForm(QuarterWindowForm):
    """A window of quarters, teams narrowed to an area or one team, and a page of them."""

    area = forms.ChoiceField(
        required=False,
        label="Product area",
        widget=forms.Select(attrs={"aria-label": "Product area"}),
    )
    team = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Team",
        widget=forms.Select(attrs={"aria-label": "Team"}),
    )
    page = forms.IntegerField(required=False, min_value=1, label="Page")

    def load_choices(self) -> None:
        # Read once per request: a callable as choices would query again on every use.
        self.fields["team"].choices, self.fields["area"].choices = _team_and_area_choices()

    def page_number(self) -> int:
        return self.valid_data().get("page", 1)

    def team_filters(self) -> dict[str, Any]:
        data = self.valid_data()
        return {"team_id": data.get("team"), "area": data.get("area")}


class RoadmapFilterForm(TeamPageForm):
    """The roadmap's window, teams and the initiatives it shows."""

    category = forms.ChoiceField(
        choices=CATEGORY_FILTER_CHOICES,
        required=False,
        label="Work category",
        widget=forms.Select(attrs={"aria-label": "Work category"}),
    )
    objective = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Objective",
        widget=forms.Select(attrs={"aria-label": "Objective"}),
    )
    # Dropped work is never on the roadmap.
    status = forms.ChoiceField(
        choices=[
            ("", "Any status"),
            *(
                choice
                for choice in Initiative.Status.choices
                if choice[0] != Initiative.Status.DROPPED
            ),
        ],
        required=False,
        label="Status",
        widget=forms.Select(attrs={"aria-label": "Status"}),
    )

    def load_choices(self) -> None:
        super().load_choices()
        self.fields["objective"].choices = _objective_choices()

    @property
    def filtered(self) -> bool:
        """True when the teams or the initiatives shown are narrowed."""
        return any(self.filters().values())

    def initiative_query(self) -> str:
        """The filters the initiatives list understands, as its query string."""
        data = self.valid_data()
        query = QueryDict(mutable=True)
        for name in ("team", "category", "status", "objective"):
            if name in data:
                query[name] = str(data[name])
        return query.urlencode()

    def filters(self) -> dict[str, Any]:
        """The valid filters as the roadmap selector's keyword arguments."""
        data = self.valid_data()
        return {
            **self.team_filters(),
            "category": data.get("category"),
            "objective_id": data.get("objective"),
            "status": data.get("status"),
        }


class CapacityFilterForm(TeamPageForm):
    """The capacity table's window and teams."""

    over = forms.BooleanField(required=False, label="Only teams over capacity")

    def filters(self) -> dict[str, Any]:
        """The valid filters as the capacity selector's keyword arguments."""
        return {**self.team_filters(), "over_only": bool(self.valid_data().get("over"))}


class CapacityTeamForm(QuarterWindowForm):
    """One team's load in a window, with the quarter the reader came from picked out."""

    quarter = forms.CharField(required=False, max_length=7, label="Quarter")

    def clean_quarter(self) -> str:
        return _quarter(self.cleaned_data.get("quarter"))
