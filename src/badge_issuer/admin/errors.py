"""Admin access problems."""

from __future__ import annotations

from badge_issuer.problems import Forbidden, NotFound, Unauthorized, ValidationFailed


class InvalidToken(Unauthorized):
    slug = "invalid-token"
    title = "Missing or invalid admin token"


class MissingScope(Forbidden):
    slug = "missing-scope"
    title = "Token lacks the required scope"


class IssuerNotAllowed(Forbidden):
    slug = "issuer-not-allowed"
    title = "Token is not bound to this issuer"


class PlatformOperation(Forbidden):
    slug = "platform-operation"
    title = "Operation acts on the whole platform"


class TokenNotFound(NotFound):
    slug = "token-not-found"
    title = "Admin token not found"


class InvalidTokenRequest(ValidationFailed):
    slug = "invalid-token-request"
    title = "Token cannot be created as asked"
