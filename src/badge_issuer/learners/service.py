"""Find or register learners by the keyed hash of their email; keep their latest group."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.kit.unique_insert import insert_or_stored
from badge_issuer.learners import identity, repository
from badge_issuer.learners.models import Learner


class Person(Protocol):
    """A learner as a request names them (a completion's learner, a direct award's recipient)."""

    email: str
    region: str | None
    category: str | None


def hash_email(email: str, *, settings: Settings) -> str:
    """Return the hex HMAC of the normalised email under the server's learner secret."""
    secret = settings.learner_hash_secret.get_secret_value().encode("utf-8")
    return identity.email_hash(identity.normalise_email(email), secret=secret)


def find_learner(session: Session, *, email: str, settings: Settings) -> Learner | None:
    """Return the learner with this email (any case, surrounding spaces ignored), or None."""
    return repository.by_email_hash(session, hash_email(email, settings=settings))


def get_or_create_learner(
    session: Session, *, person: Person, settings: Settings, now: datetime
) -> Learner:
    """Return the learner for this email, creating it if new; non-null region/category win."""
    learner, _registered = find_or_register(session, person=person, settings=settings, now=now)
    return learner


def find_or_register(
    session: Session, *, person: Person, settings: Settings, now: datetime
) -> tuple[Learner, bool]:
    """`get_or_create_learner`, and whether this transaction registered the learner (then
    nothing else refers to it yet: no other transaction can see it before this one commits)."""
    email, group = person.email, (person.region, person.category)
    digest = hash_email(email, settings=settings)
    found = repository.by_email_hash(session, digest)
    if found is None:
        columns = learner_columns(
            digest=digest, email=email, group=group, settings=settings, now=now
        )
        learner, registered = insert_or_stored(
            session,
            Learner,
            columns,
            key=("email_hash",),
            stored=lambda: repository.by_email_hash(session, digest),
        )
        if registered:
            return learner, True  # inserted with this group and address: nothing to update
    else:
        learner = found
    keep_latest(learner, email=email, group=group, settings=settings, now=now)
    session.flush()
    return learner, False


def new_learner(
    *,
    digest: str,
    email: str,
    group: tuple[str | None, str | None],
    settings: Settings,
    now: datetime,
) -> Learner:
    """A learner row (not added), inserted with its group: no UPDATE of a row just written."""
    columns = learner_columns(digest=digest, email=email, group=group, settings=settings, now=now)
    return Learner(**columns)


def learner_columns(
    *,
    digest: str,
    email: str,
    group: tuple[str | None, str | None],
    settings: Settings,
    now: datetime,
) -> dict[str, Any]:
    """The columns of a new learner row."""
    return {
        "email_hash": digest,
        "email": identity.normalise_email(email) if settings.store_emails else None,
        "region": group[0],
        "category": group[1],
        "created_at": now,
        "updated_at": now,
    }


def keep_latest(
    learner: Learner,
    *,
    email: str,
    group: tuple[str | None, str | None],
    settings: Settings,
    now: datetime,
) -> None:
    """Non-null region/category win; the address is kept once when the operator stores them."""
    _keep_latest_group(learner, region=group[0], category=group[1], now=now)
    if settings.store_emails and learner.email is None:
        learner.email = identity.normalise_email(email)
        learner.updated_at = now


def _keep_latest_group(
    learner: Learner, *, region: str | None, category: str | None, now: datetime
) -> None:
    changed = False
    if region is not None and learner.region != region:
        learner.region = region
        changed = True
    if category is not None and learner.category != category:
        learner.category = category
        changed = True
    if changed:
        learner.updated_at = now
