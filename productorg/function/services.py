"""Writes of the PM function's pages: new versions of the charter and vision, the process
catalog and the improvement backlog.

Every service takes the acting user and checks the rule again (`can_change_function`),
whatever the face checked: a user who may not change the function gets `FunctionNotAllowed`
(faces answer 404). Bad input raises `FunctionError` whose `field` names the input at fault;
a document save based on a version someone else has replaced raises `StaleDocument`.
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from productorg import once
from productorg.accounts import permissions
from productorg.function.models import FunctionDocumentVersion, Improvement, Process
from productorg.limits import check_instance
from productorg.people.models import Person

if TYPE_CHECKING:
    from productorg.accounts.models import User


class FunctionError(Exception):
    """Input the rules refuse; the message is for the user, `field` names the input."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class FunctionNotAllowed(FunctionError):
    """The user may not change the PM function (faces answer 404)."""

    def __init__(self, message: str = "You may not change the PM function.") -> None:
        super().__init__(message)


class StaleDocument(FunctionError):
    """Someone saved a newer version since the user opened the editor; `current` is it."""

    def __init__(self, current: FunctionDocumentVersion, *, me: Person | None = None) -> None:
        what = f"Version {current.number} of the {current.get_kind_display().lower()}"
        if me is not None and current.author_id == me.pk:
            # Their own save from another tab, or from this page before Back: not a rival.
            at = timezone.localtime(current.created_at).strftime("%H:%M")
            message = (
                f"You saved {what[0].lower()}{what[1:]} in another tab or window at {at}, so "
                "this text, edited from an older version, was not saved. It is kept below: "
                "compare it with what you saved, then save again to make it the next version."
            )
        else:
            author = f" by {current.author.name}" if current.author else ""
            message = (
                f"{what} was saved{author} while you were editing, so your text was not saved. "
                "Your text is kept below: compare it with theirs, then save again to make yours "
                "the next version."
            )
        super().__init__(message, field="body")
        self.current = current


def _require_leader(user: User) -> None:
    if not permissions.can_change_function(user):
        raise FunctionNotAllowed


def _checked(instance: models.Model) -> None:
    """The model's own validation, as a FunctionError naming the first field at fault."""
    try:
        # full_clean leaves a TextField's max_length out: check_instance holds it.
        check_instance(instance)
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise FunctionError(messages[0], field=name) from None


# Documents.


def document_save(
    *,
    user: User,
    kind: str,
    body: str,
    based_on: int,
    form_token: uuid.UUID | str | None = None,
) -> tuple[FunctionDocumentVersion, bool]:
    """Save `body` as the next version of the charter or vision, if it changed; gives the
    current version and whether this save made it.

    `based_on` is the number of the version the editor started from (0: none yet). A save
    whose text differs from the current version and that was not based on it is refused with
    StaleDocument; two saves racing for the same next number meet the unique constraint,
    and the loser is refused the same way. The same form token twice gives back the version the
    first made, as made by this save.
    """
    _require_leader(user)
    earlier = once.created_before(FunctionDocumentVersion, user_id=user.pk, token=form_token)
    if earlier is not None:
        return earlier, True
    body = body.strip()
    if not body:
        raise FunctionError("Write the text, or leave the page without saving.", field="body")
    current = FunctionDocumentVersion.objects.select_related("author").filter(kind=kind).first()
    if current is not None and current.body == body:
        return current, False
    current_number = current.number if current else 0
    if based_on != current_number:
        if current is None:
            raise FunctionError(
                "The version you edited no longer exists; reload the page.", field="body"
            )
        raise StaleDocument(current, me=permissions.person_of(user))
    version = FunctionDocumentVersion(
        kind=kind,
        number=current_number + 1,
        body=body,
        author=permissions.person_of(user),
        form_token=once.scoped_token(user_id=user.pk, token=form_token),
    )
    _checked(version)
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:
        latest = FunctionDocumentVersion.objects.select_related("author").filter(kind=kind).first()
        if latest is None:
            raise FunctionError("This could not be saved; try again.", field="body") from None
        raise StaleDocument(latest, me=permissions.person_of(user)) from None
    return version, True


# Processes.


