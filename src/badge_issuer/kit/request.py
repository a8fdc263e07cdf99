"""Per-request dependencies every web room shares: settings, the session, the clock.

They live below `api` so that domain route guards (`admin.deps`) can share the request's
session without importing the routers' package. `api.deps` re-exports them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.kit.clock import Clock


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request: committed once when the endpoint returns, else rolled back."""
    yield from session_scope(request.app.state.session_factory)


def get_read_session(request: Request) -> Iterator[Session]:
    """A session for endpoints that only read (public verification, catalog, credentials)."""
    session: Session = request.app.state.read_session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def get_now(request: Request) -> datetime:
    clock: Clock = request.app.state.clock
    return clock()


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
# scope="function": commit before the answer is sent, so a failed commit is never a false 2xx.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]
NowDep = Annotated[datetime, Depends(get_now)]
