"""VC API problems. Each carries the VC API ProblemDetails as the `errors` extension member."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Self

from badge_issuer.problems import (
    BadRequest,
    PayloadTooLarge,
    ProblemError,
    UnsupportedMediaType,
    ValidationFailed,
)
from badge_issuer.vcapi.problem_details import ProblemDetail


class _CarriesProblems(ProblemError):
    """A problem built from VC API ProblemDetails: `detail` lists them, `errors` holds them all.

    Subclasses say how many the detail lists (None: all), whether it counts the rest, and how
    it names the root pointer.
    """

    listed_at_most: ClassVar[int | None] = None
    counts_the_rest: ClassVar[bool] = False
    root_pointer: ClassVar[str] = ""

    @classmethod
    def of(cls, problems: Sequence[ProblemDetail]) -> Self:
        shown = problems[: cls.listed_at_most]
        listed = "; ".join(f"{p.pointer or cls.root_pointer}: {p.detail}" for p in shown)
        rest = len(problems) - len(shown)
        more = f" (and {rest} more)" if cls.counts_the_rest and rest > 0 else ""
        return cls(listed + more, errors=[item.as_json() for item in problems])


class InvalidVcApiRequest(_CarriesProblems, ValidationFailed):
    """The body is not JSON, or not the request the endpoint takes."""

    slug = "invalid-vc-api-request"
    title = "The request body is not a valid VC API request"
    listed_at_most = 5
    root_pointer = "/"


class CredentialRejected(_CarriesProblems, ValidationFailed):
    """The credential cannot be signed as given; `errors` names each offending property."""

    slug = "credential-rejected"
    title = "The credential cannot be issued"
    listed_at_most = 5
    counts_the_rest = True


class UnknownIssuer(BadRequest):
    """The credential's issuer is not one of this service's issuers: nothing is signed."""

    slug = "unknown-issuer"
    title = "The issuer is not an issuer of this service"


class UnsupportedOption(_CarriesProblems, BadRequest):
    """An option is unknown to this service, or not supported by eddsa-rdfc-2022."""

    slug = "unsupported-option"
    title = "An option is not supported"


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
