"""Bounds applied to every image and credential before any work proportional to its content."""

from __future__ import annotations

from dataclasses import dataclass

from badge_issuer.images.errors import ImageTooLarge

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ImageLimits:
    """Size and count bounds for hostile input; the defaults suit badge images."""

    max_image_bytes: int = 5 * MIB
    max_credential_bytes: int = 1 * MIB
    max_png_chunks: int = 10_000

    def check_image_size(self, size: int) -> None:
        """Refuse an image larger than `max_image_bytes`."""
        if size > self.max_image_bytes:
            raise ImageTooLarge(f"image is {size} bytes; the limit is {self.max_image_bytes} bytes")


DEFAULT_LIMITS = ImageLimits()
