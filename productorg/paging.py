"""One way to cut a list into pages, for every paginated page of the app."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import QuerySet
from django.http import Http404


def page_of(items: Sequence[Any] | QuerySet, per_page: int, number: int | str | None) -> Page:
    """The page `number` of `items` (the first without a number). A number that is not a page
    of the list (`abc`, `0`, `-1`, past the last) answers 404, as Django's ListView does,
    rather than quietly showing some other page under that address."""
    paginator = Paginator(items, per_page)
    if number is None or number == "":
        return paginator.page(1)
    try:
        return paginator.page(number)
    except InvalidPage as error:
        raise Http404(f"There is no page {number!s:.20} of this list.") from error
