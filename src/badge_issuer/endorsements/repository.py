"""Queries over endorsements."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from badge_issuer.endorsements.models import Endorsement


def add(session: Session, endorsement: Endorsement) -> Endorsement:
    session.add(endorsement)
    session.flush()
    return endorsement


def get_by_uuid(session: Session, uuid: str, *, for_update: bool = False) -> Endorsement | None:
    query = select(Endorsement).where(Endorsement.uuid == uuid)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def list_page(
    session: Session, *, after_id: int, limit: int, endorser_ids: Collection[int] | None
) -> Sequence[Endorsement]:
    query = select(Endorsement).where(Endorsement.id > after_id).order_by(Endorsement.id)
    if endorser_ids is not None:
        query = query.where(Endorsement.endorser_id.in_(sorted(endorser_ids)))
    return session.scalars(query.limit(limit)).all()


def in_force(
    session: Session, *, subject_type: str, subject_refs: Collection[str] | None = None
) -> Sequence[Endorsement]:
    """Unrevoked endorsements of a kind of subject (optionally of some subjects), oldest first."""
    query = select(Endorsement).where(
        Endorsement.subject_type == subject_type, Endorsement.revoked_at.is_(None)
    )
    if subject_refs is not None:
        query = query.where(Endorsement.subject_ref.in_(sorted(subject_refs)))
    return session.scalars(query.order_by(Endorsement.id)).all()


def revoked_indexes(session: Session, *, status_list_id: int) -> Sequence[int]:
    """Return the indexes of the list's revoked endorsements (its other bits are awards')."""
    query = select(Endorsement.status_index).where(
        Endorsement.status_list_id == status_list_id, Endorsement.revoked_at.is_not(None)
    )
    return session.scalars(query).all()
