"""Admin access problems."""

from __future__ import annotations

from badge_issuer.problems import Forbidden, NotFound, Unauthorized


class InvalidToken(Unauthorized):
    slug = "invalid-token"
    title = "Missing or invalid admin token"


class MissingScope(Forbidden):
    slug = "missing-scope"
    title = "Token lacks the required scope"


class TokenNotFound(NotFound):
    slug = "token-not-found"
    title = "Admin token not found"
