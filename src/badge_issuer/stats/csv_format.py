"""CSV for spreadsheets: UTF-8 with a byte-order mark, one row per cell and per total (pure).

Excel opens a CSV without a BOM in the system's legacy code page (Shift_JIS/CP932 on Japanese
Windows), which garbles every Japanese name; the BOM makes it read UTF-8. Rows end in CRLF as
RFC 4180 says. Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is
prefixed with an apostrophe: region and category values come from e-learning providers.
"""

from __future__ import annotations

import csv
import io

from badge_issuer.stats.table import Shown, StatsTable

BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_csv(table: StatsTable) -> str:
    """Write the table as CSV text, BOM first; encode it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    dimensions = [str(d) for d in table.group_by]
    writer.writerow(["kind", "key", "label", *dimensions, "period", "learners", "suppressed"])
    for cell in table.cells:
        writer.writerow(_row("cell", cell, len(dimensions)))
    for total in table.totals:
        writer.writerow(_row("total", total, len(dimensions)))
    return BOM + buffer.getvalue()


def _row(kind: str, shown: Shown, width: int) -> list[str]:
    groups = list(shown.groups) if shown.groups else [None] * width
    return [
        kind,
        _text(shown.key),
        _text(shown.label),
        *(_text(value) for value in groups),
        shown.period or "",
        "" if shown.learners is None else str(shown.learners),
        "true" if shown.suppressed else "false",
    ]


def _text(value: str | None) -> str:
    if value is None:
        return ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