def process_create(
    *,
    user: User,
    name: str,
    purpose: str = "",
    owner: Person | None = None,
    link: str = "",
    last_reviewed: datetime.date | None = None,
    health: str = Process.Health.HEALTHY,
    notes: str = "",
    form_token: uuid.UUID | str | None = None,
) -> Process:
    """Add a process to the catalog; the same form token twice gives back the first."""
    _require_leader(user)
    earlier = once.created_before(Process, user_id=user.pk, token=form_token)
    if earlier is not None:
        return earlier
    return _process_save(
        Process(form_token=once.scoped_token(user_id=user.pk, token=form_token)),
        name=name,
        purpose=purpose,
        owner=owner,
        link=link,
        last_reviewed=last_reviewed,
        health=health,
        notes=notes,
    )


def process_update(
    *,
    user: User,
    process: Process,
    name: str,
    purpose: str = "",
    owner: Person | None = None,
    link: str = "",
    last_reviewed: datetime.date | None = None,
    health: str = Process.Health.HEALTHY,
    notes: str = "",
) -> Process:
    """Change a process of the catalog (every field, as the form shows them)."""
    _require_leader(user)
    return _process_save(
        process,
        name=name,
        purpose=purpose,
        owner=owner,
        link=link,
        last_reviewed=last_reviewed,
        health=health,
        notes=notes,
    )


def _process_save(process: Process, **values) -> Process:
    values["name"] = values["name"].strip()
    if not values["name"]:
        raise FunctionError("Give the process a name.", field="name")
    for column, value in values.items():
        setattr(process, column, value)
    _checked(process)
    if Process.objects.filter(name__iexact=process.name).exclude(pk=process.pk).exists():
        raise FunctionError(f"A process named {process.name!r} exists already.", field="name")
    try:
        with transaction.atomic():
            process.save()
    except IntegrityError:
        raise FunctionError(
            f"A process named {process.name!r} exists already.", field="name"
        ) from None
    return process


def process_delete(*, user: User, process: Process) -> None:
    """Take a process out of the catalog; its improvements stay, unlinked."""
    _require_leader(user)
    process.delete()


# Improvements.


def improvement_create(
    *,
    user: User,
    title: str,
    kind: str = Improvement.Kind.PROCESS,
    status: str = Improvement.Status.IDEA,
    quarter: str = "",
    owner: Person | None = None,
    description: str = "",
    process: Process | None = None,
    form_token: uuid.UUID | str | None = None,
) -> Improvement:
    """Add an item to the function's improvement backlog (on its roadmap if it has a quarter);
    the same form token twice gives back the first."""
    _require_leader(user)
    earlier = once.created_before(Improvement, user_id=user.pk, token=form_token)
    if earlier is not None:
        return earlier
    return _improvement_save(
        Improvement(form_token=once.scoped_token(user_id=user.pk, token=form_token)),
        title=title,
        kind=kind,
        status=status,
        quarter=quarter,
        owner=owner,
        description=description,
        process=process,
    )


def improvement_update(
    *,
    user: User,
    improvement: Improvement,
    title: str,
    kind: str = Improvement.Kind.PROCESS,
    status: str = Improvement.Status.IDEA,
    quarter: str = "",
    owner: Person | None = None,
    description: str = "",
    process: Process | None = None,
) -> Improvement:
    """Change an item of the improvement backlog (every field, as the form shows them)."""
    _require_leader(user)
    return _improvement_save(
        improvement,
        title=title,
        kind=kind,
        status=status,
        quarter=quarter,
        owner=owner,
        description=description,
        process=process,
    )


def _improvement_save(improvement: Improvement, **values) -> Improvement:
    values["title"] = values["title"].strip()
    values["quarter"] = values["quarter"].strip().upper()
    if not values["title"]:
        raise FunctionError("Give the improvement a title.", field="title")
    for column, value in values.items():
        setattr(improvement, column, value)
    _checked(improvement)
    improvement.save()
    return improvement


def improvement_delete(*, user: User, improvement: Improvement) -> None:
    """Take an item off the improvement backlog (to keep it on record, mark it dropped)."""
    _require_leader(user)
    improvement.delete()
