"""Test credentials built with the credentials core, signed, and stored as Award rows."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award, AwardSource
from badge_issuer.config import Settings
from badge_issuer.credentials.assembly import assemble_credential
from badge_issuer.credentials.identity import email_identity
from badge_issuer.credentials.ob3 import Achievement, BitstringStatusListEntry, Criteria, Profile
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.credentials.proofs.signer import Signer
from badge_issuer.credentials.salt import new_salt
from badge_issuer.db import session_scope
from badge_issuer.issuers import profile
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import service as key_service
from badge_issuer.keys.signer import InMemoryEd25519Signer
from badge_issuer.status import service as status_service

RECIPIENT = "learner@example.jp"
ACTOR = "test"


@contextmanager
def db(app: FastAPI) -> Iterator[Session]:
    """One committed transaction on the app's database."""
    yield from session_scope(app.state.session_factory)


def make_issuer(session: Session, *, slug: str, now: datetime, settings: Settings) -> Issuer:
    """Create an issuer with one active Ed25519 key (through the keys service)."""
    issuer = issuer_service.insert_issuer(
        session, fields={"slug": slug, "name": f"Issuer {slug}"}, now=now
    )
    key = key_service.create_key(session, issuer=issuer, settings=settings, actor=ACTOR, now=now)
    key_service.activate_key(session, issuer=issuer, key_id=key.key_id, actor=ACTOR, now=now)
    return issuer


def unsigned_credential(
    *,
    issuer_profile: dict[str, Any],
    credential_id: str,
    status_entry: dict[str, Any] | None,
    valid_from: datetime,
    valid_until: datetime | None = None,
    email: str = RECIPIENT,
    origin: str = "http://localhost:8000",
) -> dict[str, Any]:
    """Assemble an OB 3.0 credential with the credentials core (no proof)."""
    placeholder = BitstringStatusListEntry(
        id=f"{origin}/status-lists/x#0",
        status_purpose="revocation",
        status_list_index="0",
        status_list_credential=f"{origin}/status-lists/x",
    )
    document = assemble_credential(
        credential_id=credential_id,
        issuer=Profile.model_validate(issuer_profile),
        achievement=Achievement(
            id=f"{origin}/achievements/dx-basics",
            name="DX基礎 (DX basics)",
            description="Completed the DX basics course.",
            criteria=Criteria(narrative="Complete the course with a passing score."),
        ),
        recipient=email_identity(email, new_salt()),
        valid_from=valid_from,
        valid_until=valid_until,
        credential_status=(
            BitstringStatusListEntry.model_validate(status_entry) if status_entry else placeholder
        ),
    )
    if status_entry is None:
        del document["credentialStatus"]
    return document


def store_award(
    session: Session,
    *,
    issuer: Issuer,
    settings: Settings,
    now: datetime,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    email: str = RECIPIENT,
    signer: Signer | None = None,
) -> Award:
    """Sign a credential (by default with the issuer's active key) and store it as an Award."""
    signing_key, active = key_service.active_signer(session, issuer=issuer, settings=settings)
    allocated = status_service.allocate_entry(session, issuer=issuer, settings=settings, now=now)
    credential_uuid = str(uuid.uuid4())
    document = unsigned_credential(
        issuer_profile=profile.profile(issuer, settings.public_origin),
        credential_id=f"{settings.public_origin}/credentials/{credential_uuid}",
        status_entry=allocated.entry,
        valid_from=valid_from or now,
        valid_until=valid_until,
        email=email,
        origin=settings.public_origin,
    )
    signed = sign_credential(document, signer or active, now)
    award = Award(
        uuid=credential_uuid,
        issuer_id=issuer.id,
        learner_id=None,
        achievement_id="dx-basics",
        sequence=0,
        source=AwardSource.DIRECT,
        signing_key_id=signing_key.id,
        status_list_id=allocated.status_list.id,
        status_index=allocated.index,
        document=json.dumps(signed, ensure_ascii=False, separators=(",", ":")),
        issued_at=now,
        valid_from=valid_from or now,
        valid_until=valid_until,
    )
    session.add(award)
    session.flush()
    return award


def did_key_signer(seed: bytes = bytes(range(1, 33))) -> InMemoryEd25519Signer:
    """Return a signer whose issuer is a did:key (resolved offline by any verifier)."""
    from badge_issuer.credentials.didkey import did_key_verification_method_id

    public = InMemoryEd25519Signer.from_seed(seed, "did:key:x#x").public_key
    return InMemoryEd25519Signer.from_seed(seed, did_key_verification_method_id(public))


def did_key_credential(
    signer: InMemoryEd25519Signer, *, now: datetime, email: str = RECIPIENT
) -> dict[str, Any]:
    """Return a credential issued and signed by a did:key (no status list: it cannot be revoked)."""
    did = signer.verification_method.partition("#")[0]
    document = unsigned_credential(
        issuer_profile={"id": did, "type": ["Profile"], "name": "A did:key issuer"},
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        status_entry=None,
        valid_from=now - timedelta(minutes=1),
        email=email,
    )
    return sign_credential(document, signer, now)


def stored_document(award: Award) -> dict[str, Any]:
    """Return a deep copy of the award's signed credential."""
    document: dict[str, Any] = json.loads(award.document)
    return copy.deepcopy(document)
