"""At start, load the skill map named by BADGE_ISSUER_SKILL_MAP when it changed."""

from __future__ import annotations

import structlog
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.kit.clock import utc_now
from badge_issuer.skillmap import repository, service
from badge_issuer.skillmap.errors import SkillMapInvalid

log = structlog.get_logger(__name__)


def load_configured_skill_map(session: Session, settings: Settings) -> None:
    """Store the configured file as a new version unless it equals the current one."""
    if settings.skill_map is None:
        return
    # Providers register after the map is loaded in a fresh deployment: name them, don't refuse.
    checked, source = service.check_file(
        session, settings.skill_map, what="BADGE_ISSUER_SKILL_MAP", allow_unknown_providers=True
    )
    if not checked.ok:
        details = "; ".join(str(error) for error in checked.errors[:20])
        raise SkillMapInvalid(f"{settings.skill_map}: {details}")
    # Replicas starting together: the first stores the version, the others then find it current.
    repository.lock_version_changes(session)
    current = repository.current(session)
    if current is not None and current.content_hash == checked.content_hash:
        return
    version = service.store_file(
        session, checked=checked, source=source, created_by="startup", now=utc_now()
    )
    missing = sorted(service.unregistered_providers(session, checked))
    log.info("skill map loaded", version=version.id, unregistered_providers=missing)
