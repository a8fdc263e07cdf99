"""An in-memory Ed25519 signer: the `Signer` that proofs use, holding the private key itself.

The private key lives only inside the `cryptography` key object; this class never exposes its
bytes, and its repr/str show the verification method id and public key only.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from badge_issuer.credentials.proofs.multikey import (
    decode_base58btc,
    encode_ed25519_public_key,
)

ED25519_SEED_LENGTH = 32
# Multicodec 0x1300 (ed25519-priv) as a varint, the prefix of a secretKeyMultibase.
_ED25519_SECRET_CODEC = b"\x80\x26"


class InvalidSigningKey(ValueError):
    """Key material given to a signer is not a usable Ed25519 private key."""


class InMemoryEd25519Signer:
    """Signs with an Ed25519 private key held in memory, for one verification method."""

    __slots__ = ("_private_key", "_public_key", "_verification_method")

    def __init__(self, private_key: Ed25519PrivateKey, verification_method: str) -> None:
        if "#" not in verification_method:
            raise InvalidSigningKey("a verification method id is '<controller>#<key id>'")
        self._private_key = private_key
        self._public_key = _raw_public_key(private_key.public_key())
        self._verification_method = verification_method

    @classmethod
    def from_seed(cls, seed: bytes, verification_method: str) -> InMemoryEd25519Signer:
        """Return a signer for the Ed25519 key derived from a 32-byte seed (RFC 8032)."""
        if len(seed) != ED25519_SEED_LENGTH:
            raise InvalidSigningKey("an Ed25519 seed has 32 bytes")
        return cls(Ed25519PrivateKey.from_private_bytes(seed), verification_method)

    @classmethod
    def from_secret_multibase(
        cls, secret_key_multibase: str, verification_method: str
    ) -> InMemoryEd25519Signer:
        """Return a signer for a secretKeyMultibase (`z…`, multicodec 0x1300).

        Accepts the 32-byte seed form and the 64-byte seed-then-public-key form (used by the
        1EdTech test vector); in the latter the public half must match the seed.
        """
        decoded = decode_base58btc(secret_key_multibase)
        if not decoded.startswith(_ED25519_SECRET_CODEC):
            raise InvalidSigningKey("not an Ed25519 secret key (multicodec is not 0x1300)")
        material = decoded[len(_ED25519_SECRET_CODEC) :]
        if len(material) not in (ED25519_SEED_LENGTH, 2 * ED25519_SEED_LENGTH):
            raise InvalidSigningKey("an Ed25519 secret key has 32 or 64 bytes")
        signer = cls.from_seed(material[:ED25519_SEED_LENGTH], verification_method)
        if len(material) > ED25519_SEED_LENGTH and material[32:] != signer.public_key:
            raise InvalidSigningKey("the public half of the secret key does not match its seed")
        return signer

    @classmethod
    def generate(cls, verification_method: str) -> InMemoryEd25519Signer:
        """Return a signer for a fresh random Ed25519 key."""
        return cls(Ed25519PrivateKey.generate(), verification_method)

    @property
    def key_id(self) -> str:
        """The fragment of the verification method id."""
        return self._verification_method.rsplit("#", 1)[1]

    @property
    def verification_method(self) -> str:
        """The full verification method id written into proofs."""
        return self._verification_method

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte Ed25519 public key."""
        return self._public_key

    @property
    def public_key_multibase(self) -> str:
        """The public key as publicKeyMultibase (`z6Mk…`)."""
        return encode_ed25519_public_key(self._public_key)

    def sign(self, data: bytes) -> bytes:
        """Return the Ed25519 signature of `data`."""
        return self._private_key.sign(data)

    def __repr__(self) -> str:
        return (
            f"InMemoryEd25519Signer(verification_method={self._verification_method!r}, "
            f"public_key={self.public_key_multibase!r})"
        )

    __str__ = __repr__

    def __reduce__(self) -> None:  # type: ignore[override]
        # Pickling would copy the private key out of this object; refuse it.
        raise TypeError("InMemoryEd25519Signer holds a private key and cannot be pickled")


def _raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    """Return the 32 raw bytes of an Ed25519 public key."""
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
