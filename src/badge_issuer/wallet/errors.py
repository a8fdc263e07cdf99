"""Claim-link problems (problem+json). Wallet protocol refusals are in `protocol_errors.py`."""

from __future__ import annotations

from badge_issuer.problems import ProblemError


class ClaimLinkInvalid(ProblemError):
    slug = "claim-link-invalid"
    title = "Claim link is unknown, altered or expired"
    status = 404


class CredentialNotClaimable(ProblemError):
    slug = "credential-not-claimable"
    title = "Credential cannot be claimed"
    status = 409
