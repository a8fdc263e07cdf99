"""What a process may keep in memory from the database, for as long as the database says so.

Every completion that issues a credential reads the same issuer, signing key, endorsements and
provider names. Triggers (migration 0070) replace `config_version.token` with a new random value
on every write to those tables, by any code or tool; a transaction reads the token in one
statement and `VersionedCache` answers only what was read under that same token (and the same
database), so a key rotation, an issuer edit or an endorsement revocation committed by any
process is seen by the next transaction that starts after it.

The token is random rather than counted: a transaction that wrote (new token X), filled the cache
under X and rolled back leaves X behind for good; no later change can take X again.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy import Integer, String, func, null, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from badge_issuer.db import Base
from badge_issuer.kit import prepared

V = TypeVar("V")


class ConfigVersion(Base):
    """One row: the token of the current issuing configuration (written by triggers only)."""

    __tablename__ = "config_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(32))


# PostgreSQL changes the token at COMMIT (migration 0070); a transaction that wrote one of the
# tables is marked by a transaction-local setting meanwhile, and gets a token of its own.
_WRITTEN = func.current_setting("badge_issuer.config_written", True)
_TOKEN = {
    "sqlite": select(ConfigVersion.token, null()).where(ConfigVersion.id == 1),
    "postgresql": select(ConfigVersion.token, _WRITTEN).where(ConfigVersion.id == 1),
}


def read_token(session: Session) -> str:
    """The current token as this transaction sees it, qualified by the database it names; a
    transaction that changed the configuration and has not committed gets a new random one
    (what it reads must not be served to others under the committed token)."""
    bind = session.get_bind()
    found = prepared.rows(session, _TOKEN[bind.dialect.name], {})
    if not found:
        raise RuntimeError("config_version has no row: run the migrations")
    token, written = found[0]
    if written == "yes":
        token = f"uncommitted-{secrets.token_hex(16)}"
    return f"{bind.engine.url}|{token}"


class VersionedCache(Generic[V]):
    """Values by key, valid under one token: a lookup under another token starts afresh.

    Only the entries of the last token seen are kept. Values must be immutable, or copies that
    no session tracks: they are shared by every thread of the process.
    """

    def __init__(self, max_entries: int = 256) -> None:
        self._token = ""
        self._values: dict[Hashable, V] = {}
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def get(self, token: str, key: Hashable, load: Callable[[], V]) -> V:
        """The value of `key` under `token`, loaded (in the caller's transaction) on a miss."""
        with self._lock:
            if token == self._token and key in self._values:
                return self._values[key]
        value = load()
        with self._lock:
            if token != self._token:
                self._token, self._values = token, {}
            if len(self._values) >= self._max_entries:
                self._values.clear()
            self._values[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._token, self._values = "", {}
