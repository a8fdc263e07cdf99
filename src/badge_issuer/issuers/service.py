"""Issuer use cases: create, read, update, list, and find by DID."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badge_issuer.audit import service as audit
from badge_issuer.config import Settings
from badge_issuer.issuers import repository
from badge_issuer.issuers.errors import IssuerNotFound, IssuerSlugTaken
from badge_issuer.issuers.models import Issuer
from badge_issuer.issuers.origins import origin_of_did
from badge_issuer.issuers.schemas import IssuerCreate, IssuerUpdate

TARGET_TYPE = "issuer"


def get_issuer(session: Session, slug: str) -> Issuer:
    """Return the issuer `slug`, or raise IssuerNotFound (404)."""
    issuer = repository.get_by_slug(session, slug)
    if issuer is None:
        raise IssuerNotFound(f"No issuer with slug {slug!r}.", slug=slug)
    return issuer


def get_issuer_by_did(session: Session, did: str, settings: Settings) -> Issuer | None:
    """Return our issuer whose did:web DID is `did`, or None (another host, unknown slug)."""
    found = origin_of_did(did, settings.known_origins)
    return repository.get_by_slug(session, found[1]) if found else None


def list_issuers(session: Session, *, after_id: int, limit: int) -> Sequence[Issuer]:
    return repository.list_page(session, after_id=after_id, limit=limit)


def insert_issuer(session: Session, *, fields: dict[str, Any], now: datetime) -> Issuer:
    """Insert an issuer; a slug taken (also by a concurrent insert) raises IssuerSlugTaken."""
    slug = fields["slug"]
    if repository.get_by_slug(session, slug) is not None:
        raise IssuerSlugTaken(f"An issuer with slug {slug!r} exists.", slug=slug)
    issuer = Issuer(**fields, created_at=now, updated_at=now)
    try:
        # A savepoint, so losing the race leaves the caller's transaction usable.
        with session.begin_nested():
            repository.add(session, issuer)
    except IntegrityError:
        raise IssuerSlugTaken(f"An issuer with slug {slug!r} exists.", slug=slug) from None
    return issuer


def create_issuer(session: Session, *, data: IssuerCreate, actor: str, now: datetime) -> Issuer:
    """Create an issuer (without keys: create and activate one under its keys)."""
    fields = data.model_dump(exclude={"image"}) | {"image_url": data.image}
    issuer = insert_issuer(session, fields=fields, now=now)
    audit.record(
        session,
        actor=actor,
        action="issuer.create",
        target_type=TARGET_TYPE,
        target_id=issuer.slug,
        now=now,
        details={"name": issuer.name},
    )
    return issuer


def update_issuer(
    session: Session, *, slug: str, data: IssuerUpdate, actor: str, now: datetime
) -> Issuer:
    """Apply the fields sent (the schema already refused a null name)."""
    issuer = get_issuer(session, slug)
    changes = data.changes()
    for field, value in changes.items():
        setattr(issuer, field, value)
    issuer.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="issuer.update",
        target_type=TARGET_TYPE,
        target_id=slug,
        now=now,
        details={"fields": sorted(changes)},
    )
    return issuer
