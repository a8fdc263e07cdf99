"""The base of every inbound request schema."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class InboundSchema(BaseModel):
    """Request bodies: unknown fields are errors, surrounding whitespace is dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
