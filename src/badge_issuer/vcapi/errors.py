"""VC API problems. Each carries the VC API ProblemDetails as the `errors` extension member."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from badge_issuer.problems import (
    BadRequest,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from badge_issuer.vcapi.problem_details import ProblemDetail


def _errors(problems: Sequence[ProblemDetail]) -> list[dict[str, Any]]:
    return [item.as_json() for item in problems]


class InvalidVcApiRequest(ValidationFailed):
    """The body is not JSON, or not the request the endpoint takes."""

    slug = "invalid-vc-api-request"
    title = "The request body is not a valid VC API request"

    @classmethod
    def of(cls, problems: Sequence[ProblemDetail]) -> InvalidVcApiRequest:
        listed = "; ".join(f"{p.pointer or '/'}: {p.detail}" for p in problems[:5])
        return cls(listed, errors=_errors(problems))


class CredentialRejected(ValidationFailed):
    """The credential cannot be signed as given; `errors` names each offending property."""

    slug = "credential-rejected"
    title = "The credential cannot be issued"

    @classmethod
    def of(cls, problems: Sequence[ProblemDetail]) -> CredentialRejected:
        listed = "; ".join(f"{p.pointer}: {p.detail}" for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        return cls(listed + more, errors=_errors(problems))


class UnknownIssuer(BadRequest):
    """The credential's issuer is not one of this service's issuers: nothing is signed."""

    slug = "unknown-issuer"
    title = "The issuer is not an issuer of this service"


class UnsupportedOption(BadRequest):
    """An option is unknown to this service, or not supported by eddsa-rdfc-2022."""

    slug = "unsupported-option"
    title = "An option is not supported"

    @classmethod
    def of(cls, problems: Sequence[ProblemDetail]) -> UnsupportedOption:
        listed = "; ".join(f"{p.pointer}: {p.detail}" for p in problems)
        return cls(listed, errors=_errors(problems))


class CredentialNotVerified(BadRequest):
    """The credential did not verify; the body carries the VC API verification result."""

    slug = "credential-not-verified"
    title = "The credential did not verify"


class PresentationNotVerified(BadRequest):
    """The presentation did not verify; the body carries the VC API verification result."""

    slug = "presentation-not-verified"
    title = "The presentation did not verify"


class VcApiBodyTooLarge(PayloadTooLarge):
    slug = "vc-api-body-too-large"
    title = "Request body too large"


class VcApiMediaTypeUnsupported(UnsupportedMediaType):
    slug = "vc-api-unsupported-media-type"
    title = "Unsupported media type"
