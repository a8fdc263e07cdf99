"""My-badges problems. The HTML routes render these as pages; their status codes are these."""

from __future__ import annotations

from badge_issuer.problems import ProblemError


class SignInLinkInvalid(ProblemError):
    slug = "sign-in-link-invalid"
    title = "Sign-in link is unknown, used or expired"
    status = 404


class ForeignOrigin(ProblemError):
    slug = "foreign-origin"
    title = "Request from another site"
    status = 403


class SignInRateLimited(ProblemError):
    slug = "rate-limited"
    title = "Too many requests"
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many sign-in requests; retry after {retry_after} s.")
        self.retry_after = retry_after
