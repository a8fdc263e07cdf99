from __future__ import annotations

import pytest

from badge_issuer.images import ImageFormat, bake, image_format, unbake
from badge_issuer.images.errors import MalformedSvg, NotAPng, UnsupportedImageType
from tests.images.factories import credential_json, make_credential, make_png, make_svg


class TestImageFormat:
    @pytest.mark.parametrize(
        ("content_type", "expected"),
        [
            ("image/png", ImageFormat.PNG),
            ("IMAGE/PNG", ImageFormat.PNG),
            ("image/svg+xml", ImageFormat.SVG),
            ("image/svg+xml; charset=utf-8", ImageFormat.SVG),
        ],
    )
    def test_a_declared_media_type_decides(self, content_type: str, expected: ImageFormat) -> None:
        assert image_format(b"", content_type) is expected

    @pytest.mark.parametrize("content_type", ["image/jpeg", "application/json", ""])
    def test_other_media_types_are_unsupported(self, content_type: str) -> None:
        with pytest.raises(UnsupportedImageType) as raised:
            image_format(make_png(), content_type)
        assert raised.value.status == 415

    def test_sniffs_a_png(self) -> None:
        assert image_format(make_png()) is ImageFormat.PNG

    def test_sniffs_an_svg_after_a_bom_and_whitespace(self) -> None:
        assert image_format(b"\xef\xbb\xbf \n" + make_svg()) is ImageFormat.SVG

    def test_sniffing_refuses_anything_else(self) -> None:
        with pytest.raises(UnsupportedImageType, match="neither"):
            image_format(b"\xff\xd8\xff\xe0 JFIF")

    def test_media_type_format_names(self) -> None:
        assert [f.media_type for f in ImageFormat] == ["image/png", "image/svg+xml"]


class TestBakeAndUnbake:
    @pytest.mark.parametrize("image", [make_png(), make_svg()], ids=["png", "svg"])
    def test_round_trip_by_sniffing(self, image: bytes) -> None:
        text = credential_json()
        unbaked = unbake(bake(image, text))
        assert unbaked.credential == make_credential()
        assert unbaked.credential_json == text

    def test_round_trip_with_media_types(self) -> None:
        baked = bake(make_svg(), credential_json(), "image/svg+xml")
        assert unbake(baked, "image/svg+xml").image_format is ImageFormat.SVG

    def test_bytes_that_contradict_the_declared_png_type_fail_as_png(self) -> None:
        with pytest.raises(NotAPng):
            unbake(make_svg(), "image/png")

    def test_bytes_that_contradict_the_declared_svg_type_fail_as_svg(self) -> None:
        with pytest.raises(MalformedSvg):
            unbake(make_png(), "image/svg+xml")
