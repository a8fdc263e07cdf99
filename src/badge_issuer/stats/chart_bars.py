"""Horizontal bar chart: one bar per key, or per group under each key's heading (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from badge_issuer.stats import chart_canvas
from badge_issuer.stats import chart_text as words
from badge_issuer.stats.table import Shown, StatsTable

ROW = 24
BAR = 15
INDENT = 14
LABEL_MAX = 380
VALUE_SPACE = 70
STUB = 28
# Beyond this a chart is a poster, not something to embed; CSV and JSON hold every cell.
MAX_ROWS = 300


@dataclass(frozen=True, slots=True)
class _Row:
    """A bar (cell) or, when grouped, a key's heading with its total."""

    label: str
    shown: Shown | None
    heading: bool = False


def draw_bars(canvas: chart_canvas.Canvas, table: StatsTable) -> None:
    """Draw the bars under the header, with a value scale on top (at most MAX_ROWS rows)."""
    every_row = _rows(table)
    rows = every_row[:MAX_ROWS]
    widest = max(
        words.width(r.label, chart_canvas.TEXT) + (0 if r.heading else INDENT) for r in rows
    )
    left = chart_canvas.MARGIN + min(widest + 16, LABEL_MAX)
    span = chart_canvas.WIDTH - left - chart_canvas.MARGIN - VALUE_SPACE
    top, step = chart_canvas.nice_scale(max(chart_canvas.published(table.cells), default=1))
    _scale(canvas, left, span, top, step, len(rows))
    for row in rows:
        if row.heading:
            _heading(canvas, row)
        else:
            _bar(canvas, row, left, span / top)
        canvas.y += ROW
    left_out = sum(1 for row in every_row[MAX_ROWS:] if not row.heading)
    if left_out:
        note = f"ほか{left_out:,}本は省略（全体は CSV / JSON で取得可能）"
        canvas.write(
            chart_canvas.MARGIN,
            canvas.y + 14,
            note,
            size=chart_canvas.SMALL,
            fill=chart_canvas.MUTED,
        )
        canvas.y += 22


def _rows(table: StatsTable) -> list[_Row]:
    if not table.group_by:
        return [_Row(cell.label, cell) for cell in table.cells]
    totals = {total.key: total for total in table.totals}
    rows: list[_Row] = []
    current: str | None = None
    for cell in table.cells:
        if cell.key != current:
            current = cell.key
            rows.append(_Row(cell.label, totals.get(cell.key), heading=True))
        rows.append(_Row(words.table_group_text(table, cell.groups), cell))
    return rows


def _scale(
    canvas: chart_canvas.Canvas, left: float, span: float, top: int, step: int, rows: int
) -> None:
    bottom = canvas.y + 18 + rows * ROW
    for value in range(0, top + 1, step):
        x = left + span * value / top
        canvas.add("line", x1=x, y1=canvas.y + 14, x2=x, y2=bottom, stroke=chart_canvas.GRID)
        canvas.write(
            x,
            canvas.y + 10,
            words.count_text(value),
            size=chart_canvas.SMALL,
            fill=chart_canvas.MUTED,
            text_anchor="middle",
        )
    canvas.write(
        left + span + 12, canvas.y + 10, "（人）", size=chart_canvas.SMALL, fill=chart_canvas.MUTED
    )
    canvas.y += 22


def _heading(canvas: chart_canvas.Canvas, row: _Row) -> None:
    baseline = canvas.y + ROW - 8
    canvas.write(
        chart_canvas.MARGIN,
        baseline,
        words.truncate(
            row.label, chart_canvas.WIDTH - 2 * chart_canvas.MARGIN - 120, chart_canvas.TEXT
        ),
        font_weight=700,
    )
    total = row.shown
    if total is not None:
        text = words.SUPPRESSED if total.learners is None else words.count_text(total.learners)
        canvas.write(
            chart_canvas.WIDTH - chart_canvas.MARGIN,
            baseline,
            f"計 {text}",
            size=chart_canvas.SMALL,
            fill=chart_canvas.MUTED,
            text_anchor="end",
        )


def _bar(canvas: chart_canvas.Canvas, row: _Row, left: float, per_learner: float) -> None:
    if row.shown is None:
        return
    indent = INDENT if row.shown.groups else 0
    baseline = canvas.y + ROW - 8
    label = words.truncate(row.label, left - chart_canvas.MARGIN - indent - 12, chart_canvas.TEXT)
    canvas.write(chart_canvas.MARGIN + indent, baseline, label)
    bar_top = canvas.y + (ROW - BAR) / 2
    if row.shown.learners is None:
        canvas.add(
            "rect",
            x=left,
            y=bar_top,
            width=STUB,
            height=BAR,
            fill=chart_canvas.HATCH,
            stroke="#888888",
        )
        canvas.write(
            left + STUB + 6,
            baseline,
            words.SUPPRESSED,
            size=chart_canvas.SMALL,
            fill=chart_canvas.MUTED,
        )
        return
    length = max(row.shown.learners * per_learner, 1.0)
    canvas.add("rect", x=left, y=bar_top, width=length, height=BAR, fill=chart_canvas.PALETTE[0])
    canvas.write(
        left + length + 6, baseline, words.count_text(row.shown.learners), size=chart_canvas.SMALL
    )
