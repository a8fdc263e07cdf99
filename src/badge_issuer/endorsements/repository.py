"""Queries over endorsements."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import bindparam, select
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


# Built once (a completion's hot path): building a select() costs about as much as running it.
_IN_FORCE_OF_SUBJECTS = (
    select(Endorsement)
    .where(
        Endorsement.subject_type == bindparam("subject_type"),
        Endorsement.revoked_at.is_(None),
        Endorsement.subject_ref.in_(bindparam("subject_refs", expanding=True)),
    )
    .order_by(Endorsement.id)
)


def in_force(
    session: Session, *, subject_type: str, subject_refs: Collection[str] | None = None
) -> Sequence[Endorsement]:
    """Unrevoked endorsements of a kind of subject (optionally of some subjects), oldest first."""
    if subject_refs is not None:
        params = {"subject_type": subject_type, "subject_refs": sorted(subject_refs)}
        return session.scalars(_IN_FORCE_OF_SUBJECTS, params).all()
    query = select(Endorsement).where(
        Endorsement.subject_type == subject_type, Endorsement.revoked_at.is_(None)
    )
    return session.scalars(query.order_by(Endorsement.id)).all()


def revoked_indexes(session: Session, *, status_list_id: int) -> Sequence[int]:
    """Return the indexes of the list's revoked endorsements (its other bits are awards')."""
    query = select(Endorsement.status_index).where(
        Endorsement.status_list_id == status_list_id, Endorsement.revoked_at.is_not(None)
    )
    return session.scalars(query).all()
