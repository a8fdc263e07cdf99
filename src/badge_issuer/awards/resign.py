"""Re-sign the credentials of a key (typically a revoked one) with the issuer's active key.

Each call handles the next batch: a re-signed award points at the new key, so it drops out of
the query and the next call picks up where this one stopped. Credential ids, URLs and every
other member stay as they were; only the proof is replaced.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.orm import Session

from badge_issuer.audit import service as audit
from badge_issuer.awards import repository
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.credentials.proofs.signer import Signer
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import service as key_service
from badge_issuer.keys.errors import KeyStateConflict

log = structlog.get_logger(__name__)

DEFAULT_BATCH_SIZE = 100
MAX_BATCH_SIZE = 1000


@dataclass(frozen=True, slots=True)
class ResignOutcome:
    """What one call did: how many it re-signed, how many are left."""

    key_id: str
    signing_key_id: str
    resigned: int
    remaining: int

    @property
    def done(self) -> bool:
        return self.remaining == 0


def replace_proof(document: dict[str, Any], signer: Signer, created: datetime) -> dict[str, Any]:
    """Return the document with its proof replaced by a new one from `signer`.

    Our credentials carry exactly one proof (../shared/CONTRACT.md section 3), so the whole
    proof member goes.
    """
    unsigned = {member: value for member, value in document.items() if member != "proof"}
    return sign_credential(unsigned, signer, created)


def serialize(document: dict[str, Any]) -> str:
    """Serialise a credential as the award flow stores it (compact, UTF-8 kept)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def resign_batch(
    session: Session,
    *,
    issuer: Issuer,
    key_id: str,
    batch_size: int,
    settings: Settings,
    actor: str,
    now: datetime,
) -> ResignOutcome:
    """Re-sign the next `batch_size` unrevoked credentials of `key_id` with the active key."""
    old_key = key_service.get_key(session, issuer=issuer, key_id=key_id)
    active_key, signer = key_service.active_signer(session, issuer=issuer, settings=settings)
    if active_key.id == old_key.id:
        raise KeyStateConflict(
            f"Key {key_id!r} is the active key: its credentials need no re-signing.",
            key_id=key_id,
        )
    awards = repository.unrevoked_awards_signed_by(
        session, signing_key_id=old_key.id, limit=batch_size
    )
    for award in awards:
        award.document = serialize(replace_proof(json.loads(award.document), signer, now))
        award.signing_key_id = active_key.id
    session.flush()
    outcome = ResignOutcome(
        key_id=key_id,
        signing_key_id=active_key.key_id,
        resigned=len(awards),
        remaining=repository.count_unrevoked_awards_signed_by(session, signing_key_id=old_key.id),
    )
    _record(session, issuer=issuer, outcome=outcome, awards=awards, actor=actor, now=now)
    return outcome


def _record(
    session: Session,
    *,
    issuer: Issuer,
    outcome: ResignOutcome,
    awards: Sequence[Award],
    actor: str,
    now: datetime,
) -> None:
    audit.record(
        session,
        actor=actor,
        action="key.resign",
        target_type=key_service.TARGET_TYPE,
        target_id=key_service.audit_target(issuer, outcome.key_id),
        now=now,
        details={
            "resigned": outcome.resigned,
            "remaining": outcome.remaining,
            "signing_key_id": outcome.signing_key_id,
            "credentials": [award.uuid for award in awards],
        },
    )
    log.info(
        "key.resign",
        issuer=issuer.slug,
        key_id=outcome.key_id,
        resigned=outcome.resigned,
        remaining=outcome.remaining,
    )
