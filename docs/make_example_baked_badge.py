"""Regenerate docs/example-baked-badge.png: a small badge PNG with a signed credential baked in.

Run from the repository root: `.venv/bin/python docs/make_example_baked_badge.py`. The output
is deterministic: the PNG is drawn here pixel by pixel (no imaging library), and the credential
is signed (eddsa-rdfc-2022, Ed25519 signatures are deterministic) with a fixed time and a
PUBLICLY KNOWN example key. The issuer is that key's did:key, so any deployment of this service
can verify the proof without knowing the key; the service itself never signs with it.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from badge_issuer.credentials.didkey import did_key_for, did_key_verification_method_id
from badge_issuer.credentials.identity import email_identity
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.images import bake
from badge_issuer.keys.signer import InMemoryEd25519Signer

OUTPUT = Path(__file__).with_name("example-baked-badge.png")
EXAMPLE_SEED = hashlib.sha256(b"badge-issuer documentation example key (public)").digest()
SIZE = 96
# Palette: transparent, navy ring, gold medal, white star.
PALETTE = bytes([0, 0, 0, 20, 48, 102, 212, 160, 23, 255, 255, 255])
ALPHA = bytes([0, 255, 255, 255])


def _signer() -> InMemoryEd25519Signer:
    public_key = InMemoryEd25519Signer.from_seed(EXAMPLE_SEED, "x#x").public_key
    return InMemoryEd25519Signer.from_seed(EXAMPLE_SEED, did_key_verification_method_id(public_key))


def example_credential() -> dict[str, Any]:
    """Return the signed example OpenBadgeCredential."""
    signer = _signer()
    identity = email_identity("learner@example.jp", "ZXhhbXBsZS1zYWx0")
    unsigned = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:7a0f1c2e-9b7d-4c55-8a0e-3f1d2c4b5a69",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": did_key_for(signer.public_key),
            "type": ["Profile"],
            "name": "badge-issuer 例示発行者 (documentation example)",
        },
        "name": "北海道DXリテラシー（ブロンズ）",
        "validFrom": "2026-11-20T10:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [identity.to_jsonld()],
            "achievement": {
                "id": "http://localhost:8000/achievements/dx-literacy-bronze",
                "type": ["Achievement"],
                "achievementType": "Badge",
                "name": "北海道DXリテラシー（ブロンズ）",
                "description": "DXの基礎知識を、外部e-ラーニングで修得したことを認定します。",
                "criteria": {"narrative": "指定講座のうち2講座以上を修了すること。"},
                "image": {
                    "id": "http://localhost:8000/achievements/dx-literacy-bronze/image",
                    "type": "Image",
                },
            },
        },
    }
    return sign_credential(unsigned, signer, datetime(2026, 11, 20, 10, tzinfo=UTC))


def badge_png() -> bytes:
    """Draw a 96x96 indexed-colour medal: navy ring, gold disc, white five-pointed star."""
    star = _star(SIZE / 2, SIZE / 2, 30, 12)
    rows = []
    for y in range(SIZE):
        row = bytearray([0])  # filter type None
        for x in range(SIZE):
            px, py = x + 0.5, y + 0.5
            radius = math.hypot(px - SIZE / 2, py - SIZE / 2)
            if _inside(star, px, py):
                row.append(3)
            elif radius <= 40:
                row.append(2)
            elif radius <= 46:
                row.append(1)
            else:
                row.append(0)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 3, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", PALETTE),
            _chunk(b"tRNS", ALPHA),
            _chunk(b"IDAT", zlib.compress(b"".join(rows), 9)),
            _chunk(b"IEND", b""),
        ]
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _star(cx: float, cy: float, outer: float, inner: float) -> list[tuple[float, float]]:
    points = []
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = math.pi * index / 5 - math.pi / 2
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def _inside(polygon: list[tuple[float, float]], x: float, y: float) -> bool:
    """Even-odd rule point-in-polygon test."""
    inside = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def main() -> None:
    credential_text = json.dumps(example_credential(), ensure_ascii=False, indent=2)
    OUTPUT.write_bytes(bake(badge_png(), credential_text, "image/png"))
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
