"""Keyset pagination shared by admin list endpoints."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

ItemT = TypeVar("ItemT")

# The largest id an INTEGER primary key holds on PostgreSQL. A larger `after` cursor can match
# nothing, and the database refuses to compare a column with it (a 500 before this bound).
MAX_CURSOR = 2**31 - 1


class Page(BaseModel, Generic[ItemT]):
    """One page of items; pass `next_cursor` back as `after` to get the next page."""

    items: list[ItemT]
    next_cursor: str | None = None
