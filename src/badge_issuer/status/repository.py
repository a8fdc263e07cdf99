"""Queries over status lists and the revoked awards that set their bits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award
from badge_issuer.issuers.models import Issuer
from badge_issuer.status.models import StatusList


def open_list_ids(session: Session, *, issuer_id: int, purpose: str) -> Sequence[int]:
    """Return the ids of the issuer's lists that still had free indexes, oldest first."""
    query = (
        select(StatusList.id)
        .where(
            StatusList.issuer_id == issuer_id,
            StatusList.purpose == purpose,
            StatusList.allocated < StatusList.size,
        )
        .order_by(StatusList.id)
    )
    return session.scalars(query).all()


def take_counter(session: Session, *, list_id: int) -> int | None:
    """Advance the list's counter atomically; return the counter taken, None if the list is full.

    The UPDATE's row lock serialises concurrent allocators, and its WHERE clause is evaluated
    again on the latest row version after waiting, so no counter value is handed out twice.
    """
    statement = (
        update(StatusList)
        .where(StatusList.id == list_id, StatusList.allocated < StatusList.size)
        .values(allocated=StatusList.allocated + 1)
        .returning(StatusList.allocated)
        .execution_options(synchronize_session=False)
    )
    allocated = session.execute(statement).scalar_one_or_none()
    return None if allocated is None else int(allocated) - 1


def lock_issuer(session: Session, *, issuer_id: int) -> None:
    """Lock the issuer row (PostgreSQL) so only one transaction creates its next list.

    FOR NO KEY UPDATE, not FOR UPDATE: concurrent awards insert rows referencing the issuer,
    which take KEY SHARE locks on it; FOR UPDATE would conflict with those and deadlock with a
    transaction that holds a list's counter row and then inserts its award.
    """
    session.execute(select(Issuer.id).where(Issuer.id == issuer_id).with_for_update(key_share=True))


def get(session: Session, list_id: int) -> StatusList | None:
    return session.get(StatusList, list_id)


def get_by_public_id(session: Session, public_id: str) -> StatusList | None:
    return session.scalars(select(StatusList).where(StatusList.public_id == public_id)).first()


def add(session: Session, status_list: StatusList) -> StatusList:
    session.add(status_list)
    session.flush()
    return status_list


def revoked_indexes(session: Session, *, status_list_id: int) -> Sequence[int]:
    """Return the indexes of the list's awards that are revoked: its bits set to 1."""
    query = select(Award.status_index).where(
        Award.status_list_id == status_list_id, Award.revoked_at.is_not(None)
    )
    return session.scalars(query).all()


def award_for_update(session: Session, credential_uuid: str) -> Award | None:
    """Return the award with this uuid, row-locked so concurrent revocations queue."""
    query = select(Award).where(Award.uuid == credential_uuid).with_for_update()
    return session.scalars(query).first()


def all_public_ids(session: Session) -> Sequence[str]:
    """Return the public id of every status list, oldest first."""
    return session.scalars(select(StatusList.public_id).order_by(StatusList.id)).all()
