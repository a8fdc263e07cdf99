"""DID authentication of a wallet for the exchanges: who the presentation authenticates.

The check itself is `vp_auth.authenticate` (pure), a stand-in until helper `verify`'s
presentation verifier (`verification.service.verify_presentation`) is on main; this module is
the one place that switches to it.
"""

from __future__ import annotations

from typing import Any

from badge_issuer.wallet.protocol_errors import PresentationRefused
from badge_issuer.wallet.vp_auth import DidAuthFailed, authenticate


def authenticate_holder(presentation: Any, *, challenge: str, domain: str | None) -> str:
    """Return the holder DID the presentation authenticates, or raise PresentationRefused."""
    try:
        return authenticate(presentation, challenge=challenge, domain=domain).holder
    except DidAuthFailed as refusal:
        raise PresentationRefused(f"DID authentication failed: {refusal}") from refusal
