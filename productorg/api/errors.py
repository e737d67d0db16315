"""How the API answers a refusal: JSON {"detail": "...", "field": "..."} with a 4xx status.

Services raise their own domain exceptions; this is the one place that maps them to statuses,
so every endpoint answers the same refusal the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja.errors import AuthenticationError

from productorg.accounts.services import ApiTokenRejected
from productorg.middleware import api_too_large_detail
from productorg.people.services.growth import (
    AssessmentLocked,
    GrowthError,
    GrowthNotAllowed,
    StaleGrowthPlan,
)
from productorg.people.services.one_on_ones import OneOnOneClosed, OneOnOneNotFound
from productorg.planning.services import PlanningError, PlanNotApplicable, PlanRunActive
from productorg.strategy.services.editing import EditingError, EditingNotAllowed, StaleEdit

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse
    from ninja import NinjaAPI

NOT_FOUND = "Not found."
UNAUTHENTICATED = (
    "Authentication required: send 'Authorization: Bearer <token>' with a personal API token "
    "(made on your profile page), or sign in."
)


class ApiInputError(Exception):
    """Input that passed the schema but names nothing (an unknown id, say): a 400."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ApiNotAllowed(Exception):
    """A change the user may not make to something they may see, where the service behind
    the endpoint takes no acting user to refuse it itself: a 403."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _body(detail: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, **({"field": field} if field else {}), **extra}


def _django_validation(error: DjangoValidationError) -> dict[str, Any]:
    """The first message of a model or service ValidationError, naming its field."""
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.message_dict.items()))
        return _body(errors[0], None if field == "__all__" else field)
    return _body(error.messages[0])


def _stale_body(error: StaleEdit | StaleGrowthPlan) -> dict[str, Any]:
    return _body(error.message, current_version=error.current.version)


# Most specific first does not matter: ninja picks the handler of the nearest class in the MRO.
def _handlers() -> dict[type[Exception], tuple[int | None, Callable[[Any], dict[str, Any]]]]:
    return {
        ApiTokenRejected: (None, lambda error: _body(error.message)),
        AuthenticationError: (401, lambda error: _body(UNAUTHENTICATED)),
        Http404: (404, lambda error: _body(NOT_FOUND)),
        ObjectDoesNotExist: (404, lambda error: _body(NOT_FOUND)),
        OneOnOneNotFound: (404, lambda error: _body(NOT_FOUND)),
        OneOnOneClosed: (403, lambda error: _body(error.message)),
        ApiInputError: (400, lambda error: _body(error.message, error.field)),
        ApiNotAllowed: (403, lambda error: _body(error.message)),
        DjangoValidationError: (400, _django_validation),
        # Django's own limits, met where the middleware's Content-Length check could not see
        # them; otherwise they would leave the API as the site's HTML 400 page.
        RequestDataTooBig: (
            413,
            lambda error: _body(api_too_large_detail(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)),
        ),
        TooManyFieldsSent: (400, lambda error: _body(str(error))),
        TooManyFilesSent: (400, lambda error: _body(str(error))),
        EditingError: (400, lambda error: _body(error.message, error.field)),
        EditingNotAllowed: (403, lambda error: _body(error.message)),
        StaleEdit: (409, _stale_body),
        GrowthError: (400, lambda error: _body(error.message, error.field)),
        GrowthNotAllowed: (403, lambda error: _body(error.message, error.field)),
        AssessmentLocked: (409, lambda error: _body(error.message)),
        StaleGrowthPlan: (409, _stale_body),
        PlanningError: (400, lambda error: _body(error.message, error.field)),
        PlanRunActive: (409, lambda error: _body(error.message)),
        PlanNotApplicable: (409, lambda error: _body(error.message)),
    }


def exception_handlers_add(api: NinjaAPI) -> None:
    """Answer each domain refusal with its status and a JSON reason."""
    for exception, (status, body) in _handlers().items():

        def handle(
            request: HttpRequest,
            error: Exception,
            status: int | None = status,
            body: Callable[[Any], dict[str, Any]] = body,
        ) -> HttpResponse:
            code = status if status is not None else error.status  # type: ignore[attr-defined]
            return api.create_response(request, body(error), status=code)

        api.add_exception_handler(exception, handle)
