"""Text limits: each text field's one limit is its model field's `max_length`.

Forms (`max_length=limit(...)`), API schemas and importers read the limit from the model, and
services check it with `too_long`/`check_lengths` before they write, so a text too long for
its field is refused the same way on every path: a page, the API, an import, the CLI. A
TextField's `max_length` is enforced by neither Django's model validation nor the database,
which is why the services check it here rather than rely on `full_clean`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django.db import models


def limit(model: type[models.Model], field: str) -> int:
    """The most characters `model.field` takes (its `max_length`)."""
    max_length = model._meta.get_field(field).max_length
    if max_length is None:
        raise LookupError(f"{model.__name__}.{field} declares no max_length")
    return max_length


def too_long_message(*, label: str, length: int, max_length: int) -> str:
    """The one way a too-long text is reported: the field, its length and its limit."""
    return f"{label} is {length:,} characters long; at most {max_length:,} fit."


def too_long(model: type[models.Model], values: Mapping[str, object]) -> tuple[str, str] | None:
    """The first of `values` (field name → text) longer than its field takes, as (field,
    message); None when all fit. A value that is not a string is left to other checks."""
    for field, value in values.items():
        if not isinstance(value, str):
            continue
        max_length = limit(model, field)
        if len(value) > max_length:
            label = str(model._meta.get_field(field).verbose_name).capitalize()
            return field, too_long_message(label=label, length=len(value), max_length=max_length)
    return None


def check_lengths(model: type[models.Model], values: Mapping[str, object]) -> None:
    """Raise ValidationError keyed by the field when a text is longer than its field takes."""
    problem = too_long(model, values)
    if problem is not None:
        field, message = problem
        raise ValidationError({field: message})


def check_instance(instance: models.Model) -> None:
    """`check_lengths` over every text field of `instance` that declares a limit: what
    `full_clean` leaves out for a TextField."""
    values = {
        field.name: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if getattr(field, "max_length", None) is not None
        and isinstance(getattr(instance, field.attname), str)
    }
    check_lengths(type(instance), values)
