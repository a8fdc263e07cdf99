"""Find or register many learners at once (the bulk importer): one SELECT, one INSERT flush."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.learners.models import Learner
from badge_issuer.learners.service import hash_email, keep_latest, new_learner

# (email, region, category) as a completion names its learner.
Person = tuple[str, str | None, str | None]


def get_or_create_learners(
    session: Session, *, people: Sequence[Person], settings: Settings, now: datetime
) -> list[Learner]:
    """The learner of each person, in order, as `service.get_or_create_learner` one by one
    would leave them. A concurrent registration of the same address makes the flush fail
    (unique email hash): the caller rolls back and goes row by row."""
    digests = [hash_email(email, settings=settings) for email, _region, _category in people]
    query = select(Learner).where(Learner.email_hash.in_(set(digests)))
    known = {learner.email_hash: learner for learner in session.scalars(query)}
    found: list[Learner] = []
    for digest, (email, region, category) in zip(digests, people, strict=True):
        learner = known.get(digest)
        group = (region, category)
        if learner is None:
            learner = new_learner(
                digest=digest, email=email, group=group, settings=settings, now=now
            )
            session.add(learner)
            known[digest] = learner
        keep_latest(learner, email=email, group=group, settings=settings, now=now)
        found.append(learner)
    session.flush()
    return found
