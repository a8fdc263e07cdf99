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


def _import_domain_steps() -> None:
    """Import the domains' bootstrap modules, in the order their steps must run."""
    # Issuers and their keys first (a skill map names issuers); then the skill map.
    import badge_issuer.keys.bootstrap
    import badge_issuer.skillmap.bootstrap  # noqa: F401


def prepare(settings: Settings) -> None:
    """Run every registered step in one transaction; safe to repeat on every start."""
    _import_domain_steps()
    engine = create_db_engine(settings.database_url)
    try:
        for session in session_scope(make_session_factory(engine)):
            for step in _steps:
                step(session, settings)
    finally:
        engine.dispose()
