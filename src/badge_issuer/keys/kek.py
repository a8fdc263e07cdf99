"""The key-encryption key (KEK): AES-256-GCM wrapping of secrets stored in the database.

Signing keys and provider webhook secrets are stored wrapped under the KEK, with the owning
record's id bound in as associated data, so a database dump alone cannot sign and a wrapped
value cannot be moved to another record.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from badge_issuer.kit.files import InputFileError, read_bounded

KEY_BYTES = 32
_NONCE_BYTES = 12
_FORMAT_VERSION = b"\x01"


class KeyEncryptionKeyError(Exception):
    """The KEK file is missing, unreadable or malformed, or a wrapped value does not open."""


class KeyEncryptionKey:
    """A 256-bit AES-GCM key; its bytes never appear in repr, str or errors."""

    __slots__ = ("_aead", "fingerprint")

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise KeyEncryptionKeyError(f"a key-encryption key is {KEY_BYTES} bytes")
        self._aead = AESGCM(key)
        # Identifies which KEK wrapped a value (for rewrap), without revealing the key.
        self.fingerprint = hashlib.sha256(b"badge-issuer-kek" + key).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"KeyEncryptionKey(fingerprint={self.fingerprint!r})"

    def wrap(self, plaintext: bytes, *, associated_data: bytes) -> bytes:
        """Encrypt: version byte, random 96-bit nonce, then ciphertext with its tag."""
        nonce = os.urandom(_NONCE_BYTES)
        return _FORMAT_VERSION + nonce + self._aead.encrypt(nonce, plaintext, associated_data)

    def unwrap(self, wrapped: bytes, *, associated_data: bytes) -> bytes:
        """Decrypt; fail if the value was altered, moved to another record or wrapped elsewhere."""
        if len(wrapped) < 1 + _NONCE_BYTES + 16 or wrapped[:1] != _FORMAT_VERSION:
            raise KeyEncryptionKeyError("wrapped value is malformed")
        nonce, ciphertext = wrapped[1 : 1 + _NONCE_BYTES], wrapped[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, ciphertext, associated_data)
        except InvalidTag:
            raise KeyEncryptionKeyError(
                "wrapped value does not open under this key-encryption key"
            ) from None


def _decode(raw: bytes) -> bytes:
    text = raw.strip()
    if len(raw) == KEY_BYTES:
        return raw
    for decode in (base64.b64decode, binascii.unhexlify):
        try:
            key = decode(text)
        except (binascii.Error, ValueError):
            continue
        if len(key) == KEY_BYTES:
            return key
    raise KeyEncryptionKeyError(
        f"key-encryption key file must hold {KEY_BYTES} bytes (raw, base64 or hex)"
    )


def load(path: Path) -> KeyEncryptionKey:
    """Read the KEK from a file (raw 32 bytes, or base64/hex text)."""
    try:
        raw = read_bounded(path, max_bytes=4096, what="key-encryption key file")
    except InputFileError as exc:
        raise KeyEncryptionKeyError(str(exc)) from None
    return KeyEncryptionKey(_decode(raw))


def create(path: Path) -> KeyEncryptionKey:
    """Write a new random KEK as base64 with mode 0600 (development and `keys rewrap` targets).

    The key is written to a temporary file first and then linked into place, so a process
    starting at the same moment never reads a half-written file; FileExistsError if one exists.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(base64.b64encode(key) + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)  # atomic: fails if another process linked its key first
    finally:
        temporary.unlink(missing_ok=True)
    return KeyEncryptionKey(key)


def load_or_create(path: Path, *, allow_create: bool) -> KeyEncryptionKey:
    """Load the KEK; in development create it on first use, in production refuse."""
    if path.exists():
        return load(path)
    if not allow_create:
        raise KeyEncryptionKeyError(f"key-encryption key file {path} does not exist")
    try:
        return create(path)
    except FileExistsError:
        # Another worker created it between our check and our write.
        return load(path)
