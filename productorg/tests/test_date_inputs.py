"""Every date, datetime, time and month input in the app shows a value browsers accept.

`<input type="date">` takes only `yyyy-mm-dd`; a value in any other form (en-gb's
`07/12/2026`) shows an empty field, and a required date then fails with "This field is
required" though the user never touched it.
"""

from __future__ import annotations

import datetime
import importlib
import pkgutil
import re

from django import forms

import productorg
from productorg.strategy.forms import StatusUpdateForm

# The value each browser input type accepts (HTML's "valid ... string" for the type).
ISO_VALUE = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "datetime-local": re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"),
    "time": re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?"),
    "month": re.compile(r"\d{4}-\d{2}"),
}
SAMPLE = {
    forms.DateTimeField: datetime.datetime(2026, 12, 7, 14, 30, tzinfo=datetime.UTC),
    forms.DateField: datetime.date(2026, 12, 7),
    forms.TimeField: datetime.time(14, 30),
}
INPUT = re.compile(r"<input\b[^>]*>")


def date_inputs(html: str) -> list[tuple[str, str]]:
    """(type, value) of every date-like input in `html`."""
    found = []
    for tag in INPUT.findall(html):
        kind = re.search(r'\btype="([^"]+)"', tag)
        if kind and kind.group(1) in ISO_VALUE:
            value = re.search(r'\bvalue="([^"]*)"', tag)
            found.append((kind.group(1), value.group(1) if value else ""))
    return found


def project_forms() -> list[type[forms.BaseForm]]:
    """Every form class the project defines, from every module with forms in its name."""
    for module in pkgutil.walk_packages(productorg.__path__, "productorg."):
        if "forms" in module.name.rsplit(".", 1)[-1] and ".tests" not in module.name:
            importlib.import_module(module.name)
    found, pending = [], [forms.BaseForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith("productorg."):
                found.append(subclass)
    return found


def test_every_date_like_input_of_every_form_renders_an_iso_value():
    rendered = []
    for form_class in project_forms():
        for name, field in form_class.base_fields.items():
            sample = next((v for kind, v in SAMPLE.items() if isinstance(field, kind)), None)
            if sample is None:
                continue
            html = field.widget.render(name, sample)
            for kind, value in date_inputs(html):
                rendered.append(f"{form_class.__name__}.{name}")
                assert ISO_VALUE[kind].fullmatch(value), (
                    f"{form_class.__module__}.{form_class.__name__}.{name} renders "
                    f'<input type="{kind}" value="{value}">: the browser shows it empty'
                )
    # The status update form (the one users hit) and the others are really checked.
    assert "StatusUpdateForm.date" in rendered
    assert len(rendered) >= 5


def test_the_status_update_form_shows_today_as_the_browser_needs_it():
    form = StatusUpdateForm(initial={"date": datetime.date(2026, 12, 7)})
    assert date_inputs(str(form["date"])) == [("date", "2026-12-07")]


def test_a_date_typed_the_british_way_is_still_understood():
    for typed in ("2026-12-07", "07/12/2026", "07/12/26"):
        form = StatusUpdateForm(
            {"date": typed, "health": "green", "progress": 10, "summary": "On track"}
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["date"] == datetime.date(2026, 12, 7)
