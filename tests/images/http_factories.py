"""Database rows for the image HTTP tests: issuer, key, status list, award, skill map.

The award's document is a real OB 3.0 credential signed with the credentials core
(eddsa-rdfc-2022, in-memory Ed25519 signer with a fixed seed), stored as compact JSON text
the way awards are stored, so tests can check the baked text byte for byte.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award, AwardSource
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.credentials.proofs.verification_methods import (
    KeyResolutionError,
    VerificationMethod,
)
from badge_issuer.db import session_scope
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys.models import KeyState, SigningKey
from badge_issuer.keys.signer import InMemoryEd25519Signer
from badge_issuer.status.models import StatusList
from tests.skillmap.factories import store_skill_map

ORIGIN = "http://localhost:8000"
ISSUER_DID = "did:web:localhost%3A8000:issuers:default"
ISSUER_NAME = "北海道デジタル人材育成センター"
KEY_ID = "key-images-test"
VERIFICATION_METHOD = f"{ISSUER_DID}#{KEY_ID}"
ACHIEVEMENT_ID = "dx-literacy-bronze"
ACHIEVEMENT_NAME = "北海道DXリテラシー（ブロンズ）"
OTHER_ACHIEVEMENT_ID = "nocode-practitioner"
OTHER_ACHIEVEMENT_NAME = "ノーコード業務改善プラクティショナー"
ISSUED_AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
_SEED = bytes(range(32))


@dataclass(frozen=True, slots=True)
class SeededAward:
    """What a test needs to know about an award it created."""

    uuid: str
    document: str


def fixed_signer() -> InMemoryEd25519Signer:
    """Return the fixed test signer of the default issuer."""
    return InMemoryEd25519Signer.from_seed(_SEED, VERIFICATION_METHOD)


def resolve_test_key(verification_method_id: str) -> VerificationMethod:
    """Resolve only the test key, as the verifier would from this service's key store."""
    if verification_method_id != VERIFICATION_METHOD:
        raise KeyResolutionError(f"unknown test key {verification_method_id!r}")
    return VerificationMethod(
        id=VERIFICATION_METHOD, controller=ISSUER_DID, public_key=fixed_signer().public_key
    )


def signed_credential(credential_uuid: str, *, achievement_id: str, name: str) -> dict[str, Any]:
    """Return an OB 3.0 credential for `achievement_id`, signed by the test key."""
    unsigned = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"{ORIGIN}/credentials/{credential_uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": ISSUER_DID, "type": ["Profile"], "name": ISSUER_NAME},
        "name": name,
        "validFrom": "2026-11-20T10:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": "sha256$" + "0f" * 32,
                    "salt": "c2FsdC1mb3ItdGVzdHM",
                }
            ],
            "achievement": {
                "id": f"{ORIGIN}/achievements/{achievement_id}",
                "type": ["Achievement"],
                "name": name,
                "description": "DXの基礎知識を修得したことを認定します。",
                "criteria": {"narrative": "指定講座のうち2講座以上を修了すること。"},
            },
        },
    }
    return sign_credential(unsigned, fixed_signer(), ISSUED_AT)


def seed_award(
    app: FastAPI,
    *,
    achievement_id: str = ACHIEVEMENT_ID,
    name: str = ACHIEVEMENT_NAME,
    revoked: bool = False,
) -> SeededAward:
    """Insert an award (and the issuer, key and status list it needs) and return it."""
    credential_uuid = str(uuid.uuid4())
    document = json.dumps(
        signed_credential(credential_uuid, achievement_id=achievement_id, name=name),
        ensure_ascii=False,
        separators=(",", ":"),
    )
    for session in session_scope(app.state.session_factory):
        issuer = ensure_issuer(session)
        key = _ensure_key(session, issuer)
        status_list = _ensure_status_list(session, issuer)
        index = len(session.scalars(select(Award.id)).all())
        session.add(
            Award(
                uuid=credential_uuid,
                issuer_id=issuer.id,
                learner_id=None,
                achievement_id=achievement_id,
                sequence=0,
                source=AwardSource.DIRECT,
                signing_key_id=key.id,
                status_list_id=status_list.id,
                status_index=index,
                document=document,
                issued_at=ISSUED_AT,
                valid_from=ISSUED_AT,
                valid_until=None,
                revoked_at=ISSUED_AT if revoked else None,
                revocation_reason="test" if revoked else None,
            )
        )
    return SeededAward(credential_uuid, document)


def ensure_issuer(session: Session) -> Issuer:
    """Return the default issuer, creating it with a Japanese name if missing."""
    issuer = session.scalars(select(Issuer).where(Issuer.slug == "default")).first()
    if issuer is None:
        issuer = Issuer(
            slug="default", name=ISSUER_NAME, created_at=ISSUED_AT, updated_at=ISSUED_AT
        )
        session.add(issuer)
        session.flush()
    return issuer


def load_skill_map(
    app: FastAPI, *, achievements: tuple[tuple[str, str], ...] | None = None
) -> None:
    """Store a skill map (current version) with these (id, name) achievements."""
    chosen = achievements or (
        (ACHIEVEMENT_ID, ACHIEVEMENT_NAME),
        (OTHER_ACHIEVEMENT_ID, OTHER_ACHIEVEMENT_NAME),
    )
    document = {
        "version": "images-test",
        "frameworks": [{"id": "fw", "name": "Framework", "url": "https://fw.example.jp/"}],
        "skills": [{"id": "dx", "name": "DX", "framework": "fw", "code": "DX1"}],
        "courses": [
            {"provider": "lms", "course_id": "DXL-101", "name": "DX入門", "skills": ["dx"]}
        ],
        "achievements": [
            {
                "id": achievement_id,
                "name": name,
                "description": "説明",
                "criteria": "基準",
                "image": f"https://badges.example.jp/images/{achievement_id}.png",
                "skills": ["dx"],
                "rule": {"course": {"provider": "lms", "course_id": "DXL-101"}},
            }
            for achievement_id, name in chosen
        ],
    }
    for session in session_scope(app.state.session_factory):
        ensure_issuer(session)
        store_skill_map(session, data=document, now=ISSUED_AT, allow_unknown_providers=True)


def _ensure_key(session: Session, issuer: Issuer) -> SigningKey:
    key = session.scalars(select(SigningKey).where(SigningKey.key_id == KEY_ID)).first()
    if key is None:
        key = SigningKey(
            issuer_id=issuer.id,
            key_id=KEY_ID,
            state=KeyState.ACTIVE,
            public_key_multibase=fixed_signer().public_key_multibase,
            # Never unwrapped by these tests: the document is signed in memory above.
            wrapped_private_key=b"not-used-by-image-tests",
            kek_fingerprint="test",
            created_at=ISSUED_AT,
            activated_at=ISSUED_AT,
        )
        session.add(key)
        session.flush()
    return key


def _ensure_status_list(session: Session, issuer: Issuer) -> StatusList:
    status_list = session.scalars(select(StatusList)).first()
    if status_list is None:
        status_list = StatusList(
            public_id=str(uuid.uuid4()),
            issuer_id=issuer.id,
            size=131072,
            permutation_key=bytes(32),
            created_at=ISSUED_AT,
            updated_at=ISSUED_AT,
        )
        session.add(status_list)
        session.flush()
    return status_list
