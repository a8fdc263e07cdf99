"""Dependencies shared by routers: settings, the per-request session, the clock, the origin.

The request-scoped basics live in `kit.request` (below `api`, so that admin's route guards
share the request's session without importing this package); they are re-exported here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from badge_issuer.issuers.origins import origin_for_host
from badge_issuer.kit.request import (
    NowDep,
    ReadSessionDep,
    SessionDep,
    SettingsDep,
    get_app_settings,
    get_now,
    get_read_session,
    get_session,
)

__all__ = [
    "NowDep",
    "OriginDep",
    "ReadSessionDep",
    "SessionDep",
    "SettingsDep",
    "get_app_settings",
    "get_now",
    "get_origin",
    "get_read_session",
    "get_session",
]


async def get_origin(request: Request, settings: SettingsDep) -> str:
    """The origin the request reached: a previous origin when its Host names one, else ours."""
    return origin_for_host(request.headers.get("host"), settings.known_origins)


OriginDep = Annotated[str, Depends(get_origin)]
