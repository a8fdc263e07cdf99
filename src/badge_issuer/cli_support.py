"""What every CLI command shares: a migrated database session and stderr messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.orm import Session

from badge_issuer import migrate
from badge_issuer.config import Settings, get_settings
from badge_issuer.db import create_db_engine, make_session_factory, session_scope


def say(message: str) -> None:
    """Messages for people go to stderr; stdout carries only results (and secrets, once)."""
    typer.echo(message, err=True)


@contextmanager
def open_session(settings: Settings | None = None) -> Iterator[Session]:
    """Upgrade the database if needed, then yield one session committed at the end."""
    settings = settings or get_settings()
    migrate.upgrade(settings.database_url)
    engine = create_db_engine(settings.database_url)
    try:
        yield from session_scope(make_session_factory(engine))
    finally:
        engine.dispose()
