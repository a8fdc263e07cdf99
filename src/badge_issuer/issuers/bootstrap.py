"""First start: the default issuer.

Safe when several processes start at once: a process that loses the race on the issuer's unique
slug finds the winner's committed issuer instead (its first key comes from `keys.bootstrap`, in
the same start-up transaction).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from badge_issuer.audit import service as audit
from badge_issuer.config import Settings
from badge_issuer.issuers import repository, service
from badge_issuer.issuers.errors import IssuerSlugTaken
from badge_issuer.issuers.models import Issuer
from badge_issuer.kit.clock import utc_now

DEFAULT_ISSUER_SLUG = "default"
ACTOR = "system:bootstrap"


def ensure_default_issuer(session: Session, settings: Settings) -> Issuer:
    """Return the default issuer, creating it (named from the settings) on first start."""
    existing = repository.get_by_slug(session, DEFAULT_ISSUER_SLUG)
    if existing is not None:
        return existing
    now = utc_now()
    # The name applies on first start only; later, admins rename it with PATCH.
    fields = {"slug": DEFAULT_ISSUER_SLUG, "name": settings.default_issuer_name}
    try:
        issuer = service.insert_issuer(session, fields=fields, now=now)
    except IssuerSlugTaken:
        # Another process created it (with its key) and committed first.
        return service.get_issuer(session, DEFAULT_ISSUER_SLUG)
    audit.record(
        session,
        actor=ACTOR,
        action="issuer.create",
        target_type=service.TARGET_TYPE,
        target_id=issuer.slug,
        now=now,
        details={"name": issuer.name},
    )
    return issuer
