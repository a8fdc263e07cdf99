"""The one source of "now", so tests and pure code can pass time in explicitly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Return the current time, timezone-aware, in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)
