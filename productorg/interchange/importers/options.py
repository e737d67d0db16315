"""The options every initiative import takes besides its own format's: how the file writes
decimals, and where each initiative's work category comes from.

An export seldom says which of the four kinds of work an initiative is; when it does, it is in
a label, an issue type, a component or a field of the team's own. The person importing names
that column and, where its values are not category names, what each value means; they may also
choose a category for the rows that have none. Nothing is chosen for them: without a column or
a default, new initiatives have no category, and the mix board shows that effort as such.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from productorg.interchange.importers.reading import DECIMAL_MARKS, column_key
from productorg.interchange.importers.report import ImportReport
from productorg.strategy.models import WorkCategory

# Words teams write for a category, beyond its value and label (compared by column_key).
_CATEGORY_WORDS = {
    "feature": WorkCategory.FEATURE,
    "features": WorkCategory.FEATURE,
    "growth": WorkCategory.GROWTH,
    "scaling": WorkCategory.SCALING,
    "scale": WorkCategory.SCALING,
    "pmf": WorkCategory.PMF_EXPANSION,
    "pmf expansion": WorkCategory.PMF_EXPANSION,
    "pmf-expansion": WorkCategory.PMF_EXPANSION,
    "pmf_expansion": WorkCategory.PMF_EXPANSION,
    "product-market fit expansion": WorkCategory.PMF_EXPANSION,
    "product-market-fit expansion": WorkCategory.PMF_EXPANSION,
    "product market fit expansion": WorkCategory.PMF_EXPANSION,
}
ACCEPTED_CATEGORY_WORDS = "Feature, Growth, Scaling, PMF (Product-market-fit expansion)"


def category_named(text: str) -> str | None:
    """The WorkCategory value a word names (value, label or a usual synonym), or None."""
    wanted = column_key(text)
    for category in WorkCategory:
        if wanted in (category.value, category.label.casefold()):
            return category.value
    found = _CATEGORY_WORDS.get(wanted)
    return found.value if found else None


def category_choice(text: object, option: str) -> str:
    """An option naming a category ("" or "none": leave unchosen); ValueError otherwise."""
    if text is None or not str(text).strip() or column_key(str(text)) in {"none", "no category"}:
        return ""
    category = category_named(str(text))
    if category is None:
        raise ValueError(
            f"{option}: {str(text)!r} is not a work category (use {ACCEPTED_CATEGORY_WORDS}, "
            "or none)."
        )
    return category


@dataclass(frozen=True)
class CategoryFound:
    """What a row's category column says: a category, nothing known, or a contradiction."""

    category: str | None = None
    unknown: list[str] = field(default_factory=list)
    conflicting: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CommonOptions:
    """The decimal mark of the file's numbers, the category of rows that name none ("" =
    leave unchosen), the column the category is read from, and what its values mean."""

    decimal_mark: str = "."
    default_category: str = ""
    category_column: str = ""
    # column_key(value) → category value, "" for a value that names no category on purpose.
    category_values: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, options: Mapping[str, Any]) -> CommonOptions:
        """Options as a face or a saved profile gives them; ValueError says what is wrong."""
        mark = str(options.get("decimal_mark") or ".").strip()
        if mark not in DECIMAL_MARKS:
            raise ValueError(f"Decimal mark: use “.” or “,”, not {mark!r}.")
        column = options.get("category_column") or ""
        if not isinstance(column, str):
            raise ValueError("Category column: give a column name.")
        return cls(
            decimal_mark=mark,
            default_category=category_choice(options.get("default_category"), "Default category"),
            category_column=" ".join(column.split()),
            category_values=category_values_of(options.get("category_values") or {}),
        )

    def to_dict(self) -> dict[str, Any]:
        """As saved in the import profile (JSON)."""
        return {
            "decimal_mark": self.decimal_mark,
            "default_category": self.default_category,
            "category_column": self.category_column,
            "category_values": dict(self.category_values),
        }

    def category_of(self, values: Iterable[str]) -> CategoryFound:
        """The category a row's values of the category column name (split at , and ;).

        A value mapped in category_values means what it is mapped to; otherwise a category
        name or synonym means that category; any other value is unknown. Two categories in
        one row contradict each other."""
        found: dict[str, None] = {}
        unknown: list[str] = []
        for cell in values:
            for value in re.split(r"[,;]", cell):
                value = value.strip()
                if not value:
                    continue
                key = column_key(value)
                category = (
                    self.category_values[key]
                    if key in self.category_values
                    else category_named(value)
                )
                if category:
                    found[category] = None
                elif category is None and value not in unknown:
                    unknown.append(value)
        if len(found) > 1:
            labels = [WorkCategory(category).label for category in found]
            return CategoryFound(conflicting=labels, unknown=unknown)
        return CategoryFound(category=next(iter(found), None), unknown=unknown)


def category_values_of(value: object) -> dict[str, str]:
    """Value → category pairs from a dict, or "VALUE=CATEGORY" lines (a flag, a textarea)."""
    if isinstance(value, str):
        pairs = []
        for line in value.replace(";", "\n").splitlines():
            if not line.strip():
                continue
            text, equals, category = line.rpartition("=")
            if not equals or not text.strip():
                raise ValueError(
                    f"Category values: write {line.strip()!r} as VALUE=CATEGORY, e.g. "
                    "Tech debt=Scaling (VALUE= for no category)."
                )
            pairs.append((text, category))
    elif isinstance(value, Mapping):
        pairs = [
            (str(text), "" if category is None else str(category))
            for text, category in value.items()
        ]
    else:
        raise ValueError("Category values: give VALUE=CATEGORY pairs.")
    mapping: dict[str, str] = {}
    for text, category in pairs:
        mapping[column_key(text)] = category_choice(category, f"Category value {text.strip()!r}")
    return mapping


def category_values_text(mapping: Mapping[str, str]) -> str:
    """The pairs as the page's text box shows them, one VALUE=Category a line."""
    labels = dict(WorkCategory.choices)
    return "\n".join(f"{value}={labels.get(category, '')}" for value, category in mapping.items())


def category_column_note(found: CategoryFound | None, column: str, unknown: Counter[str]) -> str:
    """The row's note when its category column named no category ("" when it did, or was
    empty), counting the unknown values for the report's note."""
    if found is None or found.category is not None or not found.unknown:
        return ""
    unknown.update(found.unknown)
    listed = ", ".join(repr(value) for value in found.unknown[:5])
    return f"no work category in {column} ({listed})"


def note_unknown_categories(
    report: ImportReport, options: CommonOptions, unknown: Counter[str]
) -> None:
    """One note for the whole file: the category column's values that name no category."""
    if not unknown:
        return
    values = ", ".join(f"{value!r} ({count})" for value, count in unknown.most_common(20))
    more = f" and {len(unknown) - 20} more" if len(unknown) > 20 else ""
    fallback = (
        f"got the default category {WorkCategory(options.default_category).label}"
        if options.default_category
        else "got no category"
    )
    report.notes.append(
        f"These {options.category_column} values name no work category, so their rows "
        f"{fallback}: {values}{more}. Map them to categories in the import options "
        "(category values, e.g. Tech debt=Scaling) to use them."
    )
