"""Dependencies shared by routers: settings, the per-request session, the clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.issuers.origins import origin_for_host
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


def get_origin(request: Request, settings: SettingsDep) -> str:
    """The origin the request reached: a previous origin when its Host names one, else ours."""
    return origin_for_host(request.headers.get("host"), settings.known_origins)


OriginDep = Annotated[str, Depends(get_origin)]
# scope="function": commit before the answer is sent, so a failed commit is never a false 2xx.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]
NowDep = Annotated[datetime, Depends(get_now)]
