"""SVG charts of a statistics table, for embedding in a web page (pure).

Without periods: horizontal bars per key (and per group under each key's heading). With
periods: one line per key (and group) over the periods. Suppressed cells are drawn as such
(hatched stub, or a hollow marker on the 秘匿 strip under the axis), never as zero. Text is
escaped by ElementTree; the font-family list names Japanese-capable fonts first, and the
document carries <title>/<desc> for screen readers.
"""

from __future__ import annotations

import math
from xml.etree.ElementTree import Element, SubElement, tostring

from badge_issuer.stats import chart_text as words
from badge_issuer.stats.chart_bars import draw_bars
from badge_issuer.stats.chart_canvas import HATCH, HATCH_ID, MARGIN, MUTED, SMALL, WIDTH, Canvas
from badge_issuer.stats.chart_lines import draw_lines
from badge_issuer.stats.table import StatsTable


def render_svg(table: StatsTable) -> str:
    """Draw the table as a standalone SVG document."""
    canvas = Canvas()
    _header(canvas, table)
    if not table.cells:
        canvas.write(MARGIN, canvas.y + 24, "該当するデータがありません。", fill=MUTED)
        canvas.y += 40
    elif table.period is None:
        draw_bars(canvas, table)
    else:
        draw_lines(canvas, table)
    _footer(canvas, table)
    return _document(canvas, words.title(table), " ".join(words.notes(table)))


def _header(canvas: Canvas, table: StatsTable) -> None:
    canvas.write(MARGIN, canvas.y + 20, words.title(table), size=20, font_weight=700)
    canvas.y += 34
    for line in words.notes(table):
        canvas.write(MARGIN, canvas.y + 12, line, size=SMALL, fill=MUTED)
        canvas.y += 17
    canvas.y += 10


def _footer(canvas: Canvas, table: StatsTable) -> None:
    canvas.y += 16
    if table.period is None:
        canvas.add("rect", x=MARGIN, y=canvas.y, width=24, height=12, fill=HATCH, stroke="#888888")
    else:
        canvas.add("circle", cx=MARGIN + 12, cy=canvas.y + 6, r=4, fill="#ffffff", stroke=MUTED)
    legend = words.suppression_legend(table.min_cell)
    canvas.write(MARGIN + 32, canvas.y + 10, legend, size=SMALL, fill=MUTED)
    canvas.y += 12 + MARGIN


def _document(canvas: Canvas, title: str, description: str) -> str:
    height = math.ceil(canvas.y)
    root = Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH} {height}",
            "width": str(WIDTH),
            "height": str(height),
            "role": "img",
            "aria-labelledby": "bi-stats-title bi-stats-desc",
            "font-family": words.FONT_FAMILY,
        },
    )
    SubElement(root, "title", {"id": "bi-stats-title"}).text = words.clean(title)
    SubElement(root, "desc", {"id": "bi-stats-desc"}).text = words.clean(description)
    _hatch(SubElement(root, "defs"))
    SubElement(root, "rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})
    root.append(canvas.body)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n"


def _hatch(defs: Element) -> None:
    pattern = SubElement(
        defs,
        "pattern",
        {
            "id": HATCH_ID,
            "width": "6",
            "height": "6",
            "patternUnits": "userSpaceOnUse",
            "patternTransform": "rotate(45)",
        },
    )
    SubElement(pattern, "rect", {"width": "6", "height": "6", "fill": "#eeeeee"})
    SubElement(pattern, "line", {"x1": "0", "y1": "0", "x2": "0", "y2": "6", "stroke": "#999999"})
