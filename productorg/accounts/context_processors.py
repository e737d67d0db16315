from __future__ import annotations

from django.http import HttpRequest

from productorg.accounts import permissions


def role(request: HttpRequest) -> dict:
    """The signed-in user's role and person, and what the navigation bar may offer them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "role": None,
            "me": None,
            "can_plan": False,
            "can_read_function": False,
            "can_import": False,
        }
    return {
        "role": permissions.role_of(user),
        "me": permissions.person_of(user),
        "can_plan": permissions.can_plan(user),
        "can_read_function": permissions.can_read_function(user),
        "can_import": permissions.can_import_initiatives(user)
        or permissions.can_import_people(user),
    }
