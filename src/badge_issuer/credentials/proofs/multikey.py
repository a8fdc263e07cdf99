"""Multikey encoding of Ed25519 public keys: `z` + base58btc(0xed 0x01 + 32 key bytes).

Controlled Identifiers v1.0 section 2.2.2 (Multikey) and Data Integrity EdDSA Cryptosuites v1.0
section 2.1.1: the multicodec prefix of an Ed25519 public key is 0xed01 and the multibase
prefix of base58-btc is `z`; any other encoding is refused.
"""

from __future__ import annotations

import re

import base58

ED25519_PUBLIC_KEY_CODEC = b"\xed\x01"
ED25519_PUBLIC_KEY_LENGTH = 32
BASE58BTC_PREFIX = "z"
_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_TEXT = re.compile(f"[{_BASE58_ALPHABET}]*")
_DIGIT_VALUES = {digit: value for value, digit in enumerate(_BASE58_ALPHABET)}
_CHUNK = 10  # digits read into a small integer before the big one grows: 58**10 < 2**64
_CHUNK_BASE = 58**_CHUNK
_DIGIT_PAIRS = [high + low for high in _BASE58_ALPHABET for low in _BASE58_ALPHABET]


class InvalidMultikey(ValueError):
    """A publicKeyMultibase value is not a base58-btc multicodec Ed25519 public key."""


def encode_ed25519_public_key(public_key: bytes) -> str:
    """Return the publicKeyMultibase (`z6Mk…`) of a raw 32-byte Ed25519 public key."""
    if len(public_key) != ED25519_PUBLIC_KEY_LENGTH:
        raise InvalidMultikey(f"an Ed25519 public key has 32 bytes, not {len(public_key)}")
    encoded: bytes = base58.b58encode(ED25519_PUBLIC_KEY_CODEC + public_key)
    return BASE58BTC_PREFIX + encoded.decode("ascii")


def decode_base58btc(value: str) -> bytes:
    """Decode a base58-btc multibase string (`z…`)."""
    if not value.startswith(BASE58BTC_PREFIX):
        raise InvalidMultikey("multibase value must use base58-btc (prefix 'z')")
    text = value[1:]
    if _BASE58_TEXT.fullmatch(text):
        return _decode_base58(text)
    try:  # anything else (an invalid digit, whitespace) as the library answers it
        decoded: bytes = base58.b58decode(text)
    except ValueError as error:
        raise InvalidMultikey(f"not base58-btc: {error}") from error
    return decoded


def _decode_base58(text: str) -> bytes:
    """Decode base58 digits as `base58.b58decode` does, a few times faster.

    The library multiplies one big integer per digit and divides it per byte; a proofValue
    has 88 digits and every verification decodes one. Each leading `1` is a zero byte.
    """
    digits = text.lstrip("1")
    number = 0
    for start in range(0, len(digits), _CHUNK):
        chunk = digits[start : start + _CHUNK]
        small = 0
        for digit in chunk:
            small = small * 58 + _DIGIT_VALUES[digit]
        number = number * 58 ** len(chunk) + small
    payload = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(digits)) + payload


def decode_ed25519_public_key(multibase: str) -> bytes:
    """Return the raw 32-byte Ed25519 public key of a publicKeyMultibase value."""
    decoded = decode_base58btc(multibase)
    if not decoded.startswith(ED25519_PUBLIC_KEY_CODEC):
        raise InvalidMultikey("not an Ed25519 public key (multicodec prefix is not 0xed01)")
    key = decoded[len(ED25519_PUBLIC_KEY_CODEC) :]
    if len(key) != ED25519_PUBLIC_KEY_LENGTH:
        raise InvalidMultikey(f"an Ed25519 public key has 32 bytes, not {len(key)}")
    return key


def encode_base58btc(data: bytes) -> str:
    """Return the base58-btc multibase form (`z…`) of bytes, as proofValue uses."""
    return BASE58BTC_PREFIX + _encode_base58(data)


def _encode_base58(data: bytes) -> str:
    """Encode bytes as `base58.b58encode` does, about twice as fast.

    The library divides one big integer per digit; here the big integer is divided per
    `_CHUNK` digits and each small remainder gives its digits two at a time. Each leading zero
    byte is a `1`.
    """
    payload = data.lstrip(b"\0")
    number = int.from_bytes(payload, "big")
    pairs: list[str] = []
    while number:
        number, small = divmod(number, _CHUNK_BASE)
        for _ in range(_CHUNK // 2):
            small, pair = divmod(small, 58 * 58)
            pairs.append(_DIGIT_PAIRS[pair])
    # The last chunk's padding is zero digits ("1") on top, which the library never writes.
    text = "".join(reversed(pairs)).lstrip("1")
    return "1" * (len(data) - len(payload)) + text
