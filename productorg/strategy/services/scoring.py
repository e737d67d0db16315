"""Writes of leaders' own scoring models; the formula is checked before anything is saved."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from productorg import once
from productorg.limits import check_instance
from productorg.people.models import Person
from productorg.strategy import scoring
from productorg.strategy.models import ScoringModel

if TYPE_CHECKING:
    from productorg.accounts.models import User


def _check(*, name: str, formula: str, exclude_id: int | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    builtin_names = {spec.name.casefold() for spec in scoring.BUILTIN_MODELS}
    taken = ScoringModel.objects.filter(name__iexact=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if name.casefold() in builtin_names:
        errors["name"] = [f"{name} is the name of a built-in model; choose another."]
    elif taken.exists():
        errors["name"] = [f"A scoring model named {name} exists already; choose another name."]
    try:
        scoring.formula_validate(formula)
    except ValidationError as error:
        errors["formula"] = error.messages
    return errors


@transaction.atomic
def scoring_model_create(
    *,
    name: str,
    formula: str,
    description: str = "",
    author: Person | None,
    user: User | None = None,
    form_token: uuid.UUID | str | None = None,
) -> ScoringModel:
    """Save a leader's own scoring model; the same form token twice gives back the first.

    Raises ValidationError on `name` (taken) or `formula` (cannot be used)."""
    name, formula = name.strip(), formula.strip()

    def create(stored_token: uuid.UUID | None) -> ScoringModel:
        # Checked only for a new token: a repeat would find its own name taken.
        errors = _check(name=name, formula=formula)
        if errors:
            raise ValidationError(errors)
        scoring_model = ScoringModel(
            name=name,
            formula=formula,
            description=description.strip(),
            author=author,
            form_token=stored_token,
        )
        check_instance(scoring_model)
        scoring_model.full_clean()
        scoring_model.save()
        return scoring_model

    return once.create_once(ScoringModel, user_id=user and user.pk, token=form_token, create=create)


@transaction.atomic
def scoring_model_update(
    *, scoring_model: ScoringModel, name: str, formula: str, description: str = ""
) -> ScoringModel:
    """Change a scoring model's name, formula or description; checked as on create."""
    name, formula = name.strip(), formula.strip()
    errors = _check(name=name, formula=formula, exclude_id=scoring_model.pk)
    if errors:
        raise ValidationError(errors)
    scoring_model.name = name
    scoring_model.formula = formula
    scoring_model.description = description.strip()
    check_instance(scoring_model)
    scoring_model.full_clean()
    scoring_model.save()
    return scoring_model


@transaction.atomic
def scoring_model_delete(*, scoring_model: ScoringModel) -> None:
    """Remove a scoring model; rankings by it fall back to the default model."""
    scoring_model.delete()
