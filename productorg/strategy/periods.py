"""Periods and quarters as the strategy writes them: "2027", "2027-H1", "2027-Q3".

Plain functions on strings: a quarter "YYYY-Qn" sorts as text in time order."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError

PERIOD_PATTERN = re.compile(r"^\d{4}(-(Q[1-4]|H[12]))?$")
QUARTER_PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")


def validate_period(value: str) -> None:
    if not PERIOD_PATTERN.match(value):
        raise ValidationError(
            f"{value!r} is not a period: write a year, a half or a quarter, "
            "such as 2027, 2027-H1 or 2027-Q1."
        )


def validate_quarter(value: str) -> None:
    if not QUARTER_PATTERN.match(value):
        raise ValidationError(f"{value!r} is not a quarter: write it like 2027-Q1.")


def quarter_of(day: datetime.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_index(quarter: str) -> int:
    """Quarters as consecutive numbers: the difference of two is how many quarters apart."""
    year, number = _parse_quarter(quarter)
    return year * 4 + number - 1


def quarter_add(quarter: str, count: int) -> str:
    """The quarter `count` quarters after (or, negative, before) `quarter`."""
    index = quarter_index(quarter) + count
    return f"{index // 4}-Q{index % 4 + 1}"


def quarter_span(start: str, count: int) -> list[str]:
    """`count` consecutive quarters from `start`."""
    return [quarter_add(start, offset) for offset in range(count)]


def quarters_between(first: str, last: str) -> list[str]:
    """Every quarter from `first` to `last`, both included ([] when last is before first)."""
    count = quarter_index(last) - quarter_index(first) + 1
    return quarter_span(first, max(count, 0))


def quarters_of_period(period: str) -> list[str]:
    """The quarters a period covers: four for a year, two for a half, one for a quarter."""
    validate_period(period)
    year, _, part = period.partition("-")
    if not part:
        return [f"{year}-Q{number}" for number in range(1, 5)]
    if part.startswith("H"):
        first = 1 if part == "H1" else 3
        return [f"{year}-Q{first}", f"{year}-Q{first + 1}"]
    return [period]


def quarter_dates(quarter: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a quarter."""
    year, number = _parse_quarter(quarter)
    first = datetime.date(year, 3 * number - 2, 1)
    following = quarter_add(quarter, 1)
    next_year, next_number = _parse_quarter(following)
    last = datetime.date(next_year, 3 * next_number - 2, 1) - datetime.timedelta(days=1)
    return first, last


def _parse_quarter(quarter: str) -> tuple[int, int]:
    match = QUARTER_PATTERN.match(quarter)
    if match is None:
        raise ValueError(f"{quarter!r} is not a quarter such as 2027-Q1")
    return int(match.group(1)), int(match.group(2))
