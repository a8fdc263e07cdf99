"""Bake or unbake either image format, chosen by media type or by sniffing the bytes."""

from __future__ import annotations

from badge_issuer.images._png_chunks import PNG_SIGNATURE
from badge_issuer.images.errors import UnsupportedImageType
from badge_issuer.images.limits import DEFAULT_LIMITS, ImageLimits
from badge_issuer.images.png import bake_png, unbake_png
from badge_issuer.images.svg import bake_svg, unbake_svg
from badge_issuer.images.unbaked import ImageFormat, UnbakedCredential

_MEDIA_TYPES = {"image/png": ImageFormat.PNG, "image/svg+xml": ImageFormat.SVG}
_UTF8_BOM = b"\xef\xbb\xbf"


def image_format(data: bytes, content_type: str | None = None) -> ImageFormat:
    """Return the format named by `content_type`, or sniffed from `data` when it is None.

    A declared media type wins: bytes that do not match it fail in that format's parser
    with that format's error, rather than being read as something the client did not send.
    """
    if content_type is not None:
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type not in _MEDIA_TYPES:
            raise UnsupportedImageType(
                f"media type {media_type!r} cannot carry a credential; "
                "use image/png or image/svg+xml"
            )
        return _MEDIA_TYPES[media_type]
    if data.startswith(PNG_SIGNATURE):
        return ImageFormat.PNG
    if data[:1024].removeprefix(_UTF8_BOM).lstrip(b" \t\r\n").startswith(b"<"):
        return ImageFormat.SVG
    raise UnsupportedImageType("the data is neither a PNG nor an SVG image")


def bake(
    image: bytes,
    credential_json: str,
    content_type: str | None = None,
    *,
    limits: ImageLimits = DEFAULT_LIMITS,
) -> bytes:
    """Bake `credential_json` into a PNG or SVG image."""
    if image_format(image, content_type) is ImageFormat.PNG:
        return bake_png(image, credential_json, limits=limits)
    return bake_svg(image, credential_json, limits=limits)


def unbake(
    data: bytes,
    content_type: str | None = None,
    *,
    limits: ImageLimits = DEFAULT_LIMITS,
) -> UnbakedCredential:
    """Extract the credential baked into a PNG or SVG image."""
    if image_format(data, content_type) is ImageFormat.PNG:
        return unbake_png(data, limits=limits)
    return unbake_svg(data, limits=limits)
