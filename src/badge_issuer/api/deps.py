"""Dependencies shared by routers: settings, the per-request session, the clock."""

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
    "ReadSessionDep",
    "SessionDep",
    "SettingsDep",
    "get_app_settings",
    "get_now",
    "get_read_session",
    "get_session",
]
