"""Queries over status lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Integer, Table, bindparam, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from badge_issuer.issuers.models import Issuer
from badge_issuer.kit import prepared
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


@dataclass(frozen=True, slots=True)
class ListRef:
    """What an allocation needs of a list: its id, URL part, permutation key and size."""

    id: int
    public_id: str
    permutation_key: bytes
    size: int


# Built once (every award runs it): building the statement costs about as much as running it.
# (An UPDATE reserves its columns' names for SET parameters: hence of_issuer, of_purpose.)
_COUNT = bindparam("taken", type_=Integer)
# Core, on the table: the ORM's UPDATE path cost about as much again as the statement itself.
_LISTS = cast(Table, StatusList.__table__)
_FIRST_OPEN = (
    select(func.min(_LISTS.c.id))
    .where(
        _LISTS.c.issuer_id == bindparam("of_issuer"),
        _LISTS.c.purpose == bindparam("of_purpose"),
        _LISTS.c.allocated + _COUNT <= _LISTS.c.size,
    )
    .scalar_subquery()
)
_TAKE_FROM_FIRST_OPEN_LIST = (
    update(_LISTS)
    .where(_LISTS.c.id == _FIRST_OPEN, _LISTS.c.allocated + _COUNT <= _LISTS.c.size)
    .values(allocated=_LISTS.c.allocated + _COUNT)
    .returning(
        _LISTS.c.id,
        _LISTS.c.public_id,
        _LISTS.c.permutation_key,
        _LISTS.c.size,
        _LISTS.c.allocated,
    )
)


def take_from_first_open_list(
    session: Session, *, issuer_id: int, purpose: str, count: int = 1
) -> tuple[ListRef, int] | None:
    """Advance the counter of the issuer's oldest list with room, in one statement.

    The same atomic UPDATE as `take_counter` (its WHERE clause is evaluated again on the
    latest row version after waiting for a concurrent allocator), with the list picked by a
    subquery: None when no list had room or the picked one filled up meanwhile (the caller
    then takes the slow path). `count` counters are taken at once (a bulk import's batch):
    the first one is returned, the others follow it.
    """
    params = {"of_issuer": issuer_id, "of_purpose": purpose, "taken": count}
    found = prepared.rows(session, _TAKE_FROM_FIRST_OPEN_LIST, params)
    if not found:
        return None
    list_id, public_id, key, size, allocated = found[0]
    stale = session.identity_map.get(identity_key(StatusList, list_id))
    if stale is not None:
        session.expire(stale, ["allocated"])  # the UPDATE bypassed the identity map
    return ListRef(int(list_id), str(public_id), bytes(key), int(size)), int(allocated) - count


_PUBLIC_ID_OF = select(_LISTS.c.public_id).where(_LISTS.c.id == bindparam("list_id"))


def public_id_of(session: Session, list_id: int) -> str | None:
    """The public id of list `list_id`, or None when there is no such list."""
    found = prepared.rows(session, _PUBLIC_ID_OF, {"list_id": list_id})
    return str(found[0][0]) if found else None


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


def all_public_ids(session: Session) -> Sequence[str]:
    """Return the public id of every status list, oldest first."""
    return session.scalars(select(StatusList.public_id).order_by(StatusList.id)).all()


def usage_by_issuer(session: Session) -> Sequence[tuple[int, int, int]]:
    """Return (issuer_id, entries handed out, entries the lists hold) for every issuer."""
    rows = session.execute(
        select(StatusList.issuer_id, func.sum(StatusList.allocated), func.sum(StatusList.size))
        .group_by(StatusList.issuer_id)
        .order_by(StatusList.issuer_id)
    )
    return [(int(issuer), int(used or 0), int(size or 0)) for issuer, used, size in rows]
