"""After a restore or a copy: every credential still verifies and every active key still signs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from badge_issuer.awards import repository as award_repository
from badge_issuer.config import Settings
from badge_issuer.credentials.proofs.multikey import decode_ed25519_public_key
from badge_issuer.db import create_db_engine, make_session_factory
from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import service as key_service
from badge_issuer.keys.errors import KeyUnavailable, NoActiveKey
from badge_issuer.verification import service as verification_service

_PROBE = b"badge-issuer continuity probe"


@dataclass
class CheckResult:
    """What the checks found: counts, and the failures by credential or issuer."""

    credentials: int = 0
    verified: int = 0
    revoked: int = 0
    signing_keys: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        return (
            f"{self.verified} of {self.credentials} credentials verify "
            f"({self.revoked} revoked, reported as such), "
            f"{self.signing_keys} active signing keys sign with the configured KEK"
        )


def check_url(settings: Settings, *, now: datetime) -> CheckResult:
    """Run `check_database` on the database `settings` name, in a read-only session."""
    engine = create_db_engine(settings.database_url)
    session = make_session_factory(engine, read_only=True)()
    try:
        return check_database(session, settings=settings, now=now)
    finally:
        session.rollback()
        session.close()
        engine.dispose()


def check_database(session: Session, *, settings: Settings, now: datetime) -> CheckResult:
    """Verify every stored credential and sign a probe with every issuer's active key.

    A revoked credential counts as sound when its only failed check is the revocation: that is
    the answer the service gave before, and must give after.
    """
    result = CheckResult()
    for uuid in award_repository.all_uuids(session):
        result.credentials += 1
        report = verification_service.verify_stored(
            session, credential_uuid=uuid, settings=settings, now=now
        )
        failed = [check for check in report.checks if check.status == "failed"]
        if report.verified:
            result.verified += 1
        elif all(check.check == "revocation" for check in failed):
            result.revoked += 1
        else:
            details = "; ".join(f"{check.check}: {check.detail}" for check in failed)
            result.failures.append(f"credential {uuid}: {details}")
    for issuer in issuer_repository.all_issuers(session):
        _probe_signing(session, issuer=issuer, settings=settings, result=result)
    return result


def _probe_signing(
    session: Session, *, issuer: Issuer, settings: Settings, result: CheckResult
) -> None:
    try:
        key, signer = key_service.active_signer(session, issuer=issuer, settings=settings)
    except NoActiveKey:
        return
    except KeyUnavailable as error:
        result.failures.append(f"issuer {issuer.slug}: {error}")
        return
    public_key = Ed25519PublicKey.from_public_bytes(
        decode_ed25519_public_key(key.public_key_multibase)
    )
    try:
        public_key.verify(signer.sign(_PROBE), _PROBE)
    except InvalidSignature:
        result.failures.append(
            f"issuer {issuer.slug}: key {key.key_id} signs with another key than it publishes"
        )
        return
    result.signing_keys += 1
