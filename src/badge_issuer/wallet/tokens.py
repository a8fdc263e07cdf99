"""Pure token handling: claim-link signatures, random secrets and the hashes stored for them.

A claim token is `<public_id>.<mac>`: the MAC (HMAC-SHA256, base64url, 128 bits kept) covers the
public id, the credential's uuid, the learner and the expiry, so a token names one claim row and
is only accepted while that row still binds the same credential and learner.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

_MAC_BYTES = 16
_TOKEN = re.compile(r"^([A-Za-z0-9_-]{16,32})\.([A-Za-z0-9_-]{22})$")
_KEY_LABEL = b"badge-issuer/claim-link/v1"


def derive_key(secret: bytes) -> bytes:
    """Return the claim-link MAC key derived from a service secret (a distinct-purpose key)."""
    return hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest()


def new_public_id() -> str:
    """Return a random id (128 bits, base64url)."""
    return secrets.token_urlsafe(16)


def new_secret() -> str:
    """Return a random bearer secret (256 bits, base64url): codes, tokens, challenges, nonces."""
    return secrets.token_urlsafe(32)


def secret_hash(value: str) -> str:
    """Return the SHA-256 hex digest stored instead of a bearer secret."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def claim_mac(
    key: bytes,
    *,
    public_id: str,
    credential_uuid: str,
    learner_id: int | None,
    expires_at: datetime,
) -> str:
    """Return the MAC binding a claim row's public id to its credential, learner and expiry."""
    message = "|".join(
        [
            "claim",
            public_id,
            credential_uuid,
            str(learner_id or ""),
            str(int(expires_at.timestamp())),
        ]
    )
    digest = hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def join_claim(public_id: str, mac: str) -> str:
    """Return the claim token of a claim row's public id and its MAC (`split_claim` undoes it)."""
    return f"{public_id}.{mac}"


def split_claim(token: str) -> tuple[str, str] | None:
    """Return (public_id, mac) of a well-formed token, or None."""
    match = _TOKEN.fullmatch(token)
    return (match.group(1), match.group(2)) if match else None
