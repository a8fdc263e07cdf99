"""Which issuer owns an addressed resource, for routes that enforce a token's binding on it."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from badge_issuer.admin.principal import AdminPrincipal
from badge_issuer.awards import repository as award_repository
from badge_issuer.issuers.models import Issuer
from badge_issuer.skillmap import service as skillmap_service


def issuer_ids(session: Session, slugs: Collection[str] | None) -> set[int] | None:
    """Return the row ids of the issuers `slugs` (None stays None: no filter)."""
    if slugs is None:
        return None
    return set(session.scalars(select(Issuer.id).where(Issuer.slug.in_(sorted(slugs)))))


def achievement_issuers(session: Session) -> dict[str, str]:
    """Map each achievement of the current skill map to its issuer's slug."""
    current = skillmap_service.load_current(session)
    if current is None:
        return {}
    return {a.id: a.issuer for a in current.skill_map.achievements}


def require_achievement(session: Session, admin: AdminPrincipal, achievement_id: str) -> None:
    """403 unless the token may act on the achievement's issuer (unknown ones are left to 404)."""
    if not admin.bound:
        return
    owner = achievement_issuers(session).get(achievement_id)
    if owner is not None:
        admin.require_issuer(owner, what=f"achievement {achievement_id!r}")


def require_credential(session: Session, admin: AdminPrincipal, credential_uuid: str) -> None:
    """403 unless the token may act on the credential's issuer (unknown ones are left to 404)."""
    if not admin.bound:
        return
    award = award_repository.get_by_uuid(session, credential_uuid)
    if award is not None:
        issuer = session.get(Issuer, award.issuer_id)
        if issuer is not None:
            admin.require_issuer(issuer.slug, what=f"credential {credential_uuid}")
