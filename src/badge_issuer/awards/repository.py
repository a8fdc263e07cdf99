"""Queries over awards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award, AwardCompletion


def get_by_uuid(session: Session, uuid: str) -> Award | None:
    return session.scalars(select(Award).where(Award.uuid == uuid)).first()


def for_learner(session: Session, learner_id: int) -> Sequence[Award]:
    return session.scalars(select(Award).where(Award.learner_id == learner_id)).all()


def copies_of(session: Session, award_id: int) -> Sequence[Award]:
    """Wallet copies of an award (row-locked: they are revoked with it)."""
    query = select(Award).where(Award.derived_from_id == award_id).with_for_update()
    return session.scalars(query).all()


def next_sequence(session: Session, *, learner_id: int, achievement_id: str) -> int:
    query = select(func.coalesce(func.max(Award.sequence) + 1, 0)).where(
        Award.learner_id == learner_id, Award.achievement_id == achievement_id
    )
    return int(session.scalar(query) or 0)


def add(session: Session, award: Award, completion_ids: Sequence[int]) -> Award:
    session.add(award)
    session.flush()
    for completion_id in completion_ids:
        session.add(AwardCompletion(award_id=award.id, completion_id=completion_id))
    session.flush()
    return award


def list_page(
    session: Session,
    *,
    after_id: int,
    limit: int,
    achievement_id: str | None,
    provider_id: str | None,
    state: str | None,
    now: datetime,
) -> Sequence[Award]:
    """Awards by id, filtered by achievement, provider (of any evidence) and state."""
    from badge_issuer.providers.models import Completion

    query = select(Award).where(Award.id > after_id).order_by(Award.id).limit(limit)
    if achievement_id:
        query = query.where(Award.achievement_id == achievement_id)
    if provider_id:
        evidence = (
            select(AwardCompletion.award_id)
            .join(Completion, Completion.id == AwardCompletion.completion_id)
            .where(Completion.provider_id == provider_id)
        )
        query = query.where(Award.id.in_(evidence))
    if state == "revoked":
        query = query.where(Award.revoked_at.is_not(None))
    elif state == "expired":
        query = query.where(Award.revoked_at.is_(None), Award.valid_until <= now)
    elif state == "valid":
        query = query.where(
            Award.revoked_at.is_(None), (Award.valid_until.is_(None)) | (Award.valid_until > now)
        )
    return session.scalars(query).all()


def all_uuids(session: Session) -> Sequence[str]:
    """Return the uuid of every stored credential, oldest first."""
    return session.scalars(select(Award.uuid).order_by(Award.id)).all()
