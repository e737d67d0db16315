"""Input formats for English (en and every variant, en-gb included: Django looks here first).

A widget renders its value in the first input format, and `<input type="date">` (also
datetime-local, time, month) takes only ISO values: with en-gb's `%d/%m/%Y` first, Chromium
showed every date field empty and the form failed with "This field is required". So ISO comes
first, and the British forms still follow, for what people type into text fields.
"""

from __future__ import annotations

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-07, what <input type="date"> sends and shows
    "%d/%m/%Y",  # 07/12/2026
    "%d/%m/%y",  # 07/12/26
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",  # 2026-12-07T14:30, what <input type="datetime-local"> sends and shows
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S.%f",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M:%S",
    "%d/%m/%y %H:%M:%S.%f",
    "%d/%m/%y %H:%M",
]
TIME_INPUT_FORMATS = [
    "%H:%M",  # 14:30, what <input type="time"> sends and shows
    "%H:%M:%S",
    "%H:%M:%S.%f",
]
