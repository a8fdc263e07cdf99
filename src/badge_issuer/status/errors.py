"""Status-list and revocation problems."""

from __future__ import annotations

from badge_issuer.problems import NotFound, ProblemError


class StatusListNotFound(NotFound):
    slug = "status-list-not-found"
    title = "Status list not found"


class StatusListUnavailable(ProblemError):
    """The list cannot be signed right now (its issuer has no usable active key)."""

    slug = "status-list-unavailable"
    title = "Status list cannot be signed"
    status = 503
