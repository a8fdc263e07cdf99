"""Ed25519 key material and its wrapping under the KEK. The only place a private key is decrypted.

The associated data binds each wrapped value to its record (issuer id and key id for signing
keys), so a wrapped key copied onto another row or issuer does not open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from badge_issuer.credentials.proofs.multikey import encode_ed25519_public_key
from badge_issuer.keys.kek import KeyEncryptionKey, KeyEncryptionKeyError


class UnwrapFailed(Exception):
    """A wrapped secret does not open; the message names the record, never any key bytes."""


def signing_key_associated_data(issuer_id: int, key_id: str) -> bytes:
    """Return the AAD of a signing key: its issuer's row id and its key id."""
    return f"signing-key:{issuer_id}:{key_id}".encode()


def provider_secret_associated_data(provider_id: str, secret_id: int) -> bytes:
    """Return the AAD of a provider webhook secret (the providers domain uses the same form)."""
    return f"provider-secret:{provider_id}:{secret_id}".encode()


@dataclass(frozen=True, slots=True)
class WrappedKeyPair:
    """A new key: its public half in Multikey form and its private half wrapped."""

    public_key_multibase: str
    wrapped_private_key: bytes = field(repr=False)
    kek_fingerprint: str


def public_key_bytes(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def generate_wrapped(kek: KeyEncryptionKey, *, associated_data: bytes) -> WrappedKeyPair:
    """Generate an Ed25519 key and return it wrapped; the seed leaves memory with this frame."""
    private_key = Ed25519PrivateKey.generate()
    seed = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return WrappedKeyPair(
        public_key_multibase=encode_ed25519_public_key(public_key_bytes(private_key)),
        wrapped_private_key=kek.wrap(seed, associated_data=associated_data),
        kek_fingerprint=kek.fingerprint,
    )


def unwrap_private_key(
    kek: KeyEncryptionKey, wrapped: bytes, *, associated_data: bytes, label: str
) -> Ed25519PrivateKey:
    """Open a wrapped Ed25519 seed; `label` names the record in the error message."""
    try:
        seed = kek.unwrap(wrapped, associated_data=associated_data)
    except KeyEncryptionKeyError as error:
        raise UnwrapFailed(f"{label}: {error} (fingerprint {kek.fingerprint})") from None
    return Ed25519PrivateKey.from_private_bytes(seed)


def rewrap(
    old: KeyEncryptionKey,
    new: KeyEncryptionKey,
    wrapped: bytes,
    *,
    associated_data: bytes,
    label: str,
) -> bytes:
    """Return `wrapped` re-encrypted under `new`, with the same associated data."""
    try:
        plaintext = old.unwrap(wrapped, associated_data=associated_data)
    except KeyEncryptionKeyError as error:
        raise UnwrapFailed(f"{label}: {error} (fingerprint {old.fingerprint})") from None
    return new.wrap(plaintext, associated_data=associated_data)


class _WrappedRow(Protocol):
    kek_fingerprint: str


Row = TypeVar("Row", bound=_WrappedRow)


def rewrap_rows(
    rows: Iterable[Row],
    *,
    old: KeyEncryptionKey,
    new: KeyEncryptionKey,
    column: str,
    associated_data: Callable[[Row], bytes],
    label: Callable[[Row], str],
) -> int:
    """Re-wrap `column` of every row still under another KEK; return how many moved.

    Rows already under `new` are left alone, so running it again is harmless.
    """
    moved = 0
    for row in rows:
        if row.kek_fingerprint == new.fingerprint:
            continue
        wrapped = rewrap(
            old, new, getattr(row, column), associated_data=associated_data(row), label=label(row)
        )
        setattr(row, column, wrapped)
        row.kek_fingerprint = new.fingerprint
        moved += 1
    return moved
