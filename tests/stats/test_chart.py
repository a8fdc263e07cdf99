"""SVG charts: well-formed, Japanese labels, suppressed cells shown as such, hostile text inert."""

from __future__ import annotations

from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_xml

from badge_issuer.stats.chart import render_svg
from badge_issuer.stats.chart_bars import MAX_ROWS
from badge_issuer.stats.chart_lines import MAX_SERIES
from badge_issuer.stats.query import Dimension, Period, Subject
from badge_issuer.stats.table import Tally
from tests.stats.factories import make_table

SVG = "{http://www.w3.org/2000/svg}"
NAMES = {"bronze": "北海道DXリテラシー（ブロンズ）", "silver": "北海道DX実践（シルバー）"}


def _parse(svg: str) -> Element:
    root: Element = safe_xml.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    return root


def _texts(root: Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


class TestBarChart:
    def test_labels_bars_with_japanese_names_and_counts(self) -> None:
        table = make_table(
            [Tally("bronze", (), None, 1235), Tally("silver", (), None, 8)], names=NAMES
        )
        root = _parse(render_svg(table))
        texts = _texts(root)
        assert "北海道DXリテラシー（ブロンズ）" in texts
        assert "1,235" in texts  # a multiple of min_cell is published as it is
        assert "Noto Sans CJK JP" in root.attrib["font-family"]
        assert "Hiragino" in root.attrib["font-family"]
        assert root.attrib["font-family"].endswith("sans-serif")

    def test_titles_the_chart_for_screen_readers(self) -> None:
        table = make_table([Tally("bronze", ("01-kitami",), None, 9)], group_by=(Dimension.REGION,))
        root = _parse(render_svg(table))
        assert root.attrib["role"] == "img"
        assert root.findtext(f"{SVG}title") == "バッジ保有者数（地域別）"
        assert "失効・期限切れを除く" in (root.findtext(f"{SVG}desc") or "")

    def test_shows_suppressed_cells_as_suppressed_not_zero(self) -> None:
        cells = [
            Tally("bronze", ("01-kitami",), None, 23),
            Tally("bronze", ("02-sapporo",), None, 2),
        ]
        table = make_table(
            cells,
            group_by=(Dimension.REGION,),
            totals=[Tally("bronze", (), None, 25)],
            names=NAMES,
        )
        texts = _texts(_parse(render_svg(table)))
        assert texts.count("秘匿") == 2
        assert "計 25" in texts
        assert "2" not in texts
        assert "23" not in texts

    def test_keeps_hostile_group_values_as_inert_text(self) -> None:
        hostile = '<script>alert("x")</script>&amp;'
        table = make_table([Tally("bronze", (hostile,), None, 9)], group_by=(Dimension.REGION,))
        svg = render_svg(table)
        root = _parse(svg)
        assert hostile in _texts(root)
        assert not list(root.iter(f"{SVG}script"))
        assert "<script>" not in svg

    def test_draws_at_most_max_rows_and_says_how_many_were_left_out(self) -> None:
        cells = [Tally(f"k{i:04d}", (), None, 10) for i in range(MAX_ROWS + 25)]
        texts = _texts(_parse(render_svg(make_table(cells))))
        assert f"k{MAX_ROWS - 1:04d}" in texts
        assert f"k{MAX_ROWS:04d}" not in texts
        assert "ほか25本は省略（全体は CSV / JSON で取得可能）" in texts

    def test_says_when_there_is_nothing_to_draw(self) -> None:
        table = make_table([], subject=Subject.SKILLS)
        assert "該当するデータがありません。" in _texts(_parse(render_svg(table)))


class TestLineChart:
    def test_draws_one_line_per_key_over_periods(self) -> None:
        cells = [
            Tally(key, (), month, n)
            for key in NAMES
            for month, n in (("2026-01", 10), ("2026-02", 12), ("2026-03", 15))
        ]
        root = _parse(render_svg(make_table(cells, period=Period.MONTH, names=NAMES)))
        assert len(list(root.iter(f"{SVG}polyline"))) == 2
        texts = _texts(root)
        assert {"2026-01", "2026-03", *NAMES.values()} <= set(texts)

    def test_puts_suppressed_points_on_the_strip_and_breaks_the_line(self) -> None:
        cells = [
            Tally("bronze", (), "2026-01", 10),
            Tally("bronze", (), "2026-02", 3),
            Tally("bronze", (), "2026-03", 15),
        ]
        root = _parse(render_svg(make_table(cells, period=Period.MONTH, names=NAMES)))
        hollow = [c for c in root.iter(f"{SVG}circle") if c.attrib.get("fill") == "#ffffff"]
        # One on the strip for February, one in the legend.
        assert len(hollow) == 2
        assert not list(root.iter(f"{SVG}polyline"))

    def test_shows_the_largest_series_and_says_how_many_were_left_out(self) -> None:
        cells = [Tally(f"k{i}", (), "2026-01", 10 * (i + 1)) for i in range(MAX_SERIES + 3)]
        root = _parse(render_svg(make_table(cells, period=Period.MONTH)))
        texts = _texts(root)
        assert f"k{MAX_SERIES + 2}" in texts
        assert "k0" not in texts
        assert any(f"全{MAX_SERIES + 3}系列" in text for text in texts)
