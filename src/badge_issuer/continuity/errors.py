"""The one error every continuity command reports as a single line (exit status 1)."""

from __future__ import annotations


class ContinuityError(RuntimeError):
    """A backup, restore, copy or export that cannot proceed; the message says why."""
