from __future__ import annotations

import re

import pytest
from defusedxml import ElementTree

from badge_issuer.images import bake_svg, default_badge_svg, unbake_svg
from badge_issuer.images.default_badge import FONT_FAMILY, badge_palette, contrast_with_white
from tests.images.factories import credential_json, make_credential

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: bytes) -> list[str]:
    root = ElementTree.fromstring(svg, forbid_dtd=True)
    return [element.text or "" for element in root.iter(f"{SVG}text")]


class TestDefaultBadgeSvg:
    def test_is_a_well_formed_utf8_svg_with_a_title(self) -> None:
        svg = default_badge_svg("AI入門", achievement_id="ai-intro")
        root = ElementTree.fromstring(svg, forbid_dtd=True)
        assert root.tag == f"{SVG}svg"
        assert root.get("viewBox") == "0 0 512 512"
        assert root.findtext(f"{SVG}title") == "AI入門"
        assert svg.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')

    def test_shows_the_name_and_the_issuer(self) -> None:
        svg = default_badge_svg("AI入門", achievement_id="a", issuer_name="北見工業大学")
        assert _texts(svg) == ["AI入門", "北見工業大学"]

    def test_escapes_markup_in_names(self) -> None:
        name = 'Data & <Cloud> "Basics"</text><script>x</script>'
        svg = default_badge_svg(name, achievement_id="a", issuer_name="A & B <Co>")
        assert b"<script>" not in svg
        assert "".join(_texts(svg)).startswith("Data & <Cloud>")
        assert _texts(svg)[-1] == "A & B <Co>"

    def test_names_japanese_capable_fonts_first(self) -> None:
        svg = default_badge_svg("AI入門", achievement_id="a")
        assert FONT_FAMILY.startswith("'Noto Sans CJK JP'")
        assert "'Hiragino Sans'" in FONT_FAMILY
        assert FONT_FAMILY.endswith("sans-serif")
        assert f'font-family="{FONT_FAMILY}"'.encode() in svg

    def test_a_long_name_wraps_onto_at_most_four_lines(self) -> None:
        name = (
            "データサイエンス・AI リテラシー応用基礎講座"
            "（北見市 社会人リカレント教育プログラム 2026 年度 後期）"
        )
        lines = _texts(default_badge_svg(name, achievement_id="a"))
        assert 2 <= len(lines) <= 4
        assert lines[-1].endswith("…")

    def test_a_long_issuer_name_is_cut_to_one_line(self) -> None:
        issuer = "Kitami Regional Digital Skills and Lifelong Learning Consortium of Hokkaido"
        lines = _texts(default_badge_svg("AI", achievement_id="a", issuer_name=issuer))
        assert lines[-1].endswith("…")

    def test_is_deterministic(self) -> None:
        first = default_badge_svg("AI入門", achievement_id="a", issuer_name="X")
        assert first == default_badge_svg("AI入門", achievement_id="a", issuer_name="X")

    def test_refuses_a_blank_name(self) -> None:
        with pytest.raises(ValueError, match="name"):
            default_badge_svg(" \x00 ", achievement_id="a")

    def test_can_be_baked(self) -> None:
        badge = default_badge_svg("AI入門", achievement_id="a", issuer_name="北見工業大学")
        unbaked = unbake_svg(bake_svg(badge, credential_json()))
        assert unbaked.credential == make_credential()


class TestBadgePalette:
    def test_colour_depends_on_the_achievement_id(self) -> None:
        assert badge_palette("urn:a") == badge_palette("urn:a")
        assert badge_palette("urn:a") != badge_palette("urn:b")

    @pytest.mark.parametrize("achievement_id", [f"achievement-{n}" for n in range(60)])
    def test_white_text_meets_wcag_aa_contrast(self, achievement_id: str) -> None:
        palette = badge_palette(achievement_id)
        assert re.fullmatch(r"#[0-9a-f]{6}", palette.main)
        assert contrast_with_white(palette.main) >= 4.5
        assert contrast_with_white(palette.shade) > contrast_with_white(palette.main)

    def test_contrast_of_known_colours(self) -> None:
        assert contrast_with_white("#000000") == pytest.approx(21.0)
        assert contrast_with_white("#ffffff") == pytest.approx(1.0)
