"""Small PNG, SVG and credential builders for the image tests, written independently of src.

PNGs are made here with struct and zlib (no binary fixtures): a valid RGB image of a few
pixels, plus helpers to frame arbitrary chunks and list the chunks of a datastream.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB3 = "https://purl.imsglobal.org/ob/v3p0"


def png_chunk(chunk_type: bytes, data: bytes, *, crc: int | None = None) -> bytes:
    """Frame one chunk; `crc` overrides the correct CRC to make a corrupt one."""
    correct = zlib.crc32(chunk_type + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc or correct)


def make_png(
    width: int = 3, height: int = 2, *, extra: tuple[bytes, ...] = (), idat_parts: int = 1
) -> bytes:
    """Return a valid RGB PNG; `extra` chunks go after IHDR, the IDAT is split in parts."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(
        b"\0" + b"".join(bytes((x * 60 % 256, y * 90 % 256, 200)) for x in range(width))
        for y in range(height)
    )
    pixels = zlib.compress(rows)
    step = max(1, -(-len(pixels) // idat_parts))
    idats = [png_chunk(b"IDAT", pixels[i : i + step]) for i in range(0, len(pixels), step)]
    return b"".join(
        [PNG_SIGNATURE, png_chunk(b"IHDR", ihdr), *extra, *idats, png_chunk(b"IEND", b"")]
    )


def itxt(keyword: bytes, text: bytes, *, compressed: bool = False, lang: bytes = b"") -> bytes:
    """Frame an iTXt chunk, optionally zlib-compressed."""
    body = zlib.compress(text) if compressed else text
    flag = b"\x01\x00" if compressed else b"\x00\x00"
    return png_chunk(b"iTXt", keyword + b"\0" + flag + lang + b"\0" + b"\0" + body)


def list_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """Return (type, exact chunk bytes) for every chunk, trusting the input."""
    chunks = []
    offset = len(PNG_SIGNATURE)
    while offset < len(png):
        (length,) = struct.unpack_from(">I", png, offset)
        end = offset + 12 + length
        chunks.append((png[offset + 4 : offset + 8], png[offset:end]))
        offset = end
    return chunks


def credential_chunks(png: bytes) -> list[bytes]:
    """Return the exact bytes of every text chunk keyed openbadgecredential."""
    return [
        raw
        for chunk_type, raw in list_chunks(png)
        if chunk_type in (b"iTXt", b"tEXt", b"zTXt")
        and raw[8:].startswith(b"openbadgecredential\0")
    ]


def make_credential(name: str = "Python 基礎講座 修了", number: int = 1) -> dict[str, Any]:
    """Return a credential-shaped JSON object with Japanese text and a proof."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"http://localhost:8000/credentials/00000000-0000-4000-8000-{number:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": "did:web:localhost%3A8000:issuers:default",
            "type": ["Profile"],
            "name": "北見 デジタル人材育成センター",
        },
        "validFrom": "2026-11-20T10:00:00Z",
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:example:py101",
                "type": ["Achievement"],
                "name": name,
                "criteria": {"narrative": "修了試験 80 点以上 & <実技> 合格"},
            },
        },
        "proof": [
            {
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "proofPurpose": "assertionMethod",
                "verificationMethod": "did:web:localhost%3A8000:issuers:default#k1",
                "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a",
            }
        ],
    }


def credential_json(name: str = "Python 基礎講座 修了", number: int = 1) -> str:
    """Return the credential as pretty UTF-8 JSON text, as a signer would store it."""
    return json.dumps(make_credential(name, number), ensure_ascii=False, indent=2)


def make_svg(
    body: str = '<circle cx="8" cy="8" r="6" fill="#0a5"/>', *, root_attrs: str = ""
) -> bytes:
    """Return a small SVG with an XML declaration, a comment and odd formatting to preserve."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- made by hand -->\n"
        '<svg xmlns="http://www.w3.org/2000/svg"   viewBox="0 0 16 16"\n'
        f'     data-note="a &gt; b"{root_attrs}>\n'
        f"  {body}\n"
        "</svg>\n"
    ).encode()
