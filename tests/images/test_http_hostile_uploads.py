"""Hostile uploads: every malformed or dangerous image is a 4xx problem, never a 500 or a fetch.

A TCP listener on loopback stands in for "the outside": entity and href URLs point at it, and
each test checks afterwards that nothing connected to it.
"""

from __future__ import annotations

import socket
import struct
import time
import zlib
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from badge_issuer.db import session_scope
from badge_issuer.images import bake
from badge_issuer.images.models import AchievementImage
from tests.images.factories import (
    PNG_SIGNATURE,
    credential_json,
    itxt,
    make_png,
    make_svg,
    png_chunk,
)
from tests.images.http_factories import ACHIEVEMENT_ID

ADMIN_URL = f"/v1/admin/achievements/{ACHIEVEMENT_ID}/image"
PNG = "image/png"
SVG = "image/svg+xml"


@pytest.fixture
def outside() -> Iterator[socket.socket]:
    """A loopback listener that no request handling may ever connect to."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def pixel_bomb() -> bytes:
    """About 64 KiB of zlib data that inflates to 64 MiB, for a 1x1 image that needs 4 bytes."""
    return zlib.compress(b"\0" * (64 * 1024 * 1024), 9)


def _url(listener: socket.socket) -> str:
    host, port = listener.getsockname()
    return f"http://{host}:{port}/evil"


def _nobody_connected(listener: socket.socket) -> bool:
    time.sleep(0.05)
    try:
        connection, _address = listener.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


def _refused(
    app: FastAPI, client: TestClient, admin: dict[str, str], body: bytes, media_type: str
) -> dict[str, object]:
    """Upload and require a 4xx problem and no stored row; return the problem."""
    response = client.put(ADMIN_URL, content=body, headers=admin | {"content-type": media_type})
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, object] = response.json()
    assert problem["status"] == response.status_code
    for session in session_scope(app.state.session_factory):
        assert session.scalar(select(func.count()).select_from(AchievementImage)) == 0
    return problem


def _slug(problem: dict[str, object]) -> str:
    return str(problem["type"]).rsplit("/", 1)[-1]


def _ihdr(width: int, height: int, depth: int = 8, colour: int = 2, interlace: int = 0) -> bytes:
    return png_chunk(
        b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace)
    )


def _png(*chunks: bytes) -> bytes:
    return PNG_SIGNATURE + b"".join(chunks) + png_chunk(b"IEND", b"")


class TestMalformedPng:
    def test_truncated(self, app: FastAPI, client: TestClient, admin: dict[str, str]) -> None:
        problem = _refused(app, client, admin, make_png()[:-20], PNG)
        assert _slug(problem) == "png-truncated"

    def test_bad_crc(self, app: FastAPI, client: TestClient, admin: dict[str, str]) -> None:
        image = bytearray(make_png())
        image[-1] ^= 0xFF  # the last byte of the IEND CRC
        assert _slug(_refused(app, client, admin, bytes(image), PNG)) == "png-crc-mismatch"

    def test_giant_declared_chunk_length(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        image = make_png()
        giant = image[:33] + struct.pack(">I", 0x7FFFFFF0) + image[37:]
        assert _slug(_refused(app, client, admin, giant, PNG)) == "png-truncated"

    def test_length_beyond_the_png_maximum(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        image = make_png()
        giant = image[:33] + b"\xff\xff\xff\xff" + image[37:]
        assert _slug(_refused(app, client, admin, giant, PNG)) == "png-malformed"

    def test_not_a_png_at_all(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        problem = _refused(app, client, admin, b"GIF89a" + bytes(40), PNG)
        assert _slug(problem) == "png-signature-invalid"

    def test_empty_body(self, app: FastAPI, client: TestClient, admin: dict[str, str]) -> None:
        assert _slug(_refused(app, client, admin, b"", PNG)) == "png-signature-invalid"

    def test_bad_ihdr_combination(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        image = _png(_ihdr(1, 1, depth=3), png_chunk(b"IDAT", zlib.compress(b"\0\0")))
        assert _slug(_refused(app, client, admin, image, PNG)) == "png-malformed"

    def test_pixel_data_shorter_than_the_header_says(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        image = _png(_ihdr(4, 4), png_chunk(b"IDAT", zlib.compress(b"\0" * 10)))
        assert _slug(_refused(app, client, admin, image, PNG)) == "png-pixel-data-invalid"

    def test_corrupt_zlib_stream(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        image = _png(_ihdr(1, 1), png_chunk(b"IDAT", b"\x78\x9c not deflate"))
        assert _slug(_refused(app, client, admin, image, PNG)) == "png-pixel-data-invalid"

    def test_indexed_colour_without_palette(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        image = _png(_ihdr(1, 1, depth=8, colour=3), png_chunk(b"IDAT", zlib.compress(b"\0\0")))
        assert _slug(_refused(app, client, admin, image, PNG)) == "png-malformed"


class TestPngBombs:
    def test_pixel_data_bomb_is_refused_quickly(
        self, app: FastAPI, client: TestClient, admin: dict[str, str], pixel_bomb: bytes
    ) -> None:
        image = _png(_ihdr(1, 1), png_chunk(b"IDAT", pixel_bomb))
        started = time.perf_counter()
        assert _slug(_refused(app, client, admin, image, PNG)) == "png-pixel-data-invalid"
        assert time.perf_counter() - started < 2

    def test_huge_declared_dimensions(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        image = _png(_ihdr(100_000, 100_000), png_chunk(b"IDAT", zlib.compress(b"\0")))
        assert _slug(_refused(app, client, admin, image, PNG)) == "png-dimensions-too-large"

    def test_ztxt_bomb(self, app: FastAPI, client: TestClient, admin: dict[str, str]) -> None:
        bomb = png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"a" * (8 * 1024 * 1024), 9))
        assert _slug(_refused(app, client, admin, make_png(extra=(bomb,)), PNG)) == "png-malformed"

    def test_animated_png(self, app: FastAPI, client: TestClient, admin: dict[str, str]) -> None:
        actl = png_chunk(b"acTL", struct.pack(">II", 1, 0))
        assert _slug(_refused(app, client, admin, make_png(extra=(actl,)), PNG)) == "png-animated"


class TestAlreadyBaked:
    def test_png_carrying_a_credential(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        baked = bake(make_png(), credential_json(), PNG)
        assert _slug(_refused(app, client, admin, baked, PNG)) == "image-already-baked"

    def test_png_carrying_an_ob2_assertion(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        legacy = make_png(extra=(itxt(b"openbadges", b"https://example.jp/assertion"),))
        assert _slug(_refused(app, client, admin, legacy, PNG)) == "image-already-baked"

    def test_svg_carrying_a_credential(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        baked = bake(make_svg(), credential_json(), SVG)
        assert _slug(_refused(app, client, admin, baked, SVG)) == "image-already-baked"


class TestHostileSvg:
    def test_external_entity_is_refused_without_fetching(
        self,
        app: FastAPI,
        client: TestClient,
        admin: dict[str, str],
        outside: socket.socket,
    ) -> None:
        svg = (
            f'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "{_url(outside)}">]>\n'
            '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
        ).encode()
        assert _slug(_refused(app, client, admin, svg, SVG)) == "svg-unsafe"
        assert _nobody_connected(outside)

    def test_external_dtd_is_refused_without_fetching(
        self,
        app: FastAPI,
        client: TestClient,
        admin: dict[str, str],
        outside: socket.socket,
    ) -> None:
        svg = (
            f'<?xml version="1.0"?>\n<!DOCTYPE svg SYSTEM "{_url(outside)}">\n'
            '<svg xmlns="http://www.w3.org/2000/svg"/>'
        ).encode()
        assert _slug(_refused(app, client, admin, svg, SVG)) == "svg-unsafe"
        assert _nobody_connected(outside)

    def test_billion_laughs(self, app: FastAPI, client: TestClient, admin: dict[str, str]) -> None:
        entities = '<!ENTITY l0 "ha">' + "".join(
            f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
        )
        svg = (
            f'<?xml version="1.0"?>\n<!DOCTYPE svg [{entities}]>\n'
            '<svg xmlns="http://www.w3.org/2000/svg"><text>&l9;</text></svg>'
        ).encode()
        started = time.perf_counter()
        assert _slug(_refused(app, client, admin, svg, SVG)) == "svg-unsafe"
        assert time.perf_counter() - started < 2

    def test_external_image_reference_is_refused_without_fetching(
        self,
        app: FastAPI,
        client: TestClient,
        admin: dict[str, str],
        outside: socket.socket,
    ) -> None:
        svg = make_svg(f'<image href="{_url(outside)}" width="16" height="16"/>')
        assert _slug(_refused(app, client, admin, svg, SVG)) == "svg-active-content"
        assert _nobody_connected(outside)

    def test_external_stylesheet_instruction(
        self,
        app: FastAPI,
        client: TestClient,
        admin: dict[str, str],
        outside: socket.socket,
    ) -> None:
        svg = (
            f'<?xml version="1.0"?>\n<?xml-stylesheet href="{_url(outside)}"?>\n'
            '<svg xmlns="http://www.w3.org/2000/svg"/>'
        ).encode()
        assert _slug(_refused(app, client, admin, svg, SVG)) == "svg-active-content"
        assert _nobody_connected(outside)

    @pytest.mark.parametrize(
        "body",
        [
            "<script>alert(1)</script>",
            '<circle r="4" onload="alert(1)"/>',
            '<a href="javascript:alert(1)"><circle r="4"/></a>',
            '<a xlink:href=" java\tscript:alert(1)" xmlns:xlink="http://www.w3.org/1999/xlink"/>',
            "<foreignObject><div>html</div></foreignObject>",
            '<set attributeName="href" to="javascript:alert(1)"/>',
            "<style>@import url(https://fonts.example.jp/x.css);</style>",
            '<rect width="4" height="4" style="fill: url(https://example.jp/p.svg#g)"/>',
            '<use href="https://example.jp/sprite.svg#icon"/>',
            '<image href="data:image/svg+xml;base64,PHN2Zy8+" width="1" height="1"/>',
        ],
    )
    def test_active_or_external_content(
        self, app: FastAPI, client: TestClient, admin: dict[str, str], body: str
    ) -> None:
        problem = _refused(app, client, admin, make_svg(body), SVG)
        assert _slug(problem) == "svg-active-content"

    def test_not_well_formed(self, app: FastAPI, client: TestClient, admin: dict[str, str]) -> None:
        problem = _refused(app, client, admin, b"<svg xmlns='http://www.w3.org/2000/svg'>", SVG)
        assert _slug(problem) == "svg-malformed"

    def test_root_is_not_svg(self, app: FastAPI, client: TestClient, admin: dict[str, str]) -> None:
        problem = _refused(app, client, admin, b"<html><body/></html>", SVG)
        assert _slug(problem) == "svg-malformed"

    def test_utf16_svg_cannot_be_baked(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        svg = '<svg xmlns="http://www.w3.org/2000/svg"/>'.encode("utf-16")
        assert _slug(_refused(app, client, admin, svg, SVG)) == "svg-malformed"


class TestSafeSvgIsAccepted:
    @pytest.mark.parametrize(
        "body",
        [
            '<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="4" height="4"/>',
            "<style>rect { fill: url( '#g' ); }</style>",
            '<use href="#g"/>',
            '<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>',
        ],
    )
    def test_local_references_are_fine(
        self, client: TestClient, admin: dict[str, str], body: str
    ) -> None:
        response = client.put(
            ADMIN_URL, content=make_svg(body), headers=admin | {"content-type": SVG}
        )
        assert response.status_code == 201, response.text


class TestRequestShape:
    @pytest.mark.parametrize("media_type", ["image/gif", "application/octet-stream", "text/xml"])
    def test_other_media_types_are_415(
        self, app: FastAPI, client: TestClient, admin: dict[str, str], media_type: str
    ) -> None:
        assert _refused(app, client, admin, make_png(), media_type)["status"] == 415

    def test_missing_content_type_is_415(self, client: TestClient, admin: dict[str, str]) -> None:
        response = client.put(ADMIN_URL, content=make_png(), headers=admin)
        assert response.status_code == 415

    def test_oversized_body_is_413(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        padding = png_chunk(b"tEXt", b"pad\0" + b"x" * (1024 * 1024))
        problem = _refused(app, client, admin, make_png(extra=(padding,)), PNG)
        assert problem["status"] == 413

    def test_declared_png_with_svg_bytes_is_a_png_error(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        assert _slug(_refused(app, client, admin, make_svg(), PNG)) == "png-signature-invalid"
