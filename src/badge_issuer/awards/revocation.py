"""Revoke a credential: set its award's revocation, audit it, and re-sign its status list.

Idempotent: revoking a revoked credential changes nothing and records no second audit event
(the first event already says who revoked it, when and why); the answer says it was already
revoked. The reason stays in the award row and the audit log: it is never published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from badge_issuer.audit import service as audit
from badge_issuer.awards import events as award_events
from badge_issuer.awards import repository, status_lists
from badge_issuer.awards.errors import CredentialNotFound
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.status import repository as status_repository
from badge_issuer.status.service import list_url

TARGET_TYPE = "credential"
ACTION = "credential.revoke"


@dataclass(frozen=True)
class Revocation:
    """A revoked credential, and whether this call revoked it or it already was."""

    award: Award
    status_list_credential: str
    already_revoked: bool


def revoke_credential(
    session: Session,
    *,
    credential_uuid: str,
    reason: str,
    actor: str,
    settings: Settings,
    now: datetime,
) -> Revocation:
    """Revoke the credential `credential_uuid`, or raise CredentialNotFound (404)."""
    award = repository.award_for_update(session, credential_uuid)
    if award is None:
        raise CredentialNotFound(f"No credential {credential_uuid!r}.")
    status_list = status_repository.get(session, award.status_list_id)
    if status_list is None:
        raise RuntimeError(f"award {award.uuid} points at a missing status list")
    url = list_url(settings, status_list.public_id)
    if award.revoked_at is not None:
        return Revocation(award=award, status_list_credential=url, already_revoked=True)
    award.revoked_at = now
    award.revocation_reason = reason
    # Wallet copies (subject = the holder's DID) stand on this award: they go with it.
    copies = [c for c in repository.copies_of(session, award.id) if c.revoked_at is None]
    for copy in copies:
        copy.revoked_at = now
        copy.revocation_reason = f"original credential {award.uuid} revoked: {reason}"[:500]
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=ACTION,
        target_type=TARGET_TYPE,
        target_id=award.uuid,
        now=now,
        details={
            "reason": reason,
            "status_list": status_list.public_id,
            "status_index": award.status_index,
            "wallet_copies": [copy.uuid for copy in copies],
        },
    )
    changed = {status_list.id: status_list}
    for copy in copies:
        if copy.status_list_id not in changed:
            other = status_repository.get(session, copy.status_list_id)
            if other is not None:
                changed[other.id] = other
    for each in changed.values():
        status_lists.refresh_after_change(session, status_list=each, settings=settings, now=now)
    award_events.credential_revoked(session, award=award, settings=settings, now=now)
    return Revocation(award=award, status_list_credential=url, already_revoked=False)
