"""Wrap a PNG in an SVG, so a badge whose artwork is a PNG can also be served (and baked) as SVG.

The PNG is embedded as a data: URI, so the SVG stays self-contained; no rasterising or
re-encoding happens, and no rendering dependency is needed. `xlink:href` rather than SVG 2
`href`: every SVG viewer reads it, and the data is not written twice.
"""

from __future__ import annotations

import base64
from xml.sax.saxutils import escape

from badge_issuer.images._label_wrap import clean_label


def svg_wrapping_png(png: bytes, *, width: int, height: int, title: str) -> bytes:
    """Return a UTF-8 SVG of `width` x `height` that shows `png` and has `title`."""
    data_uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    svg = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">\n'
        f"<title>{escape(clean_label(title))}</title>\n"
        f'<image width="{width}" height="{height}" xlink:href="{data_uri}"/>\n'
        "</svg>\n"
    )
    return svg.encode("utf-8")
