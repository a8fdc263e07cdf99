"""Finding the one credential an image carries, alike for PNG chunks and SVG elements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from badge_issuer.images.credential_text import parse_credential_text
from badge_issuer.images.errors import (
    LegacyBadgeNotSupported,
    MultipleCredentials,
    NoBakedCredential,
)
from badge_issuer.images.unbaked import ImageFormat, UnbakedCredential

Carrier = TypeVar("Carrier")


@dataclass(frozen=True, slots=True)
class CarrierWords:
    """How an image format's error details name what carries (or fails to carry) a credential.

    `several` is a format string given the number of carriers as `{count}`.
    """

    legacy: str
    missing: str
    several: str


def only_carrier(
    carriers: Sequence[Carrier], *, has_legacy: Callable[[], bool], words: CarrierWords
) -> Carrier:
    """Return the one carrier OB 3.0 allows; raise the matching unbaking error otherwise.

    `has_legacy` is asked only when nothing carries an OB 3.0 credential, to tell an Open
    Badges 2.0 image from one that was never baked.
    """
    if not carriers:
        if has_legacy():
            raise LegacyBadgeNotSupported(words.legacy)
        raise NoBakedCredential(words.missing)
    if len(carriers) > 1:
        raise MultipleCredentials(words.several.format(count=len(carriers)))
    return carriers[0]


def unbaked(image_format: ImageFormat, text: str) -> UnbakedCredential:
    """Return the credential whose text was read out of an image of `image_format`."""
    return UnbakedCredential(image_format, parse_credential_text(text), text)
