"""Keyset pagination shared by admin list endpoints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, Protocol, Self, TypeVar

from pydantic import BaseModel

ItemT = TypeVar("ItemT")


class Keyed(Protocol):
    """A listed row: its id is the keyset cursor."""

    @property
    def id(self) -> int | str: ...


# The largest id an INTEGER primary key holds on PostgreSQL. A larger `after` cursor can match
# nothing, and the database refuses to compare a column with it (a 500 before this bound).
MAX_CURSOR = 2**31 - 1


class Page(BaseModel, Generic[ItemT]):
    """One page of items; pass `next_cursor` back as `after` to get the next page."""

    items: list[ItemT]
    next_cursor: str | None = None

    @classmethod
    def of(cls, items: list[ItemT], *, rows: Sequence[Keyed], limit: int) -> Self:
        """The page of `items` made from `rows`: a full page's cursor is its last row's id
        (a short page is the last one)."""
        next_cursor = str(rows[-1].id) if len(rows) == limit else None
        return cls(items=items, next_cursor=next_cursor)
