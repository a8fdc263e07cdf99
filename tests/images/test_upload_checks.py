"""Pure checks of uploaded artwork: PNG data sizes (Adam7 too), SVG wrapping, credential reads."""

from __future__ import annotations

import struct
import zlib

import pytest

from badge_issuer.images import ImageFormat, bake, unbake
from badge_issuer.images.errors import NoBakedCredential, UnsupportedImageType
from badge_issuer.images.png_checks import PngHeader, expected_data_size
from badge_issuer.images.service import credential_from_upload
from badge_issuer.images.store_errors import PngPixelDataInvalid
from badge_issuer.images.svg_checks import check_svg_upload
from badge_issuer.images.svg_wrapper import svg_wrapping_png
from badge_issuer.images.uploads import UPLOAD_LIMITS, check_achievement_image
from tests.images.factories import PNG_SIGNATURE, credential_json, make_png, make_svg, png_chunk


def _header(
    width: int, height: int, *, depth: int = 8, colour: int = 0, adam7: bool = False
) -> PngHeader:
    return PngHeader(width, height, depth, colour, adam7)


def _grey_png(width: int, height: int, zlib_data: bytes, *, interlace: int = 0) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, interlace)
    return b"".join(
        [
            PNG_SIGNATURE,
            png_chunk(b"IHDR", ihdr),
            png_chunk(b"IDAT", zlib_data),
            png_chunk(b"IEND", b""),
        ]
    )


class TestExpectedDataSize:
    def test_plain_rows_have_a_filter_byte_each(self) -> None:
        assert expected_data_size(_header(3, 2, colour=2)) == 2 * (1 + 9)

    def test_sub_byte_depths_round_each_row_up(self) -> None:
        assert expected_data_size(_header(10, 3, depth=1)) == 3 * (1 + 2)

    def test_adam7_sums_the_seven_passes(self) -> None:
        # 8x8 grey: passes of 1x1, 1x1, 2x1, 2x2, 4x2, 4x4 and 8x4 pixels.
        assert expected_data_size(_header(8, 8, adam7=True)) == 2 + 2 + 3 + 6 + 10 + 20 + 36

    def test_adam7_skips_empty_passes(self) -> None:
        assert expected_data_size(_header(1, 1, colour=2, adam7=True)) == 1 + 3


class TestPngUpload:
    def test_interlaced_png_is_accepted(self) -> None:
        image = _grey_png(8, 8, zlib.compress(bytes(79)), interlace=1)
        assert check_achievement_image(image, "image/png") is ImageFormat.PNG

    def test_one_byte_too_many_is_refused(self) -> None:
        image = _grey_png(8, 8, zlib.compress(bytes(80)), interlace=1)
        with pytest.raises(PngPixelDataInvalid, match="more than 79 bytes"):
            check_achievement_image(image, "image/png")

    def test_bytes_after_the_zlib_stream_are_refused(self) -> None:
        image = _grey_png(1, 1, zlib.compress(b"\0\0") + b"junk")
        with pytest.raises(PngPixelDataInvalid, match="after the end"):
            check_achievement_image(image, "image/png")

    def test_unfinished_zlib_stream_is_refused(self) -> None:
        image = _grey_png(1, 1, zlib.compress(b"\0\0")[:-4])
        with pytest.raises(PngPixelDataInvalid, match="ends before"):
            check_achievement_image(image, "image/png")

    def test_no_content_type_is_not_sniffed(self) -> None:
        with pytest.raises(UnsupportedImageType):
            check_achievement_image(make_png(), None)


class TestSvgWrapper:
    def test_wrapped_png_is_an_acceptable_bakeable_svg(self) -> None:
        svg = svg_wrapping_png(make_png(4, 3), width=4, height=3, title="北海道 & <DX>")
        check_svg_upload(svg, UPLOAD_LIMITS)
        baked = bake(svg, credential_json(), "image/svg+xml")
        assert unbake(baked, "image/svg+xml").credential_json == credential_json()

    def test_title_drops_characters_xml_cannot_hold(self) -> None:
        svg = svg_wrapping_png(make_png(), width=3, height=2, title="bad\x01name")
        assert b"<title>badname</title>" in svg


class TestCredentialFromUpload:
    @pytest.mark.parametrize(
        ("artwork", "media_type", "image_format"),
        [
            (make_png(), "image/png", ImageFormat.PNG),
            (make_svg(), "image/svg+xml", ImageFormat.SVG),
        ],
    )
    def test_reads_the_baked_credential_and_its_format(
        self, artwork: bytes, media_type: str, image_format: ImageFormat
    ) -> None:
        unbaked = credential_from_upload(bake(artwork, credential_json(), media_type), media_type)
        assert unbaked.image_format is image_format
        assert unbaked.credential_json == credential_json()
        assert unbaked.credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]

    def test_other_media_type_is_415(self) -> None:
        with pytest.raises(UnsupportedImageType) as caught:
            credential_from_upload(make_png(), "image/gif")
        assert caught.value.status == 415

    def test_image_without_credential_is_422(self) -> None:
        with pytest.raises(NoBakedCredential) as caught:
            credential_from_upload(make_png(), "image/png")
        assert caught.value.status == 422
