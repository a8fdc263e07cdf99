"""Queries over learners."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from badge_issuer.learners.models import Learner


def by_email_hash(session: Session, email_hash: str) -> Learner | None:
    return session.scalars(select(Learner).where(Learner.email_hash == email_hash)).first()
