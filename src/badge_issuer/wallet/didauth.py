"""DID authentication of a wallet: the presentation verifier of `verification/`, and our rules.

The verifier (helper `verify`'s `verification.service.verify_presentation`) checks the proof
(Ed25519Signature2020 or eddsa-rdfc-2022, purpose `authentication`, the challenge and domain)
and that the signing key is controlled by the holder. On top, an exchange needs a holder that
is named, and a `did:key` (the method our presentation request accepts).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.wallet.protocol_errors import PresentationRefused

ACCEPTED_METHOD_PREFIX = "did:key:"


def _check_list(report: Any) -> list[dict[str, str]]:
    return [
        {"check": check.check, "status": check.status, "detail": check.detail}
        for check in report.checks
    ]


def authenticate_holder(
    session: Session,
    *,
    presentation: Any,
    challenge: str,
    domain: str | None,
    settings: Settings,
    now: datetime,
) -> str:
    """Return the DID the presentation authenticates, or raise PresentationRefused (401)."""
    from badge_issuer.verification import service as verification_service  # TEMP until verify lands
    from badge_issuer.verification.presentation import holder_of

    if not isinstance(presentation, Mapping):
        raise PresentationRefused("verifiablePresentation must be a JSON object.")
    declared = holder_of(presentation)
    if declared is None:
        raise PresentationRefused("The presentation names no holder DID.")
    report = verification_service.verify_presentation(
        session,
        presentation=presentation,
        challenge=challenge,
        domain=domain,
        settings=settings,
        now=now,
    )
    if report.holder is None:
        reasons = "; ".join(check.detail for check in report.problems) or "not verified"
        raise PresentationRefused(reasons, checks=_check_list(report))
    if report.holder != declared:
        raise PresentationRefused(f"The proof authenticates {report.holder}, not the holder.")
    if not report.holder.startswith(ACCEPTED_METHOD_PREFIX):
        raise PresentationRefused("Only did:key holders are accepted.")
    return report.holder
