"""Bake an Open Badges 3.0 credential into a PNG, and read it back.

OB 3.0 § PNG Baking: one `iTXt` chunk with keyword `openbadgecredential`, compression flag 0,
empty language tag and translated keyword, text = the credential. Baking keeps every other
chunk byte for byte, drops any earlier `openbadgecredential` text chunk (so re-baking
replaces) and inserts the new chunk just before IEND. Reading is lenient only where it is
safe: a compressed iTXt or a zTXt/tEXt with the keyword is read too, with inflation bounded.
"""

from __future__ import annotations

import zlib

from badge_issuer.images._png_chunks import (
    PNG_SIGNATURE,
    Chunk,
    encode_chunk,
    read_chunks,
)
from badge_issuer.images.carriers import CarrierWords, only_carrier, unbaked
from badge_issuer.images.credential_text import (
    check_credential_size,
    decode_utf8,
    encode_for_baking,
)
from badge_issuer.images.errors import (
    MalformedPng,
)
from badge_issuer.images.limits import DEFAULT_LIMITS, ImageLimits
from badge_issuer.images.unbaked import ImageFormat, UnbakedCredential

CREDENTIAL_KEYWORD = b"openbadgecredential"
LEGACY_KEYWORD = b"openbadges"  # Open Badges 2.0 baking
_WORDS = CarrierWords(
    legacy="the PNG has an 'openbadges' chunk (Open Badges 2.0 assertion), "
    "not an 'openbadgecredential' chunk (OB 3.0 credential)",
    missing="the PNG has no 'openbadgecredential' text chunk",
    several="the PNG has {count} 'openbadgecredential' chunks; OB 3.0 allows one",
)


def bake_png(image: bytes, credential_json: str, *, limits: ImageLimits = DEFAULT_LIMITS) -> bytes:
    """Return `image` with `credential_json` baked in, replacing any credential it carried."""
    text = encode_for_baking(credential_json, limits)
    chunks = read_chunks(image, limits)
    kept = [chunk.raw for chunk in chunks if chunk.text_keyword != CREDENTIAL_KEYWORD]
    *before_iend, iend = kept
    baked = b"".join([PNG_SIGNATURE, *before_iend, credential_chunk(text), iend])
    limits.check_image_size(len(baked))
    return baked


def unbake_png(image: bytes, *, limits: ImageLimits = DEFAULT_LIMITS) -> UnbakedCredential:
    """Extract the credential baked into a PNG."""
    chunks = read_chunks(image, limits)
    carrier = only_carrier(
        [chunk for chunk in chunks if chunk.text_keyword == CREDENTIAL_KEYWORD],
        has_legacy=lambda: any(chunk.text_keyword == LEGACY_KEYWORD for chunk in chunks),
        words=_WORDS,
    )
    return unbaked(ImageFormat.PNG, _carried_text(carrier, limits))


def credential_chunk(text: bytes) -> bytes:
    """Build the uncompressed iTXt chunk that OB 3.0 prescribes for the credential."""
    # keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translation NUL
    header = CREDENTIAL_KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0"
    return encode_chunk(b"iTXt", header + text)


def _carried_text(chunk: Chunk, limits: ImageLimits) -> str:
    """Return the (decompressed) UTF-8 text of a credential-carrying text chunk."""
    body = chunk.data[len(CREDENTIAL_KEYWORD) + 1 :]
    if chunk.type == b"iTXt":
        raw = _itxt_text(body, limits)
    elif chunk.type == b"zTXt":
        raw = _ztxt_text(body, limits)
    else:
        raw = body
    check_credential_size(len(raw), limits)
    return decode_utf8(raw, where=f"the {chunk.name} 'openbadgecredential' text")


def _itxt_text(body: bytes, limits: ImageLimits) -> bytes:
    """Split an iTXt body after its keyword: flag, method, language, translation, text."""
    if len(body) < 2:
        raise MalformedPng("the iTXt 'openbadgecredential' chunk is cut short")
    compressed, method = body[0], body[1]
    fields = body[2:].split(b"\0", 2)
    if len(fields) != 3:
        raise MalformedPng("the iTXt 'openbadgecredential' chunk lacks its language fields")
    text = fields[2]
    if compressed == 0:
        return text
    if compressed == 1 and method == 0:
        return _inflate(text, limits)
    raise MalformedPng(
        f"the iTXt 'openbadgecredential' chunk has compression flag {compressed}, method {method}"
    )


def _inflate(compressed: bytes, limits: ImageLimits) -> bytes:
    """Inflate zlib data, stopping one byte past the credential limit (bomb protection)."""
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(compressed, limits.max_credential_bytes + 1)
    except zlib.error as exc:
        raise MalformedPng(f"the compressed credential text is corrupt: {exc}") from None
    check_credential_size(len(text), limits)
    if not inflater.eof:
        raise MalformedPng("the compressed credential text is incomplete")
    return text


def _ztxt_text(body: bytes, limits: ImageLimits) -> bytes:
    """Inflate a zTXt body after its keyword: method byte (0 = zlib), compressed text."""
    if body[:1] != b"\0":
        raise MalformedPng("the zTXt 'openbadgecredential' chunk uses an unknown method")
    return _inflate(body[1:], limits)
