"""Which uploaded images may become an achievement's badge artwork (pure)."""

from __future__ import annotations

from badge_issuer.images.baking import image_format
from badge_issuer.images.limits import MIB, ImageLimits
from badge_issuer.images.png_checks import check_png_upload
from badge_issuer.images.svg_checks import check_svg_upload
from badge_issuer.images.unbaked import ImageFormat

# Artwork is capped well below the baking limit (5 MiB), so that baking any credential up to
# its own 1 MiB cap, or wrapping a PNG in an SVG (+33 % base64), can never fail when served.
UPLOAD_LIMITS = ImageLimits(max_image_bytes=1 * MIB)


def check_achievement_image(
    data: bytes, content_type: str | None, *, limits: ImageLimits = UPLOAD_LIMITS
) -> ImageFormat:
    """Validate an uploaded PNG or SVG and return its format; every failure is a 4xx problem.

    The declared media type decides the format (415 for any other type); the bytes must
    then be a complete, sane image of that format that carries no credential yet.
    """
    limits.check_image_size(len(data))
    fmt = image_format(data, content_type or "")
    if fmt is ImageFormat.PNG:
        check_png_upload(data, limits)
    else:
        check_svg_upload(data, limits)
    return fmt
