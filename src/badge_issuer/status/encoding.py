"""Pure status-list bit operations: the index permutation and the W3C `encodedList` format.

Bitstring Status List v1.0 section 2.1 (BitstringStatusListCredential, `encodedList`): the
bitstring is GZIP-compressed (RFC 1952), base64url-encoded without padding (RFC 4648) and
prefixed with the multibase code `u`. Bit 0 is the left-most (most significant) bit of the first
byte. Section 3.1 (Bitstring Generation Algorithm) asks for at least 131,072 bits (16 KiB), so
a list never reveals how many credentials an issuer has.

Indexes are not handed out in order: a counter is mapped through a keyed permutation (a
Feistel network whose round function is HMAC-SHA256 under the list's random key), so an index
says nothing about when a credential was issued or how many came before it, and two counters
can never map to the same index.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import hmac
import zlib
from collections.abc import Iterable

MIN_LIST_BITS = 131_072
MULTIBASE_BASE64URL = "u"
FEISTEL_ROUNDS = 8
# A decoded list larger than this is refused: a GZIP bomb must not exhaust memory (16 MiB).
MAX_DECODED_BYTES = 16 * 1024 * 1024


class EncodedListError(ValueError):
    """An `encodedList` value is not multibase base64url of a GZIP-compressed bitstring."""


def _domain_bits(size: int) -> int:
    """Return log2(size) for a power-of-two list size of at least 4, else refuse it."""
    if size < 4 or size & (size - 1):
        raise ValueError(f"a permuted list size must be a power of two >= 4, not {size}")
    return size.bit_length() - 1


def _round_value(key: bytes, round_number: int, half: int, width: int) -> int:
    """Return the Feistel round function: HMAC-SHA256(key, round || half), cut to `width` bits."""
    message = round_number.to_bytes(1, "big") + half.to_bytes(8, "big")
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") & ((1 << width) - 1)


def permute(counter: int, *, key: bytes, size: int) -> int:
    """Map a counter in [0, size) to a unique, random-looking index in [0, size).

    An unbalanced Feistel network: the halves have floor/ceil(bits/2) bits and swap widths each
    round. Every round is invertible whatever the round function, so the whole map is a
    bijection on [0, size); with a power-of-two size no cycle-walking is needed.
    """
    bits = _domain_bits(size)
    if not 0 <= counter < size:
        raise ValueError(f"counter {counter} is outside [0, {size})")
    left_bits, right_bits = bits // 2, bits - bits // 2
    left, right = counter >> right_bits, counter & ((1 << right_bits) - 1)
    for round_number in range(FEISTEL_ROUNDS):
        mixed = left ^ _round_value(key, round_number, right, left_bits)
        left, right = right, mixed
        left_bits, right_bits = right_bits, left_bits
    return (left << right_bits) | right


def build_bitstring(set_indexes: Iterable[int], *, size: int) -> bytes:
    """Return a bitstring of `size` bits (a multiple of 8) with the given indexes set to 1."""
    if size < MIN_LIST_BITS or size % 8:
        raise ValueError(f"a status list has a multiple of 8 and >= {MIN_LIST_BITS} bits")
    bits = bytearray(size // 8)
    for index in set_indexes:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} is outside [0, {size})")
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def encode_list(bitstring: bytes) -> str:
    """Return the `encodedList` of a bitstring: multibase `u` + base64url(GZIP(bits)), no padding.

    The GZIP header's timestamp is fixed at 0 so equal bitstrings encode to equal text (stable
    ETags, idempotent re-signing).
    """
    compressed = gzip.compress(bitstring, compresslevel=9, mtime=0)
    text = base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")
    return MULTIBASE_BASE64URL + text


def decode_list(encoded: str, *, max_bytes: int = MAX_DECODED_BYTES) -> bytes:
    """Return the bitstring of an `encodedList`, refusing malformed values and GZIP bombs."""
    if not encoded.startswith(MULTIBASE_BASE64URL):
        raise EncodedListError("encodedList must be multibase base64url (prefix 'u')")
    body = encoded[1:]
    if "=" in body or not body:
        raise EncodedListError("encodedList must be unpadded, non-empty base64url")
    try:
        padded = body + "=" * (-len(body) % 4)
        compressed = base64.b64decode(padded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise EncodedListError("encodedList is not valid base64url") from None
    return _gunzip_limited(compressed, max_bytes=max_bytes)


def _gunzip_limited(compressed: bytes, *, max_bytes: int) -> bytes:
    """Decompress one GZIP member, refusing output larger than `max_bytes`."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        output = inflater.decompress(compressed, max_bytes)
    except zlib.error:
        raise EncodedListError("encodedList is not GZIP-compressed") from None
    if inflater.unconsumed_tail:
        raise EncodedListError(f"encodedList decompresses to more than {max_bytes} bytes")
    if not inflater.eof:
        raise EncodedListError("encodedList holds a truncated GZIP stream")
    return output


def bit_is_set(bitstring: bytes, index: int) -> bool:
    """Return the status bit at `index` (bit 0 = left-most bit of the first byte)."""
    if not 0 <= index < len(bitstring) * 8:
        raise IndexError(f"status index {index} is outside the {len(bitstring) * 8}-bit list")
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))
