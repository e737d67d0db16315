"""The alignment check's query string: how many days make a status stale, and which kind."""

from __future__ import annotations

from django import forms
from django.conf import settings

from productorg.strategy.selectors.alignment import KINDS

MIN_STALE_DAYS = 1
MAX_STALE_DAYS = 365


def default_stale_days() -> int:
    """PRODUCTORG_STALE_UPDATE_DAYS from the settings, 14 until the setting exists."""
    return getattr(settings, "STALE_UPDATE_DAYS", 14)


class AlignmentCheckForm(forms.Form):
    """A value that is not valid falls back to the default and is named, not fatal."""

    stale_days = forms.IntegerField(
        label="Stale after (days)",
        required=False,
        min_value=MIN_STALE_DAYS,
        max_value=MAX_STALE_DAYS,
        widget=forms.NumberInput(attrs={"min": MIN_STALE_DAYS, "max": MAX_STALE_DAYS}),
    )
    kind = forms.ChoiceField(choices=[(slug, slug) for slug in KINDS], required=False)

    def __init__(self, data=None, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.default_stale_days = default_stale_days()
        self.fields["stale_days"].widget.attrs["placeholder"] = self.default_stale_days

    def stale_after_days(self) -> int:
        self.is_valid()
        if "stale_days" in self.errors:
            return self.default_stale_days
        return self.cleaned_data.get("stale_days") or self.default_stale_days

    def chosen_kind(self) -> str | None:
        self.is_valid()
        if "kind" in self.errors:
            return None
        return self.cleaned_data.get("kind") or None

    def ignored(self) -> list[str]:
        """What was given a value it cannot take, said so the leader can correct it."""
        notes = []
        if "stale_days" in self.errors:
            notes.append(
                f"Stale after must be a whole number of days from {MIN_STALE_DAYS} to "
                f"{MAX_STALE_DAYS}; showing the default, {self.default_stale_days} days."
            )
        if "kind" in self.errors:
            notes.append("There is no such kind of finding; showing every kind.")
        return notes

    def kept_query(self) -> str:
        """The query string that keeps the chosen stale days on links within the page."""
        days = self.stale_after_days()
        return "" if days == self.default_stale_days else f"stale_days={days}"
