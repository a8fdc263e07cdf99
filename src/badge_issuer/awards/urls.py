"""Public URLs of awards: one place, for the flows that issue and the events that announce."""

from __future__ import annotations

from badge_issuer.config import Settings


def credential_url(settings: Settings, credential_uuid: str) -> str:
    return f"{settings.public_origin}/credentials/{credential_uuid}"
