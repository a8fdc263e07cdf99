"""Problems of verification requests: only malformed requests are errors, never bad credentials."""

from __future__ import annotations

from badge_issuer.problems import PayloadTooLarge, UnsupportedMediaType, ValidationFailed


class NotACredential(ValidationFailed):
    slug = "not-a-credential"
    title = "The request does not hold a credential"


class CredentialTooLarge(PayloadTooLarge):
    slug = "credential-too-large"
    title = "Credential too large"


class UnsupportedCredentialType(UnsupportedMediaType):
    slug = "unsupported-credential-media-type"
    title = "Unsupported credential media type"


class ImageWorkLimit(ValidationFailed):
    slug = "image-work-limit"
    title = "The image costs too much to read"
