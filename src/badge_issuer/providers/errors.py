"""Problems of provider administration and completion intake."""

from __future__ import annotations

from badge_issuer.problems import (
    BadRequest,
    Conflict,
    NotFound,
    PayloadTooLarge,
    ProblemError,
    UnsupportedMediaType,
    ValidationFailed,
)


class ProviderNotFound(NotFound):
    slug = "provider-not-found"
    title = "Provider not found"


class ProviderExists(Conflict):
    slug = "provider-exists"
    title = "A provider with this id already exists"


class ProviderSuspended(Conflict):
    slug = "provider-suspended"
    title = "Provider is suspended"


class WebhookRejected(ProblemError):
    """One answer for every authentication failure, so provider ids cannot be probed."""

    slug = "webhook-signature-invalid"
    title = "Webhook could not be authenticated"
    status = 401


class WebhookIdReused(Conflict):
    slug = "webhook-id-reused"
    title = "Webhook id already used with another body"


class CompletionTooLarge(PayloadTooLarge):
    slug = "payload-too-large"
    title = "Request body too large"


class InvalidCompletion(ValidationFailed):
    """The body is not a valid completion; `errors` lists each invalid field."""


class UnknownCourse(ValidationFailed):
    slug = "unknown-course"
    title = "Course is not in the skill map"


class UnsupportedImportFormat(UnsupportedMediaType):
    slug = "unsupported-import-format"
    title = "Import body must be JSON Lines or CSV"


class UnreadableImport(BadRequest):
    slug = "unreadable-import"
    title = "Import body cannot be read"
