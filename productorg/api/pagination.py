"""One pagination for every list: limit and offset, a page of at most 200."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
# Beyond any real list; it keeps the OFFSET within what the databases take as an integer.
MAX_OFFSET = 10_000_000


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=`; the answer is {"items": [...], "count": total}."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
