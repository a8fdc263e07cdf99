"""Generate a plain, readable SVG badge for an achievement that has no image of its own.

The badge is a medal: a circle in a colour derived from the achievement id (so each
achievement keeps its colour), a star, the achievement name wrapped over up to four lines and
an optional ribbon with the issuer name. Fonts are not embedded; the font-family list names
Japanese-capable fonts first so that Japanese names render wherever such a font exists.
"""

from __future__ import annotations

import colorsys
import hashlib
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from badge_issuer.images._label_wrap import clean_label, truncate, wrap_label

SIZE = 512
FONT_FAMILY = (
    "'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Hiragino Kaku Gothic ProN', "
    "'Yu Gothic', Meiryo, 'Noto Sans', 'DejaVu Sans', sans-serif"
)
_NAME_WIDTH = 330.0
_RIBBON_TEXT_WIDTH = 372.0
# (font size, most lines at that size): larger type for shorter names.
_NAME_SIZES = ((46, 2), (38, 3), (31, 4))
_MIN_CONTRAST = 4.5  # WCAG AA for normal text, white on the badge colour


@dataclass(frozen=True, slots=True)
class BadgePalette:
    """The badge colour and a darker shade of it, as #rrggbb."""

    main: str
    shade: str


def default_badge_svg(name: str, *, achievement_id: str, issuer_name: str | None = None) -> bytes:
    """Return a UTF-8 SVG badge showing `name` (and `issuer_name` on a ribbon)."""
    label = clean_label(name)
    if not label:
        raise ValueError("an achievement name is needed to draw a badge")
    issuer = clean_label(issuer_name or "")
    palette = badge_palette(achievement_id)
    title = f"{label} — {issuer}" if issuer else label
    body = [
        f'<circle cx="256" cy="256" r="248" fill="{palette.shade}"/>',
        f'<circle cx="256" cy="256" r="226" fill="{palette.main}"/>',
        '<circle cx="256" cy="256" r="208" fill="none" stroke="#ffffff" '
        'stroke-opacity="0.45" stroke-width="3"/>',
        f'<polygon points="{_star_points(256, 118, 34, 14)}" fill="#ffffff" fill-opacity="0.92"/>',
        *_name_lines(label, centre_y=248 if issuer else 270),
        *(_ribbon(issuer, palette) if issuer else []),
    ]
    svg = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img">\n'
        f"<title>{escape(title)}</title>\n" + "\n".join(body) + "\n</svg>\n"
    )
    return svg.encode("utf-8")


def badge_palette(achievement_id: str) -> BadgePalette:
    """Derive a stable colour from the achievement id, dark enough for white text."""
    digest = hashlib.sha256(achievement_id.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") % 360 / 360
    lightness = 0.46
    while contrast_with_white(_hls_hex(hue, lightness, 0.58)) < _MIN_CONTRAST:
        lightness -= 0.02
    return BadgePalette(
        main=_hls_hex(hue, lightness, 0.58), shade=_hls_hex(hue, lightness - 0.12, 0.6)
    )


def contrast_with_white(colour: str) -> float:
    """Return the WCAG 2 contrast ratio of white text on `colour` (#rrggbb)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def _name_lines(label: str, *, centre_y: float) -> list[str]:
    """Lay the name out in the largest size at which it fits, centred on `centre_y`."""
    for size, max_lines in _NAME_SIZES:
        lines = wrap_label(label, max_em=_NAME_WIDTH / size, max_lines=max_lines)
        if not lines[-1].endswith("…") or size == _NAME_SIZES[-1][0]:
            break
    line_height = size * 1.22
    first_baseline = centre_y - (len(lines) - 1) * line_height / 2 + size * 0.36
    return [
        _text(line, y=first_baseline + index * line_height, size=size, fill="#ffffff")
        for index, line in enumerate(lines)
    ]


def _ribbon(issuer: str, palette: BadgePalette) -> list[str]:
    """Draw a white ribbon across the lower part of the medal with the issuer name."""
    size = 22
    text = truncate(issuer, _RIBBON_TEXT_WIDTH / size)
    return [
        f'<rect x="40" y="356" width="432" height="52" rx="10" fill="{palette.shade}"/>',
        '<rect x="48" y="360" width="416" height="44" rx="8" fill="#ffffff"/>',
        _text(text, y=382 + size * 0.36, size=size, fill=palette.main),
    ]


def _text(content: str, *, y: float, size: int, fill: str) -> str:
    return (
        f'<text x="256" y="{y:.1f}" font-family="{FONT_FAMILY}" font-size="{size}" '
        f'font-weight="700" text-anchor="middle" fill="{fill}">{escape(content)}</text>'
    )


def _star_points(cx: float, cy: float, outer: float, inner: float) -> str:
    """Return the points of a five-pointed star, first point up."""
    points = []
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = math.pi * index / 5 - math.pi / 2
        points.append(f"{cx + radius * math.cos(angle):.1f},{cy + radius * math.sin(angle):.1f}")
    return " ".join(points)


def _hls_hex(hue: float, lightness: float, saturation: float) -> str:
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"
