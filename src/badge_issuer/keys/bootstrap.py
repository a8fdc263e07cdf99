"""First start: one active key for the default issuer; readiness: that key exists.

Safe when several processes start at once: the issuer and its key are created in one
transaction (the start-up steps share it), and a process that loses the race finds the
winner's committed issuer with its key.
"""

from __future__ import annotations

import structlog
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.issuers import bootstrap as issuer_bootstrap
from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.keys import repository as key_repository
from badge_issuer.keys import service as key_service
from badge_issuer.keys.errors import ConcurrentActivation
from badge_issuer.kit.clock import utc_now
from badge_issuer.readiness import CheckResult

log = structlog.get_logger(__name__)


def ensure_default_issuer_key(session: Session, settings: Settings) -> None:
    """Create the default issuer and, if it has no key at all, one active Ed25519 key."""
    issuer = issuer_bootstrap.ensure_default_issuer(session, settings)
    # An issuer whose keys were all retired or revoked is an admin's decision: leave it.
    if key_repository.count_for_issuer(session, issuer_id=issuer.id) > 0:
        return
    actor = issuer_bootstrap.ACTOR
    now = utc_now()
    key = key_service.create_key(session, issuer=issuer, settings=settings, actor=actor, now=now)
    try:
        key_service.activate_key(session, issuer=issuer, key_id=key.key_id, actor=actor, now=now)
    except ConcurrentActivation:
        log.info("another process activated the default issuer's first key")
        return
    log.info("default issuer ready", issuer=issuer.slug, key_id=key.key_id)


def signing_key_check(session: Session) -> CheckResult:
    """Ready when the default issuer (once created) has an active signing key."""
    name = "signing-key"
    issuer = issuer_repository.get_by_slug(session, issuer_bootstrap.DEFAULT_ISSUER_SLUG)
    if issuer is None:
        return CheckResult(name, True, "default issuer not created yet (made at start)")
    key = key_repository.get_active(session, issuer_id=issuer.id)
    if key is None:
        return CheckResult(name, False, "the default issuer has no active signing key")
    return CheckResult(name, True, f"default issuer signs with {key.key_id}")
