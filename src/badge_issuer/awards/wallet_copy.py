"""Issue a wallet's copy of a credential: the same achievement, bound to the holder's DID.

A wallet proves control of a DID (VCALM DID authentication or an OpenID4VCI key proof) and gets
a fresh issuance: `credentialSubject.id` = that DID, the hashed email identifier, achievement,
results and evidence of the original kept, its own status entry, the original's `validUntil`.
The copy has no learner of its own (statistics count the original once) and points at the
original, so revoking the original revokes it too (`awards/revocation.py`).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.awards import repository
from badge_issuer.awards.models import Award, AwardSource
from badge_issuer.awards.urls import credential_url
from badge_issuer.config import Settings
from badge_issuer.credentials import ob3
from badge_issuer.credentials.assembly import assemble_credential
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.issuers import profile as issuer_profile
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import service as key_service
from badge_issuer.status import service as status_service


def _subject_parts(
    document: dict[str, Any],
) -> tuple[ob3.Achievement, ob3.IdentityObject, list[ob3.Result]]:
    subject = document["credentialSubject"]
    identifiers = subject.get("identifier") or []
    if isinstance(identifiers, dict):
        identifiers = [identifiers]
    if not identifiers:
        raise ValueError(f"credential {document.get('id')} has no hashed identifier to keep")
    results = subject.get("result") or []
    return (
        ob3.Achievement.model_validate(subject["achievement"]),
        ob3.IdentityObject.model_validate(identifiers[0]),
        [ob3.Result.model_validate(item) for item in results],
    )


def issue_wallet_copy(
    session: Session, *, original: Award, holder_did: str, settings: Settings, now: datetime
) -> Award:
    """Sign and store the copy of `original` for the wallet that controls `holder_did`."""
    issuer = session.get(Issuer, original.issuer_id)
    if issuer is None:
        raise RuntimeError(f"award {original.uuid} points at a missing issuer")
    signing_key, signer = key_service.active_signer(session, issuer=issuer, settings=settings)
    allocated = status_service.allocate_entry(session, issuer=issuer, settings=settings, now=now)
    document: dict[str, Any] = json.loads(original.document)
    achievement, recipient, results = _subject_parts(document)
    evidence = document.get("evidence") or []
    copy_uuid = str(uuid.uuid4())
    unsigned = assemble_credential(
        credential_id=credential_url(settings, copy_uuid),
        issuer=ob3.Profile.model_validate(issuer_profile.profile(issuer, settings.public_origin)),
        achievement=achievement,
        recipient=recipient,
        subject_id=holder_did,
        valid_from=now,
        valid_until=original.valid_until,
        credential_status=ob3.BitstringStatusListEntry.model_validate(allocated.entry),
        evidence=[ob3.Evidence.model_validate(item) for item in evidence],
        results=results,
        name=document.get("name"),
        description=document.get("description"),
    )
    signed = sign_credential(unsigned, signer, now)
    copy = Award(
        uuid=copy_uuid,
        issuer_id=issuer.id,
        learner_id=None,
        achievement_id=original.achievement_id,
        sequence=0,
        source=AwardSource.WALLET,
        skill_map_version_id=original.skill_map_version_id,
        **status_service.stored_columns(signed, signing_key_id=signing_key.id, allocated=allocated),
        issued_at=now,
        valid_from=now,
        valid_until=original.valid_until,
        derived_from_id=original.id,
    )
    return repository.add(session, copy, [])
