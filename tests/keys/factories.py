"""Test credentials: a minimal OpenBadgeCredential signed with an issuer's active key, stored
as an Award with its status list row; and verification through our own key store."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award, AwardSource
from badge_issuer.config import Settings
from badge_issuer.credentials.ob3 import OpenBadgeCredential, format_datetime
from badge_issuer.credentials.proofs.data_integrity import (
    sign_credential,
    verify_credential_proof,
)
from badge_issuer.credentials.proofs.result import ProofResult
from badge_issuer.issuers import profile
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import service as key_service
from badge_issuer.status.models import StatusList
from tests.key_resolvers import local_key_resolver

STATUS_LIST_SIZE = 131_072


def status_list_for(session: Session, issuer: Issuer, *, now: datetime) -> StatusList:
    """Return the issuer's test status list, creating it with a random permutation key."""
    existing = session.scalars(select(StatusList).where(StatusList.issuer_id == issuer.id)).first()
    if existing is not None:
        return existing
    status_list = StatusList(
        public_id=str(uuid.uuid4()),
        issuer_id=issuer.id,
        purpose="revocation",
        size=STATUS_LIST_SIZE,
        allocated=0,
        permutation_key=os.urandom(32),
        created_at=now,
        updated_at=now,
    )
    session.add(status_list)
    session.flush()
    return status_list


def _next_index(session: Session, status_list: StatusList) -> int:
    used = session.scalar(
        select(func.count()).select_from(Award).where(Award.status_list_id == status_list.id)
    )
    return int(used or 0)


def _subject(origin: str) -> dict[str, Any]:
    """Return an AchievementSubject identified by a salted hash of an email address."""
    salt = uuid.uuid4().hex
    identity_hash = "sha256$" + hashlib.sha256(f"learner@example.jp{salt}".encode()).hexdigest()
    return {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": identity_hash,
                "salt": salt,
            }
        ],
        "achievement": {
            "id": f"{origin}/achievements/dx-basics",
            "type": ["Achievement"],
            "name": "DX基礎",
            "description": "Completed the DX basics course.",
            "criteria": {"narrative": "Complete the course with a passing score."},
        },
    }


def credential_document(
    issuer: Issuer,
    *,
    settings: Settings,
    credential_uuid: str,
    status_url: str,
    index: int,
    now: datetime,
) -> dict[str, Any]:
    """Build a minimal valid OpenBadgeCredential (unsigned)."""
    origin = settings.public_origin
    document = {
        "@context": list(profile.PROFILE_CONTEXT),
        "id": f"{origin}/credentials/{credential_uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": profile.profile(issuer, origin),
        "name": "DX基礎 (DX basics)",
        "validFrom": format_datetime(now),
        "credentialSubject": _subject(origin),
        "credentialStatus": {
            "id": f"{status_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": status_url,
        },
    }
    OpenBadgeCredential.model_validate(document)
    return document


def issue_test_credential(
    session: Session, *, issuer: Issuer, settings: Settings, now: datetime
) -> Award:
    """Sign a credential with the issuer's active key and store it as an Award."""
    signing_key, signer = key_service.active_signer(session, issuer=issuer, settings=settings)
    status_list = status_list_for(session, issuer, now=now)
    index = _next_index(session, status_list)
    credential_uuid = str(uuid.uuid4())
    status_url = f"{settings.public_origin}/status-lists/{status_list.public_id}"
    unsigned = credential_document(
        issuer,
        settings=settings,
        credential_uuid=credential_uuid,
        status_url=status_url,
        index=index,
        now=now,
    )
    signed = sign_credential(unsigned, signer, now)
    award = Award(
        uuid=credential_uuid,
        issuer_id=issuer.id,
        learner_id=None,
        achievement_id="dx-basics",
        sequence=index,
        source=AwardSource.DIRECT,
        signing_key_id=signing_key.id,
        status_list_id=status_list.id,
        status_index=index,
        document=json.dumps(signed, ensure_ascii=False, separators=(",", ":")),
        issued_at=now,
        valid_from=now,
        valid_until=None,
    )
    session.add(award)
    session.flush()
    return award


def verify_with_local_keys(
    session: Session, document: dict[str, Any], *, settings: Settings
) -> ProofResult:
    """Verify a credential's proof, resolving keys through our own key store only."""
    resolver = local_key_resolver(session, settings=settings)
    return verify_credential_proof(document, resolver)
