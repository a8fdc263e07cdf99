"""POST /verify accepts a baked badge image and says the credential came from it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from badge_issuer.images import bake
from tests.harness import Harness


def _earn(harness: Harness) -> str:
    email = "image.test@example.jp"
    for day, course in ((1, "DXL-101"), (2, "SEC-120")):
        body = {
            "learner": {"email": email},
            "course_id": course,
            "completed_at": f"2026-10-{day:02d}T10:00:00+09:00",
        }
        response = harness.post_completion("manabi-portal", body)
    award = response.json()["awards"][0]
    return str(award["credential_url"]).removeprefix("http://localhost:8000")


class TestVerifyBakedImage:
    def test_baked_svg_from_the_service_verifies(self, harness: Harness) -> None:
        path = _earn(harness)
        image = harness.client.get(f"{path}/image.svg")
        assert image.status_code == 200
        report = harness.client.post(
            "/verify", content=image.content, headers={"content-type": "image/svg+xml"}
        ).json()
        assert report["verified"] is True, report
        assert report["checks"][0]["check"] == "baked-image"
        assert "SVG" in report["checks"][0]["detail"]

    def test_tampered_credential_in_a_png_fails_the_proof(self, harness: Harness) -> None:
        path = _earn(harness)
        document = harness.client.get(path).text.replace("北海道", "東京都", 1)
        png = _tiny_png()
        report = harness.client.post(
            "/verify",
            content=bake(png, document, "image/png"),
            headers={"content-type": "image/png"},
        ).json()
        assert report["verified"] is False
        assert report["checks"][0]["check"] == "baked-image"
        failed = {c["check"] for c in report["checks"] if c["status"] == "failed"}
        assert "proof" in failed

    @pytest.mark.parametrize(
        ("body", "status"),
        [
            (b"\x89PNG\r\n\x1a\nnot really", 422),
            (b"<svg xmlns='http://www.w3.org/2000/svg'/>", 422),
        ],
    )
    def test_bad_or_empty_images_are_problems(
        self, client: TestClient, body: bytes, status: int
    ) -> None:
        content_type = "image/png" if body.startswith(b"\x89") else "image/svg+xml"
        response = client.post("/verify", content=body, headers={"content-type": content_type})
        assert response.status_code == status
        assert response.headers["content-type"] == "application/problem+json"


def _tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
