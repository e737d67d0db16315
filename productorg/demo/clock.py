"""Moments of the demo: a day counted from the demo's "today" at an hour of that day, but
never after the moment the demo is loaded.

Every demo module stamps its rows this way. A fixed hour added to today's date lies in the
future for anyone loading the demo before that hour: a report "made 16:00" at 15:30.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time


def end_of_day(day: date) -> datetime:
    """The last moment of `day`: the loading moment when only a date is given (tests)."""
    return datetime.combine(day, time.max, tzinfo=UTC)


def moment(day: date, hour: int, *, now: datetime) -> datetime:
    """`day` at `hour` o'clock (UTC), or `now` when that moment is still to come."""
    return min(datetime.combine(day, time(hour), tzinfo=UTC), now)
