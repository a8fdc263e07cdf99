"""DID authentication of a wallet for the exchanges: who the presentation authenticates.

The presentation goes through the verifier's one engine (`verification.service.
verify_presentation`: the presentation rule set, bundled contexts only, under the CPU budget),
so a wallet's DID-auth VP is judged exactly as `POST /presentations/verify` would judge it.
A DID-authentication exchange needs more than a verified presentation: the holder must be
named (the credential is issued to it, so "whoever signed" is not enough) and must be a DID.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.verification.presentation import holder_of
from badge_issuer.verification.service import verify_presentation
from badge_issuer.wallet.protocol_errors import PresentationRefused


def authenticate_holder(
    session: Session,
    presentation: Any,
    *,
    challenge: str,
    domain: str | None,
    settings: Settings,
    now: datetime,
) -> str:
    """Return the holder DID the presentation authenticates, or raise PresentationRefused."""
    if not isinstance(presentation, dict):
        raise PresentationRefused("DID authentication failed: the presentation is not an object.")
    named = holder_of(presentation)
    if named is None or not named.startswith("did:"):
        raise PresentationRefused("DID authentication failed: the VP names no holder DID.")
    report = verify_presentation(
        session,
        presentation=presentation,
        challenge=challenge,
        domain=domain,
        settings=settings,
        now=now,
    )
    if report.holder is None:
        reasons = "; ".join(f"{check.check}: {check.detail}" for check in report.problems)
        raise PresentationRefused(f"DID authentication failed: {reasons or 'not verified'}.")
    return report.holder
