"""Queries over skill map versions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from badge_issuer.skillmap.models import SkillMapVersion


def current(session: Session) -> SkillMapVersion | None:
    return session.scalars(select(SkillMapVersion).where(SkillMapVersion.is_current)).first()


def clear_current(session: Session) -> None:
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
