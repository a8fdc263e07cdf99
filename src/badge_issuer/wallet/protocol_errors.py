"""Refusals of the wallet protocols.

VCALM exchanges and the LCW request answer RFC 9457 problem+json (a JSON error body, as the
house style wants). The OpenID4VCI endpoints answer OAuth-style `{"error", "error_description"}`
bodies instead (RFC 6749 section 5.2, OpenID4VCI 1.0 sections 6.3 and 8.3.1.2): wallets parse
that shape, so those endpoints are the one exception to problem+json (`OAuthError` below).
"""

from __future__ import annotations

from typing import Any, ClassVar

from badge_issuer.problems import ProblemError


class ExchangeNotFound(ProblemError):
    slug = "exchange-not-found"
    title = "Exchange not found"
    status = 404


class ExchangeExpired(ProblemError):
    slug = "exchange-expired"
    title = "Exchange has expired"
    status = 410


class ExchangeComplete(ProblemError):
    slug = "exchange-complete"
    title = "Exchange is already complete"
    status = 409


class ExchangeNotStarted(ProblemError):
    slug = "exchange-not-started"
    title = "Ask for the presentation request first"
    status = 409


class PresentationRefused(ProblemError):
    slug = "did-authentication-failed"
    title = "DID authentication failed"
    status = 401


class OAuthError(Exception):
    """An OAuth-style error answer: `{"error": code, "error_description": text}`."""

    status: ClassVar[int] = 400

    def __init__(self, error: str, description: str, *, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status_code = status

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "error_description": self.description}
