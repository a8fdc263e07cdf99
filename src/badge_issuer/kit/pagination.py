"""Keyset pagination shared by admin list endpoints."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    """One page of items; pass `next_cursor` back as `after` to get the next page."""

    items: list[ItemT]
    next_cursor: str | None = None
