"""First start: the default issuer with one active key; readiness: that key exists.

Safe when several processes start at once: the issuer and its key are created in one
transaction, and a process that loses the race on the issuer's unique slug finds the winner's
committed issuer (with its key) instead.
"""

from __future__ import annotations

import structlog
from sqlalchemy.orm import Session

from badge_issuer import bootstrap, readiness
from badge_issuer.audit import service as audit
from badge_issuer.config import Settings
from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.errors import IssuerSlugTaken
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import repository as key_repository
from badge_issuer.keys import service as key_service
from badge_issuer.keys.errors import ConcurrentActivation
from badge_issuer.kit.clock import utc_now

log = structlog.get_logger(__name__)

DEFAULT_ISSUER_SLUG = "default"
ACTOR = "system:bootstrap"


def _default_issuer(session: Session, name: str) -> Issuer:
    existing = issuer_repository.get_by_slug(session, DEFAULT_ISSUER_SLUG)
    if existing is not None:
        return existing
    now = utc_now()
    fields = {"slug": DEFAULT_ISSUER_SLUG, "name": name}
    try:
        issuer = issuer_service.insert_issuer(session, fields=fields, now=now)
    except IssuerSlugTaken:
        # Another process created it (with its key) and committed first.
        return issuer_service.get_issuer(session, DEFAULT_ISSUER_SLUG)
    audit.record(
        session,
        actor=ACTOR,
        action="issuer.create",
        target_type=issuer_service.TARGET_TYPE,
        target_id=issuer.slug,
        now=now,
        details={"name": issuer.name},
    )
    return issuer


@bootstrap.register
def ensure_default_issuer(session: Session, settings: Settings) -> None:
    """Create the default issuer and, if it has no key at all, one active Ed25519 key."""
    # The name applies on first start only; later, admins rename it with PATCH.
    issuer = _default_issuer(session, settings.default_issuer_name)
    # An issuer whose keys were all retired or revoked is an admin's decision: leave it.
    if key_repository.count_for_issuer(session, issuer_id=issuer.id) > 0:
        return
    now = utc_now()
    key = key_service.create_key(session, issuer=issuer, settings=settings, actor=ACTOR, now=now)
    try:
        key_service.activate_key(session, issuer=issuer, key_id=key.key_id, actor=ACTOR, now=now)
    except ConcurrentActivation:
        log.info("another process activated the default issuer's first key")
        return
    log.info("default issuer ready", issuer=issuer.slug, key_id=key.key_id)


@readiness.register
def signing_key_check(session: Session) -> readiness.CheckResult:
    """Ready when the default issuer (once created) has an active signing key."""
    name = "signing-key"
    issuer = issuer_repository.get_by_slug(session, DEFAULT_ISSUER_SLUG)
    if issuer is None:
        return readiness.CheckResult(name, True, "default issuer not created yet (made at start)")
    key = key_repository.get_active(session, issuer_id=issuer.id)
    if key is None:
        return readiness.CheckResult(name, False, "the default issuer has no active signing key")
    return readiness.CheckResult(name, True, f"default issuer signs with {key.key_id}")
