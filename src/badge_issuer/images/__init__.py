"""Baked badge images (Open Badges 3.0 § Baked Badge): pure bytes-in, bytes-out code.

`bake` / `unbake` choose PNG or SVG by media type or by sniffing; `bake_png`, `unbake_png`,
`bake_svg` and `unbake_svg` work on one format; `default_badge_svg` draws a badge for an
achievement without an image. Every failure is a `BakedImageError` carrying its HTTP status.
"""

from badge_issuer.images.baking import bake, image_format, unbake
from badge_issuer.images.default_badge import default_badge_svg
from badge_issuer.images.errors import BakedImageError
from badge_issuer.images.limits import DEFAULT_LIMITS, ImageLimits
from badge_issuer.images.png import bake_png, unbake_png
from badge_issuer.images.svg import bake_svg, unbake_svg
from badge_issuer.images.unbaked import ImageFormat, UnbakedCredential

__all__ = [
    "DEFAULT_LIMITS",
    "BakedImageError",
    "ImageFormat",
    "ImageLimits",
    "UnbakedCredential",
    "bake",
    "bake_png",
    "bake_svg",
    "default_badge_svg",
    "image_format",
    "unbake",
    "unbake_png",
    "unbake_svg",
]
