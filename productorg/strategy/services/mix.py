"""Writes to the mix: balance dimensions and their values, mix targets, classifications.

Each service checks its whole input before it writes, raises ValidationError naming the
field at fault, and writes in one transaction: a refused change leaves nothing half-saved.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.text import slugify

from productorg import once
from productorg.limits import check_instance
from productorg.people.models import Team
from productorg.strategy.models import (
    BalanceDimension,
    Bucket,
    Classification,
    DimensionValue,
    Initiative,
    MixTarget,
    WorkCategory,
)
from productorg.strategy.periods import PERIOD_PATTERN, validate_period

if TYPE_CHECKING:
    from productorg.accounts.models import User

# The two built-in dimensions, as migration 0005 creates them: name, slug, field, order, values.
BUILTIN_DIMENSIONS = [
    ("Work category", "work-category", BalanceDimension.Field.CATEGORY, 1, WorkCategory.choices),
    ("Bucket", "bucket", BalanceDimension.Field.BUCKET, 2, Bucket.choices),
]
# What the board calls effort without a value on a dimension; no real value may take the name.
UNCLASSIFIED_KEY = "unclassified"
UNCLASSIFIED_LABEL = "Unclassified"
HUNDRED = Decimal(100)
MAX_TOLERANCE = Decimal(50)
ONE_PLACE = Decimal("0.1")


@transaction.atomic
def builtin_dimensions_ensure() -> list[BalanceDimension]:
    """Create the built-in dimensions and their values where missing; safe to call again."""
    dimensions = []
    for name, slug, field, order, choices in BUILTIN_DIMENSIONS:
        dimension, _ = BalanceDimension.objects.get_or_create(
            initiative_field=field, defaults={"name": name, "slug": slug, "order": order}
        )
        for position, (key, label) in enumerate(choices):
            DimensionValue.objects.get_or_create(
                dimension=dimension, key=key, defaults={"label": label, "order": position}
            )
        dimensions.append(dimension)
    return dimensions


def mix_shares_check(*, dimension: BalanceDimension, shares: Mapping[int, Decimal]) -> None:
    """Refuse shares that are not the dimension's values, not percentages with at most one
    decimal, or do not add up to 100 %. Raises ValidationError on the field `shares`."""
    labels = dict(dimension.values.values_list("pk", "label"))
    strangers = [value_id for value_id in shares if value_id not in labels]
    if strangers:
        raise ValidationError({"shares": f"Shares name values that are not {dimension}'s."})
    for value_id, share in shares.items():
        if share is None or not (0 <= share <= HUNDRED):
            raise ValidationError(
                {"shares": f"Shares: {labels[value_id]} must be between 0 and 100 %."}
            )
        if share != share.quantize(ONE_PLACE):
            raise ValidationError(
                {"shares": f"Shares: {labels[value_id]} may have one decimal place at most."}
            )
    total = sum(shares.values(), Decimal(0))
    if total != HUNDRED:
        raise ValidationError(
            {"shares": f"Shares add up to {_percent(total)} %; they must add up to 100 %."}
        )


@transaction.atomic
def mix_targets_set(
    *,
    dimension: BalanceDimension,
    team: Team | None,
    period: str,
    shares: Mapping[int, Decimal],
    tolerance: Decimal,
) -> list[MixTarget]:
    """Replace the mix targets of one scope (the org when `team` is None) and period: a share
    per value of the dimension (a value left out gets 0 %), one tolerance for them all.

    Raises ValidationError naming `period`, `tolerance` or `shares`; nothing is saved then."""
    try:
        validate_period(period)
    except ValidationError as error:
        raise ValidationError({"period": error.messages}) from error
    # validate_period's pattern lets a trailing newline through.
    if not PERIOD_PATTERN.fullmatch(period):
        raise ValidationError({"period": f"{period!r} is not a period such as 2027-H1."})
    if tolerance is None or not (0 <= tolerance <= MAX_TOLERANCE):
        raise ValidationError({"tolerance": "The tolerance is between 0 and 50 points."})
    if tolerance != tolerance.quantize(ONE_PLACE):
        raise ValidationError({"tolerance": "The tolerance may have one decimal place at most."})
    value_ids = list(dimension.values.values_list("pk", flat=True))
    complete = {value_id: Decimal(0) for value_id in value_ids}
    mix_shares_check(dimension=dimension, shares=shares)
    complete.update(shares)
    MixTarget.objects.filter(dimension=dimension, team=team, period=period).delete()
    return MixTarget.objects.bulk_create(
        MixTarget(
            dimension=dimension,
            value_id=value_id,
            team=team,
            period=period,
            share=share,
            tolerance=tolerance,
        )
        for value_id, share in complete.items()
    )


@transaction.atomic
def mix_targets_clear(*, dimension: BalanceDimension, team: Team | None, period: str) -> int:
    """Remove one scope's targets for a period; a team then falls back to the org's."""
    deleted, _ = MixTarget.objects.filter(dimension=dimension, team=team, period=period).delete()
    return deleted


@transaction.atomic
def classification_set(
    *, initiative: Initiative, dimension: BalanceDimension, value: DimensionValue | None
) -> Classification | None:
    """Put an initiative on a value of a leader's own dimension, or (None) take it off.

    Built-in dimensions read the initiative's own category and bucket, so they refuse this."""
    if dimension.is_builtin:
        raise ValidationError(
            {"dimension": f"{dimension} is read from the initiative itself; edit the initiative."}
        )
    if value is None:
        Classification.objects.filter(initiative=initiative, dimension=dimension).delete()
        return None
    if value.dimension_id != dimension.pk:
        raise ValidationError({"value": f"{value} is not a value of {dimension}."})
    classification, _ = Classification.objects.update_or_create(
        initiative=initiative, dimension=dimension, defaults={"value": value}
    )
    return classification


