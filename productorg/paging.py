"""One way to cut a list into pages, for every paginated page of the app."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def page_of(items: Sequence[Any] | QuerySet, per_page: int, number: int | str | None) -> Page:
    """The page `number` of `items`, as the roadmap has always read it: a number that is not a
    page (`abc`, `0`, `-1`, none) is the first page, one past the end the last. (Django's
    get_page reads `0` and `-1` as past the end, so they showed the last page.)"""
    paginator = Paginator(items, per_page)
    try:
        wanted = int(str(number).strip())
    except ValueError:
        wanted = 1
    return paginator.page(min(max(wanted, 1), paginator.num_pages))
