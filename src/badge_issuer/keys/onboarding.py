"""A new issuer signs at once: it is created together with its first, active, key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.models import Issuer
from badge_issuer.issuers.schemas import IssuerCreate
from badge_issuer.keys import service as key_service


def create_signing_issuer(
    session: Session, *, data: IssuerCreate, settings: Settings, actor: str, now: datetime
) -> Issuer:
    """Create the issuer and one active Ed25519 key in the caller's transaction (all audited)."""
    issuer = issuer_service.create_issuer(session, data=data, actor=actor, now=now)
    key = key_service.create_key(session, issuer=issuer, settings=settings, actor=actor, now=now)
    key_service.activate_key(session, issuer=issuer, key_id=key.key_id, actor=actor, now=now)
    return issuer
