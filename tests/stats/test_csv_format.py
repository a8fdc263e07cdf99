"""CSV for spreadsheets: BOM, round trip, suppressed cells, formula injection."""

from __future__ import annotations

import csv
import io

from badge_issuer.stats.csv_format import render_csv
from badge_issuer.stats.query import Dimension, Period
from badge_issuer.stats.table import GroupLabel, Tally
from tests.stats.factories import make_table

BRONZE = "北海道DXリテラシー（ブロンズ）"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


class TestRenderCsv:
    def test_starts_with_a_byte_order_mark_and_uses_crlf(self) -> None:
        text = render_csv(make_table([Tally("a", (), None, 7)]))
        assert text.startswith("\ufeffkind,key,label,period,learners,suppressed\r\n")
        assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")

    def test_parses_back_with_cells_then_totals(self) -> None:
        cells = [
            Tally("bronze", ("01-kitami",), "2026-04", 15),
            Tally("bronze", ("02-sapporo",), "2026-04", 3),
            Tally("bronze", (None,), "2026-04", 7),
        ]
        table = make_table(
            cells,
            group_by=(Dimension.REGION,),
            period=Period.MONTH,
            totals=[Tally("bronze", (), "2026-04", 25)],
            names={"bronze": BRONZE},
            group_names={"region": {"01-kitami": GroupLabel("北見", "Kitami")}},
        )
        assert _rows(render_csv(table)) == [
            _row("cell", "01-kitami", "15", "false", ja="北見", en="Kitami"),
            _row("cell", "02-sapporo", "", "true"),
            _row("cell", "", "", "true"),
            _row("total", "", "25", "false"),
        ]

    def test_defuses_values_a_spreadsheet_would_run(self) -> None:
        cells = [Tally("a", ('=HYPERLINK("http://x")',), None, 9)]
        table = make_table(cells, group_by=(Dimension.REGION,))
        assert _rows(render_csv(table))[0]["region"] == '\'=HYPERLINK("http://x")'


def _row(
    kind: str, region: str, learners: str, suppressed: str, ja: str = "", en: str = ""
) -> dict[str, str]:
    return {
        "kind": kind,
        "key": "bronze",
        "label": BRONZE,
        "region": region,
        "region_ja": ja,
        "region_en": en,
        "period": "2026-04",
        "learners": learners,
        "suppressed": suppressed,
    }
