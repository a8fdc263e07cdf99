"""Queries over issuers."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from badge_issuer.issuers.models import Issuer

# Built once (a completion's hot path): building a select() costs about as much as running it.
_BY_SLUG = select(Issuer).where(Issuer.slug == bindparam("slug"))


def get_by_slug(session: Session, slug: str) -> Issuer | None:
    return session.scalars(_BY_SLUG, {"slug": slug}).first()


def list_page(
    session: Session, *, after_id: int, limit: int, slugs: Collection[str] | None = None
) -> Sequence[Issuer]:
    """Return issuers in creation order, keyset-paginated by id, optionally only `slugs`."""
    query = select(Issuer).where(Issuer.id > after_id).order_by(Issuer.id).limit(limit)
    if slugs is not None:
        query = query.where(Issuer.slug.in_(sorted(slugs)))
    return session.scalars(query).all()


def add(session: Session, issuer: Issuer) -> Issuer:
    session.add(issuer)
    session.flush()
    return issuer


def slugs_by_id(session: Session) -> dict[int, str]:
    # Not Result.tuples(): deprecated in SQLAlchemy 2.1 (tests turn warnings into errors).
    return {row.id: row.slug for row in session.execute(select(Issuer.id, Issuer.slug))}


def all_issuers(session: Session) -> Sequence[Issuer]:
    """Return every issuer, oldest first."""
    return session.scalars(select(Issuer).order_by(Issuer.id)).all()
