"""The QR code of a page's URL, as inline SVG (segno): printed pages lead back to the page."""

from __future__ import annotations

from html import escape

import segno
from markupsafe import Markup


def qr_svg(url: str, *, label: str) -> Markup:
    """Return an inline SVG QR code of `url`, named `label` for screen readers."""
    code = segno.make(url, error="m", micro=False)
    svg: str = code.svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=True)
    # The image is named by the figure's caption too; role=img lets readers announce it once.
    named = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(named)  # noqa: S704 - segno's own markup plus an escaped label
