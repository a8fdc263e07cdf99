"""What unbaking an image yields: the credential and the format it was found in."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ImageFormat(StrEnum):
    """The two image formats that Open Badges 3.0 defines baking for."""

    PNG = "png"
    SVG = "svg"

    @property
    def media_type(self) -> str:
        """Return the IANA media type of the format."""
        return "image/png" if self is ImageFormat.PNG else "image/svg+xml"


@dataclass(frozen=True, slots=True)
class UnbakedCredential:
    """A credential extracted from a baked image.

    `credential_json` is the text exactly as it sits in the image (the iTXt text, or the
    character data of `<openbadges:credential>`); `credential` is that text parsed.
    """

    image_format: ImageFormat
    credential: dict[str, Any]
    credential_json: str
