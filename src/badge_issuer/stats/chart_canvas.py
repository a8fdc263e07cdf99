"""Drawing surface and scales shared by the statistics charts (pure)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement

from badge_issuer.stats import chart_text as words
from badge_issuer.stats.table import Shown

WIDTH = 960
MARGIN = 24
TEXT = 13
SMALL = 11
INK = "#222222"
MUTED = "#666666"
GRID = "#dddddd"
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
HATCH_ID = "bi-stats-suppressed"
HATCH = f"url(#{HATCH_ID})"


@dataclass
class Canvas:
    """The drawing so far and how far down it reaches."""

    body: Element = field(default_factory=lambda: Element("g"))
    y: float = MARGIN

    def add(self, tag: str, text: str | None = None, **attrs: object) -> Element:
        """Append an element; attribute names use _ for - (font_size -> font-size)."""
        names = {key.replace("_", "-"): _fmt(value) for key, value in attrs.items()}
        element = SubElement(self.body, tag, names)
        if text is not None:
            element.text = text
        return element

    def write(self, x: float, y: float, text: str, size: float = TEXT, **attrs: object) -> None:
        """Write one line of text (escaped when serialised)."""
        attrs.setdefault("fill", INK)
        self.add("text", words.clean(text), x=x, y=y, font_size=size, **attrs)


def nice_scale(largest: int) -> tuple[int, int]:
    """Return (axis maximum, tick step) with steps of 1, 2 or 5 times a power of ten."""
    largest = max(largest, 1)
    raw = largest / 5
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return step * math.ceil(largest / step), step


def published(cells: Sequence[Shown]) -> list[int]:
    """The learner counts of the cells that are not suppressed."""
    return [cell.learners for cell in cells if cell.learners is not None]


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)
