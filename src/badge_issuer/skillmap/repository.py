"""Queries over skill map versions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from badge_issuer.kit import prepared
from badge_issuer.skillmap.models import SkillMapVersion

# Any fixed 64-bit number, the same in every process ("skillmap"): the advisory lock's key.
_VERSION_CHANGE_LOCK = 0x736B696C6C6D6170


def lock_version_changes(session: Session) -> None:
    """Queue behind any other transaction changing the current version, until this one ends.

    Without it, two concurrent changes both clear the old current version and the second
    insert breaks the one-current index. PostgreSQL needs the lock; SQLite writers are serial.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _VERSION_CHANGE_LOCK})


# session.info key of the current map as this transaction saw it (see service.load_current).
CURRENT_IN_TRANSACTION = "badge_issuer.skillmap.current"


def current(session: Session) -> SkillMapVersion | None:
    return session.scalars(select(SkillMapVersion).where(SkillMapVersion.is_current)).first()


# Built once (read by every completion): building a select() costs about as much as running it.
_CURRENT_KEY = select(SkillMapVersion.id, SkillMapVersion.content_hash).where(
    SkillMapVersion.is_current
)


def current_key(session: Session) -> tuple[int, str] | None:
    """(id, content_hash) of the current version: two small columns, not the document."""
    found = prepared.rows(session, _CURRENT_KEY, {})  # on the driver's cursor: every webhook
    return None if not found else (int(found[0][0]), str(found[0][1]))


def content(session: Session, version_id: int) -> object:
    return session.scalar(select(SkillMapVersion.content).where(SkillMapVersion.id == version_id))


def clear_current(session: Session) -> None:
    session.info.pop(CURRENT_IN_TRANSACTION, None)
    session.execute(
        update(SkillMapVersion).where(SkillMapVersion.is_current).values(is_current=False)
    )


def add(session: Session, version: SkillMapVersion) -> SkillMapVersion:
    session.add(version)
    session.flush()
    return version


def list_versions(session: Session, *, limit: int = 100) -> Sequence[SkillMapVersion]:
    query = select(SkillMapVersion).order_by(SkillMapVersion.id.desc()).limit(limit)
    return session.scalars(query).all()


def get(session: Session, version_id: int) -> SkillMapVersion | None:
    return session.get(SkillMapVersion, version_id)
