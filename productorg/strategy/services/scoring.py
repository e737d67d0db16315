"""Writes of leaders' own scoring models; the formula is checked before anything is saved."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from productorg.people.models import Person
from productorg.strategy import scoring
from productorg.strategy.models import ScoringModel


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
    *, name: str, formula: str, description: str = "", author: Person | None
) -> ScoringModel:
    """Save a leader's own scoring model.

    Raises ValidationError on `name` (taken) or `formula` (cannot be used)."""
    name, formula = name.strip(), formula.strip()
    errors = _check(name=name, formula=formula)
    if errors:
        raise ValidationError(errors)
    scoring_model = ScoringModel(
        name=name, formula=formula, description=description.strip(), author=author
    )
    scoring_model.full_clean()
    scoring_model.save()
    return scoring_model


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
    scoring_model.full_clean()
    scoring_model.save()
    return scoring_model


@transaction.atomic
def scoring_model_delete(*, scoring_model: ScoringModel) -> None:
    """Remove a scoring model; rankings by it fall back to the default model."""
    scoring_model.delete()
