"""Line chart over periods: one line per key (and group), suppressed points on a strip (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from badge_issuer.stats import chart_canvas
from badge_issuer.stats import chart_text as words
from badge_issuer.stats.table import Shown, StatsTable

PLOT_HEIGHT = 300
AXIS_SPACE = 56
MAX_LABELS = 12
MAX_SERIES = len(chart_canvas.PALETTE)

Series = tuple[str, dict[str, Shown]]


def draw_lines(canvas: chart_canvas.Canvas, table: StatsTable) -> None:
    """Draw the lines, the axes, the 秘匿 strip and the legend."""
    series = _series(table)
    shown = series[:MAX_SERIES]
    top, step = chart_canvas.nice_scale(
        max((n for _, c in shown for n in chart_canvas.published(list(c.values()))), default=1)
    )
    # Room on the right for half of the last period's label.
    left, right = chart_canvas.MARGIN + AXIS_SPACE, chart_canvas.WIDTH - chart_canvas.MARGIN - 24
    plot_top = canvas.y + 24
    xs = _x_positions(len(table.periods), left, right)
    _y_axis(canvas, left, right, plot_top, top, step)
    _x_axis(canvas, table.periods, xs, plot_top + PLOT_HEIGHT)
    strip = plot_top + PLOT_HEIGHT + 40
    canvas.write(
        chart_canvas.MARGIN,
        strip + 4,
        words.SUPPRESSED,
        size=chart_canvas.SMALL,
        fill=chart_canvas.MUTED,
    )
    for index, (_, cells) in enumerate(shown):
        colour = chart_canvas.PALETTE[index % len(chart_canvas.PALETTE)]
        points = [_y(cells.get(p), plot_top, top) for p in table.periods]
        # Side by side on the strip, so that series suppressed in the same period stay visible.
        offset = (index - (len(shown) - 1) / 2) * 4
        _line(canvas, xs, points, colour, strip, offset)
    canvas.y = strip + 24
    _legend(canvas, shown, len(series))


def _series(table: StatsTable) -> list[Series]:
    """Group cells into lines, the largest (by highest published value) first."""
    lines: dict[tuple[str, tuple[str | None, ...]], dict[str, Shown]] = {}
    names: dict[tuple[str, tuple[str | None, ...]], str] = {}
    for cell in table.cells:
        identity = (cell.key, cell.groups)
        lines.setdefault(identity, {})[cell.period or ""] = cell
        names[identity] = cell.label + (
            f" — {words.table_group_text(table, cell.groups)}" if cell.groups else ""
        )
    ranked = sorted(
        lines, key=lambda i: -max(chart_canvas.published(list(lines[i].values())), default=0)
    )
    return [(names[identity], lines[identity]) for identity in ranked]


def _x_positions(count: int, left: float, right: float) -> list[float]:
    if count == 1:
        return [(left + right) / 2]
    return [left + (right - left) * i / (count - 1) for i in range(count)]


def _y(cell: Shown | None, plot_top: float, top: int) -> float | None:
    """Vertical position of a cell; None when suppressed (absent cells hold no learner)."""
    if cell is not None and cell.learners is None:
        return None
    learners = 0 if cell is None else cell.learners or 0
    return plot_top + PLOT_HEIGHT * (1 - learners / top)


def _y_axis(
    canvas: chart_canvas.Canvas, left: float, right: float, plot_top: float, top: int, step: int
) -> None:
    for value in range(0, top + 1, step):
        y = plot_top + PLOT_HEIGHT * (1 - value / top)
        canvas.add("line", x1=left, y1=y, x2=right, y2=y, stroke=chart_canvas.GRID)
        canvas.write(
            left - 8,
            y + 4,
            words.count_text(value),
            size=chart_canvas.SMALL,
            fill=chart_canvas.MUTED,
            text_anchor="end",
        )
    canvas.write(
        chart_canvas.MARGIN,
        plot_top - 6,
        "（人）",
        size=chart_canvas.SMALL,
        fill=chart_canvas.MUTED,
    )


def _x_axis(
    canvas: chart_canvas.Canvas, periods: Sequence[str], xs: list[float], bottom: float
) -> None:
    canvas.add("line", x1=xs[0], y1=bottom, x2=xs[-1], y2=bottom, stroke=chart_canvas.INK)
    every = max(1, -(-len(periods) // MAX_LABELS))
    for index in range(0, len(periods), every):
        canvas.write(
            xs[index],
            bottom + 18,
            periods[index],
            size=chart_canvas.SMALL,
            fill=chart_canvas.MUTED,
            text_anchor="middle",
        )


def _line(
    canvas: chart_canvas.Canvas,
    xs: list[float],
    ys: list[float | None],
    colour: str,
    strip: float,
    offset: float,
) -> None:
    """Join consecutive published points; put suppressed points on the strip, hollow."""
    for run in _runs(xs, ys):
        if len(run) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            canvas.add("polyline", points=path, fill="none", stroke=colour, stroke_width=2.5)
        for x, y in run:
            canvas.add("circle", cx=x, cy=y, r=3, fill=colour)
    for x, maybe_y in zip(xs, ys, strict=True):
        if maybe_y is None:
            canvas.add(
                "circle",
                cx=x + offset,
                cy=strip,
                r=4,
                fill="#ffffff",
                stroke=colour,
                stroke_width=1.5,
            )


def _runs(xs: list[float], ys: list[float | None]) -> list[list[tuple[float, float]]]:
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            runs.append([])
        else:
            runs[-1].append((x, y))
    return [run for run in runs if run]


def _legend(canvas: chart_canvas.Canvas, shown: list[Series], total: int) -> None:
    for index, (name, _) in enumerate(shown):
        colour = chart_canvas.PALETTE[index % len(chart_canvas.PALETTE)]
        y = canvas.y
        canvas.add(
            "line",
            x1=chart_canvas.MARGIN,
            y1=y - 4,
            x2=chart_canvas.MARGIN + 24,
            y2=y - 4,
            stroke=colour,
            stroke_width=3,
        )
        canvas.write(
            chart_canvas.MARGIN + 32,
            y,
            words.truncate(
                name, chart_canvas.WIDTH - 2 * chart_canvas.MARGIN - 40, chart_canvas.TEXT
            ),
        )
        canvas.y += 20
    if total > len(shown):
        note = (
            f"値の大きい上位{len(shown)}系列を表示（全{total}系列。全体は CSV / JSON で取得可能）"
        )
        canvas.write(
            chart_canvas.MARGIN, canvas.y, note, size=chart_canvas.SMALL, fill=chart_canvas.MUTED
        )
        canvas.y += 18
