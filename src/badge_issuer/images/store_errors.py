"""Problems of uploading, storing and serving badge images.

`errors.py` holds the failures of baking and unbaking themselves; these are the checks an
uploaded image must pass before it is stored, and the lookups of the HTTP routes.
"""

from __future__ import annotations

from badge_issuer.images.errors import BakedImageError, MalformedPng, UnsafeSvg
from badge_issuer.problems import NotFound


class ImageAlreadyBaked(BakedImageError):
    slug = "image-already-baked"
    title = "Image already carries a badge credential or assertion"


class UnsafeSvgContent(UnsafeSvg):
    slug = "svg-active-content"
    title = "SVG has scripts, event handlers or external references"


class PngTooManyPixels(BakedImageError):
    slug = "png-dimensions-too-large"
    title = "PNG image has too many pixels"


class PngPixelDataInvalid(MalformedPng):
    slug = "png-pixel-data-invalid"
    title = "PNG pixel data does not match its header"


class AnimatedPngRefused(BakedImageError):
    slug = "png-animated"
    title = "Animated PNGs are not accepted as badge images"


class AchievementImageNotUploaded(NotFound):
    slug = "achievement-image-not-uploaded"
    title = "No image was uploaded for this achievement"


class BadgePngUnavailable(NotFound):
    slug = "badge-png-unavailable"
    title = "Only an SVG image is available for this badge"