@transaction.atomic
def dimension_create(
    *,
    name: str,
    description: str = "",
    values: Sequence[str],
    user: User | None = None,
    form_token: uuid.UUID | str | None = None,
) -> BalanceDimension:
    """A leader's own balance dimension with its values, in the order given; the same form
    token twice gives back the first.

    Raises ValidationError naming `name` or `values`."""

    def create(stored_token: uuid.UUID | None) -> BalanceDimension:
        # Checked only for a new token: a repeat would find its own name taken.
        checked_name = _name_check(name, dimension=None)
        labels = _labels_check(list(values))
        dimension = BalanceDimension(
            name=checked_name,
            slug=_unique_slug(checked_name),
            description=description.strip(),
            initiative_field=None,
            form_token=stored_token,
        )
        check_instance(dimension)
        dimension.full_clean()
        dimension.save()
        keys: set[str] = set()
        DimensionValue.objects.bulk_create(
            DimensionValue(
                dimension=dimension, key=_unique_key(label, keys), label=label, order=order
            )
            for order, label in enumerate(labels)
        )
        return dimension

    return once.create_once(
        BalanceDimension, user_id=user and user.pk, token=form_token, create=create
    )


@dataclass(frozen=True)
class ValueInUse:
    label: str
    initiatives: int
    targets: int

    def __str__(self) -> str:
        parts = []
        if self.initiatives:
            parts.append(f"{self.initiatives} initiative{'s' if self.initiatives != 1 else ''}")
        if self.targets:
            parts.append(f"{self.targets} mix target{'s' if self.targets != 1 else ''}")
        return f"{self.label} ({' and '.join(parts)})"


