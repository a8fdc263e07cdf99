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
    # Each dimension: its code, then its names (ja, en) when the skill map or labels file has them.
    columns = [name for d in dimensions for name in (d, f"{d}_ja", f"{d}_en")]
    writer.writerow(["kind", "key", "label", *columns, "period", "learners", "suppressed"])
    for cell in table.cells:
        writer.writerow(_row(table, "cell", cell, dimensions))
    for total in table.totals:
        writer.writerow(_row(table, "total", total, dimensions))
    return BOM + buffer.getvalue()


def _groups(table: StatsTable, shown: Shown, dimensions: list[str]) -> list[str]:
    if not shown.groups:
        return [""] * (3 * len(dimensions))
    values: list[str] = []
    for dimension, code in zip(dimensions, shown.groups, strict=True):
        label = table.group_label(dimension, code)
        values += [_text(code), _text(label and label.ja), _text(label and label.en)]
    return values


def _row(table: StatsTable, kind: str, shown: Shown, dimensions: list[str]) -> list[str]:
    return [
        kind,
        _text(shown.key),
        _text(shown.label),
        *_groups(table, shown, dimensions),
        shown.period or "",
        "" if shown.learners is None else str(shown.learners),
        "true" if shown.suppressed else "false",
    ]


def _text(value: str | None) -> str:
    if value is None:
        return ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
