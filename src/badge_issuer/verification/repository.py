"""The rows one verification of this service's own credentials reads, by statements built once.

A verification reads an issuer with the key a proof names, the status list an entry names and,
when the list has no stored signed document, which of the entries' own indexes are revoked.
Every request reads them again (a revocation or a key revocation by another process shows at
once), so these are the hot statements of `POST /verify`: built once at import as Core selects
of columns (no ORM entities to load, no expression building per request), each one round trip.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select, union_all
from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award
from badge_issuer.endorsements.models import Endorsement
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys.models import SigningKey
from badge_issuer.status.models import StatusList

_issuer, _key, _list = Issuer.__table__.c, SigningKey.__table__.c, StatusList.__table__.c
_award, _endorsement = Award.__table__.c, Endorsement.__table__.c

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


def issuer_and_key(session: Session, *, slug: str, key_id: str | None) -> IssuerKey | None:
    """Return the issuer `slug` with its key `key_id` (None: the issuer alone), or None."""
    row = session.execute(_ISSUER_AND_KEY, {"slug": slug, "key_id": key_id}).first()
    if row is None:
        return None
    return IssuerKey(row.name, row.public_key_multibase, row.state)


def status_list(session: Session, *, public_id: str) -> ListRow | None:
    """Return the status list `public_id` with its issuer's slug, or None."""
    row = session.execute(_STATUS_LIST, {"public_id": public_id}).first()
    if row is None:
        return None
    return ListRow(row.id, row.purpose, row.size, row.signed_document, row.slug)


def revoked_indexes(session: Session, *, list_id: int) -> Sequence[int]:
    """Return the list's set bits: the indexes of its revoked credentials and endorsements."""
    return session.scalars(_REVOKED_INDEXES, {"list_id": list_id}).all()


def revoked_among(session: Session, *, list_id: int, indexes: Collection[int]) -> Sequence[int]:
    """Return which of `indexes` are set in the list (revoked credentials and endorsements)."""
    return [
        index
        for index in sorted(indexes)
        if session.scalars(_REVOKED_AT, {"list_id": list_id, "index": index}).first() is not None
    ]
