"""The rows one verification of this service's own credentials reads, by statements built once.

A verification reads an issuer with the key a proof names, the status list an entry names and,
when the list has no stored signed document, which of the entries' own indexes are revoked.
Every request reads them again (a revocation or a key revocation by another process shows at
once), so these are the hot statements of `POST /verify`: built once at import as Core selects
of columns (no ORM entities to load, no expression building per request), each one round trip.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, Dialect, Engine, Select, and_, bindparam, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.pool import PoolProxiedConnection

from badge_issuer.awards.models import Award
from badge_issuer.db import READ_ONLY
from badge_issuer.endorsements.models import Endorsement
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys.models import SigningKey
from badge_issuer.kit import prepared
from badge_issuer.status.models import StatusList

_issuer, _key, _list = Issuer.__table__.c, SigningKey.__table__.c, StatusList.__table__.c
_award, _endorsement = Award.__table__.c, Endorsement.__table__.c
_Params = Mapping[str, Any]


@dataclass
class DriverConnection:
    """A pooled driver connection of the read-only engine, read without SQLAlchemy's Connection.

    POST /verify reads three rows; a Core Connection's begin, events and close cost about as
    much as the reads themselves. The reads share one transaction, begun at the first read as
    the engine's begin would (SQLite: a deferred BEGIN; PostgreSQL's driver begins by itself);
    the pool rolls it back when the connection goes back.
    """

    raw: PoolProxiedConnection
    dialect: Dialect
    begun: bool = False


# A verification reads through the read-only engine's driver connection (POST /verify), a
# Connection, or a request's Session.
Reader = Session | Connection | DriverConnection


@contextmanager
def reading(engine: Engine) -> Iterator[Reader]:
    """A reader for one verification on a read-only engine, given back to the pool at the end.

    The driver connection itself, unless something listens to the engine's statements
    (tracing, counting: they must see every read) or the engine is not the read-only one:
    then a Core Connection, whose reads go through SQLAlchemy as usual.
    """
    dispatch = engine.dispatch
    listened = dispatch.before_cursor_execute or dispatch.after_cursor_execute
    if listened or not engine.get_execution_options().get(READ_ONLY):
        with engine.connect() as connection:
            yield connection  # closing rolls back
        return
    raw = engine.raw_connection()
    try:
        yield DriverConnection(raw, engine.dialect)
    finally:
        raw.close()  # back to the pool, which rolls the transaction back


# The issuer by slug, with its key `key_id` when it has one (a NULL key_id matches no key).
_ISSUER_AND_KEY = (
    select(_issuer.id, _issuer.name, _key.public_key_multibase, _key.state)
    .select_from(
        Issuer.__table__.outerjoin(
            SigningKey.__table__,
            and_(_key.issuer_id == _issuer.id, _key.key_id == bindparam("key_id")),
        )
    )
    .where(_issuer.slug == bindparam("slug"))
)
_STATUS_LIST = (
    select(_list.id, _list.purpose, _list.size, _list.signed_document, _issuer.slug)
    .join_from(StatusList.__table__, Issuer.__table__, _issuer.id == _list.issuer_id)
    .where(_list.public_id == bindparam("public_id"))
)
# An issuer's endorsements take entries in the same lists as its credentials.
_REVOKED_INDEXES = union_all(
    select(_award.status_index).where(
        _award.status_list_id == bindparam("list_id"), _award.revoked_at.is_not(None)
    ),
    select(_endorsement.status_index).where(
        _endorsement.status_list_id == bindparam("list_id"), _endorsement.revoked_at.is_not(None)
    ),
)

# The same at one index, which a verification reads: an index lookup on the unique
# (status_list_id, status_index) of either table, however many entries the list has. One
# statement per index (a credential names one per list): an expanding IN list is compiled
# again on every execution, which cost more than the lookups.
_REVOKED_AT = union_all(
    select(_award.status_index).where(
        _award.status_list_id == bindparam("list_id"),
        _award.status_index == bindparam("index"),
        _award.revoked_at.is_not(None),
    ),
    select(_endorsement.status_index).where(
        _endorsement.status_list_id == bindparam("list_id"),
        _endorsement.status_index == bindparam("index"),
        _endorsement.revoked_at.is_not(None),
    ),
)


@dataclass(frozen=True)
class IssuerKey:
    """Our issuer `slug` and, when it has one by that id, the key a proof names."""

    issuer_name: str
    public_key_multibase: str | None
    key_state: str | None


@dataclass(frozen=True)
class ListRow:
    """A status list as a verifier reads it; `signed_document` is None until first signed."""

    id: int
    purpose: str
    size: int
    signed_document: str | None
    issuer_slug: str


def issuer_and_key(session: Reader, *, slug: str, key_id: str | None) -> IssuerKey | None:
    """Return the issuer `slug` with its key `key_id` (None: the issuer alone), or None."""
    row = _first(session, _ISSUER_AND_KEY, {"slug": slug, "key_id": key_id})
    if row is None:
        return None
    name, public_key_multibase, state = row[1:]
    return IssuerKey(name, public_key_multibase, state)


def status_list(session: Reader, *, public_id: str) -> ListRow | None:
    """Return the status list `public_id` with its issuer's slug, or None."""
    row = _first(session, _STATUS_LIST, {"public_id": public_id})
    if row is None:
        return None
    return ListRow(*row)


def revoked_indexes(session: Reader, *, list_id: int) -> Sequence[int]:
    """Return the list's set bits: the indexes of its revoked credentials and endorsements."""
    return [row[0] for row in _rows(session, _REVOKED_INDEXES, {"list_id": list_id})]


def revoked_among(session: Reader, *, list_id: int, indexes: Collection[int]) -> Sequence[int]:
    """Return which of `indexes` are set in the list (revoked credentials and endorsements)."""
    return [
        index
        for index in sorted(indexes)
        if _first(session, _REVOKED_AT, {"list_id": list_id, "index": index}) is not None
    ]


def _first(session: Reader, statement: Select[Any] | CompoundSelect[Any], params: _Params) -> Any:
    rows = _rows(session, statement, params)
    return rows[0] if rows else None


def _rows(
    session: Reader, statement: Select[Any] | CompoundSelect[Any], params: _Params
) -> Sequence[Any]:
    """The rows of a prebuilt read, in the session's transaction, as plain tuples.

    Run on the driver's cursor with the statement compiled once per dialect (kit/prepared.py):
    SQLAlchemy's execution (result metadata, events, the ORM's execute) cost several times the
    statement itself here (a micro-benchmark: ~870 µs for the three reads of a verification
    through the session, ~120 µs on the cursor). When something listens to statements
    (tracing, counting), they go through SQLAlchemy as usual, so each still shows there.
    """
    if isinstance(session, DriverConnection):
        if not session.begun and session.dialect.name == "sqlite":
            cursor = session.raw.cursor()
            cursor.execute("BEGIN")  # deferred, as the engine's begin for read-only readers
            cursor.close()
        session.begun = True
        return prepared.run_prepared(session.raw, session.dialect, statement, params)
    if isinstance(session, Session):
        connection = session.connection()  # begins the transaction, as the session would
    else:
        connection = session
        if not connection.in_transaction():
            connection.begin()  # as the first execute would: the reads share one snapshot
    dispatch = connection.dispatch
    if dispatch.before_cursor_execute or dispatch.after_cursor_execute:
        return [tuple(row) for row in session.execute(statement, params)]
    return prepared.run_prepared(connection.connection, connection.dialect, statement, params)
