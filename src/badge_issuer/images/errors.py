"""Typed failures of baking and unbaking, each a ProblemError carrying its HTTP status.

The problem handlers render them as RFC 9457 problems; `detail` says what exactly was wrong
with the image, never echoing its content.
"""

from __future__ import annotations

from badge_issuer.problems import ProblemError


class BakedImageError(ProblemError):
    """An image could not be baked or unbaked."""

    slug = "image-invalid"
    title = "Image cannot be processed"
    status = 422

    def __init__(self, detail: str) -> None:
        super().__init__(detail)


class ImageTooLarge(BakedImageError):
    slug = "image-too-large"
    title = "Image is too large"
    status = 413


class UnsupportedImageType(BakedImageError):
    slug = "image-type-unsupported"
    title = "Only PNG and SVG images can carry a credential"
    status = 415


class MalformedPng(BakedImageError):
    slug = "png-malformed"
    title = "PNG image is malformed"


class NotAPng(MalformedPng):
    slug = "png-signature-invalid"
    title = "Data is not a PNG image"


class TruncatedPng(MalformedPng):
    slug = "png-truncated"
    title = "PNG image is truncated"


class PngCrcMismatch(MalformedPng):
    slug = "png-crc-mismatch"
    title = "PNG chunk fails its CRC check"


class PngChunkLimitExceeded(MalformedPng):
    slug = "png-too-many-chunks"
    title = "PNG image has too many chunks"


class MalformedSvg(BakedImageError):
    slug = "svg-malformed"
    title = "SVG image is malformed"


class UnsafeSvg(MalformedSvg):
    slug = "svg-unsafe"
    title = "SVG image uses a DTD, entities or external references"


class SvgNamespaceConflict(MalformedSvg):
    slug = "svg-namespace-conflict"
    title = "SVG binds the openbadges prefix to another namespace"


class NoBakedCredential(BakedImageError):
    slug = "credential-not-baked"
    title = "Image carries no Open Badges 3.0 credential"


class LegacyBadgeNotSupported(NoBakedCredential):
    slug = "legacy-badge-not-supported"
    title = "Image carries an Open Badges 2.0 assertion, not an OB 3.0 credential"


class MultipleCredentials(BakedImageError):
    slug = "credential-baked-twice"
    title = "Image carries more than one credential"


class CredentialTooLarge(BakedImageError):
    slug = "credential-too-large"
    title = "Baked credential is too large"
    status = 413


class InvalidCredentialText(BakedImageError):
    slug = "credential-text-invalid"
    title = "Baked credential is not a UTF-8 JSON object"


class UnsupportedCredentialFormat(BakedImageError):
    slug = "credential-format-unsupported"
    title = "Baked credential is a VC-JWT; only embedded-proof JSON is supported"