@transaction.atomic
def dimension_update(
    *,
    dimension: BalanceDimension,
    name: str,
    description: str,
    values: Sequence[tuple[int | None, str]],
    delete_values_in_use: bool = False,
) -> BalanceDimension:
    """Rename a dimension and rewrite its values: `values` is the list wanted, as (id, label)
    for a value kept (perhaps renamed) and (None, label) for a new one; a value left out is
    deleted. A value in use (classified initiatives, a target above 0 %) is deleted only with
    `delete_values_in_use`: its initiatives become unclassified and every scope with a target
    above 0 % on it loses that period's targets, which would no longer add up to 100 %.
    A built-in dimension changes its description only.

    Raises ValidationError naming `name` or `values`."""
    if dimension.is_builtin:
        current = list(dimension.values.values_list("pk", "label"))
        if name.strip() != dimension.name or [tuple(value) for value in values] != current:
            raise ValidationError(
                {"name": f"{dimension} is built in: only its description can change."}
            )
        dimension.description = description.strip()
        dimension.save(update_fields=["description"])
        return dimension
    name = _name_check(name, dimension=dimension)
    labels = _labels_check([label for _, label in values])
    existing = {value.pk: value for value in dimension.values.all()}
    kept_ids = {value_id for value_id, _ in values if value_id is not None}
    if kept_ids - existing.keys():
        raise ValidationError({"values": f"A value given is not one of {dimension}'s."})
    removed = [value for pk, value in existing.items() if pk not in kept_ids]
    in_use = _values_in_use(removed)
    if in_use and not delete_values_in_use:
        listed = "; ".join(str(usage) for usage in in_use)
        raise ValidationError(
            {
                "values": f"Values in use would be deleted: {listed}. Keep them, or confirm "
                "that their classifications and the targets of their scopes go with them."
            }
        )
    if removed:
        # A scope that wanted some effort on a value going away no longer adds up to 100 %.
        scopes = MixTarget.objects.filter(value__in=removed, share__gt=0).values_list(
            "team_id", "period"
        )
        for team_id, period in set(scopes):
            MixTarget.objects.filter(dimension=dimension, team_id=team_id, period=period).delete()
        DimensionValue.objects.filter(pk__in=[value.pk for value in removed]).delete()
    dimension.name = name
    dimension.description = description.strip()
    check_instance(dimension)
    dimension.full_clean()
    dimension.save(update_fields=["name", "description"])
    # Labels are unique per dimension: park the kept ones first so a swap of two names works.
    kept = [existing[value_id] for value_id, _ in values if value_id is not None]
    for value in kept:
        value.label = f"(renaming {value.pk})"
    DimensionValue.objects.bulk_update(kept, ["label"])
    keys = {value.key for value in kept}
    new_values = []
    for order, ((value_id, _), label) in enumerate(zip(values, labels, strict=True)):
        if value_id is None:
            new_values.append(
                DimensionValue(
                    dimension=dimension, key=_unique_key(label, keys), label=label, order=order
                )
            )
        else:
            existing[value_id].label, existing[value_id].order = label, order
    DimensionValue.objects.bulk_update(kept, ["label", "order"])
    DimensionValue.objects.bulk_create(new_values)
    return dimension


def _values_in_use(values: Sequence[DimensionValue]) -> list[ValueInUse]:
    if not values:
        return []
    counted = DimensionValue.objects.filter(pk__in=[value.pk for value in values]).annotate(
        initiatives=Count("classifications", distinct=True),
        targets=Count("mix_targets", filter=Q(mix_targets__share__gt=0), distinct=True),
    )
    return [
        ValueInUse(value.label, value.initiatives, value.targets)
        for value in counted.order_by("order", "label")
        if value.initiatives or value.targets
    ]


def _name_check(name: str, *, dimension: BalanceDimension | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the dimension a name."})
    if len(name) > 100:
        raise ValidationError({"name": "The name is 100 characters at most."})
    if not slugify(name):
        raise ValidationError({"name": "The name needs a letter or a digit."})
    others = BalanceDimension.objects.exclude(pk=dimension.pk if dimension else None)
    if others.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a dimension called {name}."})
    return name


def _labels_check(labels: list[str]) -> list[str]:
    cleaned = [" ".join(label.split()) for label in labels]
    if any(not label for label in cleaned):
        raise ValidationError({"values": "Every value needs a name."})
    if len(cleaned) < 2:
        raise ValidationError({"values": "Give the dimension two values at least."})
    if len(cleaned) > 12:
        raise ValidationError({"values": "A dimension has 12 values at most: a row of faders."})
    for label in cleaned:
        if len(label) > 100:
            raise ValidationError({"values": f"{label[:30]}…: a value is 100 characters at most."})
        if label.casefold() == UNCLASSIFIED_LABEL.casefold():
            raise ValidationError(
                {
                    "values": f"{UNCLASSIFIED_LABEL} is what the board calls initiatives "
                    "without a value; choose another name."
                }
            )
    seen: set[str] = set()
    for label in cleaned:
        if label.casefold() in seen:
            raise ValidationError({"values": f"{label} is given twice."})
        seen.add(label.casefold())
    return cleaned


def _unique_slug(name: str) -> str:
    base = slugify(name)[:90]
    taken = set(
        BalanceDimension.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _unique_key(label: str, taken: set[str]) -> str:
    base = slugify(label)[:56] or "value"
    key, number = base, 2
    while key in taken or key == UNCLASSIFIED_KEY:
        key, number = f"{base}-{number}", number + 1
    taken.add(key)
    return key


def _percent(number: Decimal) -> str:
    return f"{number.normalize():f}"
