"""What every `productorg` subcommand shares: messages on stderr, users named by --as."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from productorg.accounts.models import User


def say(message: str) -> None:
    """A message for the person at the terminal, on stderr, so stdout stays the output."""
    typer.echo(message, err=True)


def active_user_named(username: str) -> User | None:
    """The active user with this username (for --as), or None. Needs Django set up."""
    from productorg.accounts.models import User

    return User.objects.filter(username=username, is_active=True).first()
