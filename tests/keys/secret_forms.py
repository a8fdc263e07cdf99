"""Every textual form a private key could leak in, to search answers and logs for."""

from __future__ import annotations

import base64

import base58
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import material, service
from badge_issuer.keys.models import SigningKey

# Multicodec ed25519-priv (0x1300) as a varint: the prefix of secretKeyMultibase.
_ED25519_SECRET_CODEC = b"\x80\x26"


def seed_of(session: Session, key: SigningKey, settings: Settings) -> bytes:
    """Unwrap a stored key's 32-byte seed (tests only: this is what must never leak)."""
    issuer = session.get(Issuer, key.issuer_id)
    assert issuer is not None
    private_key = material.unwrap_private_key(
        service.get_kek(settings),
        key.wrapped_private_key,
        associated_data=material.signing_key_associated_data(issuer.id, key.key_id),
        label="test",
    )
    return private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def leak_forms(secret: bytes) -> set[str]:
    """Return hex, base64 (both alphabets, with and without padding), base58 and multibase."""
    forms = {
        secret.hex(),
        secret.hex().upper(),
        base64.b64encode(secret).decode(),
        base64.urlsafe_b64encode(secret).decode(),
        base64.b64encode(secret).decode().rstrip("="),
        base64.urlsafe_b64encode(secret).decode().rstrip("="),
        base58.b58encode(secret).decode(),
        "z" + base58.b58encode(secret).decode(),
        "z" + base58.b58encode(_ED25519_SECRET_CODEC + secret).decode(),
        "u" + base64.urlsafe_b64encode(secret).decode().rstrip("="),
    }
    # A JSON list of byte values (a repr of the bytes would be caught by the hex form's bytes).
    forms.add(repr(secret)[2:-1])
    return forms


def find_leaks(haystack: str, secrets: dict[str, bytes]) -> list[str]:
    """Return `<name>: <form>` for each form of each secret found in `haystack`."""
    return [
        f"{name}: {form[:12]}…"
        for name, secret in secrets.items()
        for form in leak_forms(secret)
        if form and form in haystack
    ]
