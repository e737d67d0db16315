"""What every page of the PM function shares: who may read and change it, and the URL
converter for its two documents."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse

from productorg.accounts.permissions import can_change_function, can_read_function
from productorg.function.models import DocumentKind


def readers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Leaders and PMs read the function's pages; to everyone else each is a 404."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_read_function(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


def leaders_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Leaders change the function; to everyone else each form and POST is a 404."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_change_function(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


class DocumentKindConverter:
    """`charter` or `vision` in a URL; any other word does not match (a 404)."""

    regex = "|".join(DocumentKind.values)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)
