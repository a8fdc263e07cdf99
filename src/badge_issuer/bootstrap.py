"""First-start preparation run by `serve` after migrations: each domain adds its step here."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine, make_session_factory, session_scope

BootstrapStep = Callable[[Session, Settings], None]
_steps: list[BootstrapStep] = []


def register(step: BootstrapStep) -> BootstrapStep:
    """Add an idempotent first-start step (e.g. create the default issuer and its key)."""
    if step not in _steps:
        _steps.append(step)
    return step


def prepare(settings: Settings) -> None:
    """Run every registered step in one transaction; safe to repeat on every start."""
    engine = create_db_engine(settings.database_url)
    try:
        for session in session_scope(make_session_factory(engine)):
            for step in _steps:
                step(session, settings)
    finally:
        engine.dispose()
