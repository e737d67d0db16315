"""Creates that happen once: a double-clicked submit or a retried API call makes one object.

Every create form carries a one-time token (`OnceForm`, a hidden `form_token` with a fresh
uuid4 each time the form is drawn); the API takes the same from an `Idempotency-Key` header.
The service stores it, scoped to the acting user, in the model's unique `form_token` column
(`form_token_field()`), and `create_once` gives back the object a token made instead of making
a second one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.db import IntegrityError, models, transaction

IDEMPOTENCY_KEY_MAX_LENGTH = 255

# Tokens are stored as uuid5(this, "<user id>:<token>"): one user's key never finds another
# user's object, even if they guess or copy it.
_NAMESPACE = uuid.UUID("0b1f3e0c-7f0e-4a51-9d43-6b9a4c6f3a10")


Tokened = TypeVar("Tokened", bound=models.Model)


def form_token_field() -> models.UUIDField:
    """The model column a create's token is kept in (empty for objects made otherwise)."""
    return models.UUIDField(null=True, blank=True, unique=True, editable=False)


def scoped_token(*, user_id: int | None, token: uuid.UUID | str | None) -> uuid.UUID | None:
    """The token as stored: the form's or the Idempotency-Key's, scoped to the acting user."""
    if token is None or token == "":
        return None
    return uuid.uuid5(_NAMESPACE, f"{user_id or 0}:{token}")


def created_before(
    model: type[Tokened], *, user_id: int | None, token: uuid.UUID | str | None
) -> Tokened | None:
    """The object the user's `token` made already, if any (for a service whose own checks
    would refuse the repeat, such as a version already moved on by the first)."""
    stored = scoped_token(user_id=user_id, token=token)
    if stored is None:
        return None
    return model._default_manager.filter(form_token=stored).first()


def create_once(
    model: type[Tokened],
    *,
    user_id: int | None,
    token: uuid.UUID | str | None,
    create: Callable[[uuid.UUID | None], Tokened],
) -> Tokened:
    """Run `create(stored_token)` unless the user's `token` made an object already; then (or on
    losing the race to a concurrent request with the same token) give back that object.

    `create` must store the token it is given in the object's `form_token`; without a token it
    simply creates. A constraint broken for another reason raises the `IntegrityError`.
    """
    existing = created_before(model, user_id=user_id, token=token)
    if existing is not None:
        return existing
    stored = scoped_token(user_id=user_id, token=token)
    try:
        with transaction.atomic():
            return create(stored)
    except IntegrityError:
        existing = (
            None if stored is None else model._default_manager.filter(form_token=stored).first()
        )
        if existing is None:
            raise
        return existing


def form_token_formfield() -> forms.UUIDField:
    """The hidden form field: a fresh uuid4 each time an unbound form is drawn, the posted one
    kept when a refused form is drawn again."""
    return forms.UUIDField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)


class _Repeats:
    def repeat_of(self, model: type[Tokened], *, user_id: int | None) -> Tokened | None:
        """The object this very submit made already, if it is a repeat. Ask before validating
        where the first submit changes what validation allows (a choice it took off a list)."""
        field = self.fields["form_token"]
        try:
            token = field.clean(
                field.widget.value_from_datadict(
                    self.data, self.files, self.add_prefix("form_token")
                )
            )
        except forms.ValidationError:
            return None
        return created_before(model, user_id=user_id, token=token)


class OnceForm(_Repeats, forms.Form):
    """A create form: the same submit twice (a double click, the browser's resend) creates one
    object. Its service takes `form_token` and passes it to `create_once`."""

    form_token = form_token_formfield()


class OnceModelForm(_Repeats, forms.ModelForm):
    """`OnceForm` for a model form."""

    form_token = form_token_formfield()
