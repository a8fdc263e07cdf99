"""Seal short personal data (a learner's email address) under the KEK while it waits in a queue.

Only `keys/` touches the key-encryption key: other domains get sealed bytes and open them
through these two functions. The associated data names the record the value belongs to, so a
sealed address copied onto another queue row does not open.
"""

from __future__ import annotations

from badge_issuer.config import Settings
from badge_issuer.keys import service as key_service
from badge_issuer.keys.kek import KeyEncryptionKeyError


class SealedValueUnreadable(Exception):
    """A sealed value does not open (other KEK, altered, or moved to another record)."""


def _associated_data(purpose: str, record: str) -> bytes:
    return f"sealed:{purpose}:{record}".encode()


def seal(settings: Settings, value: str, *, purpose: str, record: str) -> bytes:
    """Encrypt `value` (AES-256-GCM under the KEK) bound to `purpose` and `record`."""
    kek = key_service.get_kek(settings)
    return kek.wrap(value.encode("utf-8"), associated_data=_associated_data(purpose, record))


def open_sealed(settings: Settings, sealed: bytes, *, purpose: str, record: str) -> str:
    """Decrypt a value sealed by `seal` for the same purpose and record."""
    kek = key_service.get_kek(settings)
    try:
        plain = kek.unwrap(sealed, associated_data=_associated_data(purpose, record))
    except KeyEncryptionKeyError as error:
        raise SealedValueUnreadable(f"{purpose} of {record}: {error}") from None
    return plain.decode("utf-8")
