"""Endorse an achievement or an issuer, revoke an endorsement, and find those in force.

An endorsement is an OB 3.0 EndorsementCredential signed by the endorser's active key, with a
revocation entry in the endorser's status list (the list its credentials use), so a verifier
checks it like any credential of ours.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.audit import service as audit
from badge_issuer.config import Settings
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.endorsements import repository
from badge_issuer.endorsements.document import endorsement_credential
from badge_issuer.endorsements.errors import (
    EndorsementNotFound,
    EndorsementSubjectUnknown,
    SelfEndorsement,
)
from badge_issuer.endorsements.models import Endorsement
from badge_issuer.endorsements.schemas import AchievementSubject, EndorsementCreate
from badge_issuer.issuers import profile as issuer_profile
from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.didweb import issuer_did
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import service as key_service
from badge_issuer.kit.lookup import found
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.skillmap.ob3 import achievement_url
from badge_issuer.status import service as status_service

TARGET_TYPE = "endorsement"
ACHIEVEMENT = "achievement"
ISSUER = "issuer"


@dataclass(frozen=True, slots=True)
class _Subject:
    kind: str
    ref: str
    issuer: Issuer
    url: str
    name: str


def endorsement_url(settings: Settings, endorsement_uuid: str) -> str:
    return f"{settings.public_origin}/endorsements/{endorsement_uuid}"


def _subject(session: Session, data: EndorsementCreate, settings: Settings) -> _Subject:
    if isinstance(data.subject, AchievementSubject):
        achievement_id = data.subject.achievement_id
        current = skillmap_service.load_current(session)
        achievement = current.skill_map.find_achievement(achievement_id) if current else None
        if achievement is None:
            raise EndorsementSubjectUnknown(f"No achievement {achievement_id!r} in the skill map.")
        owner = issuer_service.get_issuer(session, achievement.issuer)
        url = achievement_url(settings.public_origin, achievement_id)
        return _Subject(ACHIEVEMENT, achievement_id, owner, url, achievement.name)
    endorsed = issuer_repository.get_by_slug(session, data.subject.issuer)
    if endorsed is None:
        raise EndorsementSubjectUnknown(f"No issuer with slug {data.subject.issuer!r}.")
    did = issuer_did(settings.public_origin, endorsed.slug)
    return _Subject(ISSUER, endorsed.slug, endorsed, did, endorsed.name)


def create_endorsement(
    session: Session, *, data: EndorsementCreate, settings: Settings, actor: str, now: datetime
) -> Endorsement:
    """Sign and store the endorser's EndorsementCredential about the subject (audited)."""
    endorser = issuer_service.get_issuer(session, data.endorser)
    subject = _subject(session, data, settings)
    if subject.issuer.id == endorser.id:
        raise SelfEndorsement(f"Issuer {endorser.slug!r} cannot endorse its own {subject.kind}.")
    signing_key, signer = key_service.active_signer(session, issuer=endorser, settings=settings)
    allocated = status_service.allocate_entry(session, issuer=endorser, settings=settings, now=now)
    endorsement_uuid = str(uuid.uuid4())
    unsigned = endorsement_credential(
        credential_id=endorsement_url(settings, endorsement_uuid),
        endorser=issuer_profile.profile(endorser, settings.public_origin),
        subject_id=subject.url,
        subject_name=subject.name,
        comment=data.comment,
        credential_status=allocated.entry,
        valid_from=now,
    )
    signed = sign_credential(unsigned, signer, now)
    endorsement = repository.add(
        session,
        Endorsement(
            uuid=endorsement_uuid,
            endorser_id=endorser.id,
            subject_type=subject.kind,
            subject_ref=subject.ref,
            subject_issuer_id=subject.issuer.id,
            comment=data.comment,
            **status_service.stored_columns(
                signed, signing_key_id=signing_key.id, allocated=allocated
            ),
            created_by=actor,
            issued_at=now,
        ),
    )
    audit.record(
        session,
        actor=actor,
        action="endorsement.create",
        target_type=TARGET_TYPE,
        target_id=endorsement_uuid,
        now=now,
        details={"endorser": endorser.slug, "subject_type": subject.kind, "subject": subject.ref},
    )
    return endorsement


def get_endorsement(session: Session, endorsement_uuid: str) -> Endorsement:
    """Return the endorsement, or raise EndorsementNotFound (404)."""
    endorsement = repository.get_by_uuid(session, endorsement_uuid)
    return found(endorsement, EndorsementNotFound(f"No endorsement {endorsement_uuid!r}."))


def endorser_slug(session: Session, endorsement: Endorsement) -> str:
    endorser = session.get(Issuer, endorsement.endorser_id)
    return found(endorser, RuntimeError(f"endorsement {endorsement.uuid} has no endorser row")).slug


def revoke_endorsement(
    session: Session,
    *,
    endorsement_uuid: str,
    reason: str,
    actor: str,
    now: datetime,
) -> tuple[Endorsement, bool]:
    """Mark the endorsement revoked (idempotent); return it and whether it already was.

    The caller re-signs the endorser's status list so the revocation is published.
    """
    endorsement = repository.get_by_uuid(session, endorsement_uuid, for_update=True)
    if endorsement is None:
        raise EndorsementNotFound(f"No endorsement {endorsement_uuid!r}.")
    if endorsement.revoked_at is not None:
        return endorsement, True
    endorsement.revoked_at = now
    endorsement.revocation_reason = reason
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="endorsement.revoke",
        target_type=TARGET_TYPE,
        target_id=endorsement.uuid,
        now=now,
        details={"reason": reason, "status_index": endorsement.status_index},
    )
    return endorsement, False


def documents_in_force(
    session: Session, *, subject_type: str, subject_ref: str
) -> list[dict[str, Any]]:
    """The signed endorsements of one achievement or issuer that are not revoked, oldest first."""
    found = repository.in_force(session, subject_type=subject_type, subject_refs=[subject_ref])
    return [json.loads(e.document) for e in found]


def achievement_endorsers(
    session: Session, *, achievement_ids: Collection[str] | None = None
) -> dict[str, list[tuple[Endorsement, Issuer]]]:
    """Map achievement ids to their endorsements in force and endorsers (for the catalog)."""
    found = repository.in_force(session, subject_type=ACHIEVEMENT, subject_refs=achievement_ids)
    endorsers = {i.id: i for i in _issuers(session, found)}
    result: dict[str, list[tuple[Endorsement, Issuer]]] = {}
    for endorsement in found:
        result.setdefault(endorsement.subject_ref, []).append(
            (endorsement, endorsers[endorsement.endorser_id])
        )
    return result


def _issuers(session: Session, found: Collection[Endorsement]) -> list[Issuer]:
    return [i for i in (session.get(Issuer, e.endorser_id) for e in found) if i is not None]


def list_endorsements(
    session: Session, *, after_id: int, limit: int, endorser_ids: Collection[int] | None
) -> list[Endorsement]:
    return list(
        repository.list_page(session, after_id=after_id, limit=limit, endorser_ids=endorser_ids)
    )
