"""Pure token handling: one-time sign-in tokens and the signed session cookie.

A sign-in token is 256 random bits (base64url); only its SHA-256 is stored.
The session cookie is `<secret>.<expires>.<mac>`: `secret` is 256 random bits whose SHA-256
names the session row, `expires` the Unix time the session ends, and `mac` an HMAC-SHA256
(128 bits kept) over both under a key derived for this purpose only. The MAC turns away forged
or altered cookies before any database work; the row lets sign-out end a session for good.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

_KEY_LABEL = b"badge-issuer/learner-session/v1"
_MAC_BYTES = 16
_RANDOM_43 = r"[A-Za-z0-9_-]{43}"
_SIGN_IN_TOKEN = re.compile(rf"^{_RANDOM_43}$")
_COOKIE = re.compile(rf"^({_RANDOM_43})\.(\d{{1,10}})\.([A-Za-z0-9_-]{{22}})$")


def derive_key(secret: bytes) -> bytes:
    """Return the session-cookie MAC key derived from a service secret (a distinct-purpose key)."""
    return hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest()


def new_secret() -> str:
    """256 random bits, base64url (43 characters)."""
    return secrets.token_urlsafe(32)


def secret_hash(value: str) -> str:
    """The SHA-256 hex digest stored instead of a bearer secret."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def is_sign_in_token(text: str) -> bool:
    return _SIGN_IN_TOKEN.fullmatch(text) is not None


def _mac(key: bytes, secret: str, expires: int) -> str:
    message = f"session|{secret}|{expires}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign_cookie(key: bytes, *, secret: str, expires_at: datetime) -> str:
    """Return the cookie value of a session."""
    expires = int(expires_at.timestamp())
    return f"{secret}.{expires}.{_mac(key, secret, expires)}"


@dataclass(frozen=True, slots=True)
class CookieClaims:
    """What a well-signed cookie says: the session's secret and when it ends."""

    secret: str
    expires_at: datetime


def open_cookie(key: bytes, value: str) -> CookieClaims | None:
    """Return the claims of a cookie this service signed, or None (constant-time MAC check)."""
    match = _COOKIE.fullmatch(value)
    if match is None:
        return None
    secret, expires_text, mac = match.groups()
    expires = int(expires_text)
    if not hmac.compare_digest(_mac(key, secret, expires), mac):
        return None
    return CookieClaims(secret=secret, expires_at=datetime.fromtimestamp(expires, UTC))
