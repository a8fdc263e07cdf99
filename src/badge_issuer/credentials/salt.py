"""Recipient salts: the one impure helper of this package, for the boundary that assembles."""

from __future__ import annotations

import secrets

SALT_BYTES = 16


def new_salt() -> str:
    """Return a fresh random salt (32 hex characters) for one credential's recipient hash."""
    return secrets.token_hex(SALT_BYTES)
