"""The issuer ids the VC API signs for: our did:web issuers, and the test-only did:key issuer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.credentials.didkey import DID_KEY_PREFIX
from badge_issuer.credentials.proofs.signer import Signer
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.didweb import issuer_did, verification_method_id
from badge_issuer.keys import didkey_issuer
from badge_issuer.keys import repository as key_repository
from badge_issuer.keys import service as key_service
from badge_issuer.vcapi.errors import UnknownIssuer

_PAGE = 200
_DISCOVERY = "GET /credentials/issuer-ids lists the issuer ids this service signs for."


@dataclass(frozen=True, slots=True)
class IssuerIdentity:
    """An issuer id the VC API accepts, and the verification method its proofs name."""

    id: str
    name: str
    verification_method: str
    method: Literal["did:web", "did:key"]
    test_only: bool = False


def signer_for_issuer(session: Session, *, issuer_id: str, settings: Settings) -> Signer:
    """Return a signer for the active key of the issuer `issuer_id`, or raise UnknownIssuer."""
    if issuer_id.startswith(DID_KEY_PREFIX):
        return _did_key_signer(session, did=issuer_id, settings=settings)
    issuer = issuer_service.get_issuer_by_did(session, issuer_id, settings)
    if issuer is None or didkey_issuer.is_did_key_issuer(issuer):
        raise UnknownIssuer(f"{issuer_id!r} is not an issuer of this service. {_DISCOVERY}")
    _key, signer = key_service.active_signer(session, issuer=issuer, settings=settings)
    return signer


def _did_key_signer(session: Session, *, did: str, settings: Settings) -> Signer:
    if not settings.enable_did_key_issuer:
        raise UnknownIssuer(
            f"{did!r}: did:key issuers are accepted only when the test-only did:key issuer is "
            "enabled (BADGE_ISSUER_ENABLE_DID_KEY_ISSUER, never in production)."
        )
    signer = didkey_issuer.did_key_signer(session, settings=settings, did=did)
    if signer is None:
        raise UnknownIssuer(f"{did!r} is not this service's did:key issuer. {_DISCOVERY}")
    return signer


def _did_web_identities(session: Session, *, settings: Settings) -> list[IssuerIdentity]:
    """Return every did:web issuer with an active key, oldest first."""
    identities: list[IssuerIdentity] = []
    after_id = 0
    while page := issuer_service.list_issuers(session, after_id=after_id, limit=_PAGE):
        after_id = page[-1].id
        for issuer in page:
            key = key_repository.get_active(session, issuer_id=issuer.id)
            if key is None or didkey_issuer.is_did_key_issuer(issuer):
                continue
            did = issuer_did(settings.public_origin, issuer.slug)
            method = verification_method_id(did, key.key_id)
            identities.append(IssuerIdentity(did, issuer.name, method, "did:web"))
    return identities


def issuer_identities(
    session: Session, *, settings: Settings, actor: str, now: datetime
) -> list[IssuerIdentity]:
    """List the issuer ids that can sign now; makes the did:key issuer's key on first use."""
    identities = _did_web_identities(session, settings=settings)
    if settings.enable_did_key_issuer:
        did_key = didkey_issuer.ensure_did_key_issuer(
            session, settings=settings, actor=actor, now=now
        )
        identities.append(
            IssuerIdentity(
                did_key.did,
                didkey_issuer.DID_KEY_ISSUER_NAME,
                did_key.verification_method,
                "did:key",
                test_only=True,
            )
        )
    return identities
