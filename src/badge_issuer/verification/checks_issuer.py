"""Is the issuer one the programme knows? And was the credential issued to this person?

A valid signature proves only that whoever controls the issuer's key signed the credential.
Anyone can make a did:key and sign a credential calling itself "北海道 (Hokkaido Prefecture)"
with a real achievement's name: it verifies. What tells an employer who the issuer is, is
the operator's registry (this service's own issuers and the partner trust list): the
`issuer-recognized` check, and the only issuer name a report vouches for (CONTRACT section 8).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from badge_issuer.verification.ports import KnownIssuer
from badge_issuer.verification.report import Check, CheckName, RecipientMatch


def claimed_issuer_name(document: Mapping[str, Any]) -> str | None:
    """Return the name the credential gives its issuer (a claim, not checked by anyone)."""
    issuer = document.get("issuer")
    name = issuer.get("name") if isinstance(issuer, Mapping) else None
    return name if isinstance(name, str) else None


def issuer_recognized_check(
    issuer: str | None, known: KnownIssuer | None, claimed: str | None, *, signed_by_issuer: bool
) -> Check:
    """Say whether the registry knows the issuer, and what a reader may conclude from it."""
    name = CheckName.ISSUER_RECOGNIZED
    if issuer is None:
        return Check.warning(name, "the credential names no issuer, so nobody vouches for it")
    if known is not None and not signed_by_issuer:
        detail = (
            f"{issuer} is {known.name} in {known.source}, but this credential's proof is not "
            "that issuer's valid signature, so it was not issued by them"
        )
        return Check.skipped(name, detail)
    if known is not None:
        return Check.passed(name, f"{issuer} is {known.name}, listed by {known.source}")
    calls_itself = (
        f' It calls itself "{claimed}"; that name is its own claim, which nobody checked.'
        if claimed
        else ""
    )
    return Check.warning(
        name,
        f"{issuer} is not an issuer this service knows: neither one of its own issuers nor a "
        "partner on its trust list. A valid proof only shows that whoever controls this "
        "identifier issued the credential, not who that is; do not rely on it as a "
        f"credential of the programme.{calls_itself}",
    )


def recipient_check(match: RecipientMatch) -> Check:
    """The recipient check: failed when the credential was not issued to the email given."""
    if match.matched:
        return Check.passed(CheckName.RECIPIENT, match.detail)
    return Check.failed(CheckName.RECIPIENT, match.detail)
