"""What every channel's handler works with: its own short sessions, the settings, a clock."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.kit.clock import Clock

# Senders use short sessions of their own: the worker records each attempt in another.
transaction = contextmanager(session_scope)


@dataclass(kw_only=True, eq=False, repr=False)
class Sender:
    """`read_factory` sessions only read (on SQLite: no writer lock, so a sender's reads never
    queue with the request handlers' writes); `session_factory` ones may write."""

    session_factory: sessionmaker[Session]
    read_factory: sessionmaker[Session]
    settings: Settings
    clock: Clock

    def __post_init__(self) -> None:
        """Derive what a channel needs from the settings, once (the mail sender's server)."""
