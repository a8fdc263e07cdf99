"""Queries over sign-in links, learner sessions, and the badges a learner holds.

Using a sign-in link and ending a session are conditional UPDATEs: of two concurrent requests
exactly one changes the row (rowcount 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award
from badge_issuer.issuers.models import Issuer
from badge_issuer.mybadges.models import LearnerSession, SignInLink


def add(session: Session, row: Any) -> None:
    session.add(row)
    session.flush()


def _changed(session: Session, statement: Any) -> bool:
    result: CursorResult[Any] = session.execute(
        statement, execution_options={"synchronize_session": False}
    )  # type: ignore[assignment]
    return result.rowcount == 1


def sign_in_link_by_hash(session: Session, token_hash: str) -> SignInLink | None:
    return session.scalars(select(SignInLink).where(SignInLink.token_hash == token_hash)).first()


def use_sign_in_link(session: Session, link_id: int, *, now: datetime) -> bool:
    """Mark the link used; False when it was used already (or expired meanwhile)."""
    statement = (
        update(SignInLink)
        .where(SignInLink.id == link_id, SignInLink.used_at.is_(None), SignInLink.expires_at > now)
        .values(used_at=now)
    )
    return _changed(session, statement)


def session_by_hash(session: Session, secret_hash: str) -> LearnerSession | None:
    query = select(LearnerSession).where(LearnerSession.secret_hash == secret_hash)
    return session.scalars(query).first()


def end_session(session: Session, session_id: int, *, now: datetime) -> bool:
    statement = (
        update(LearnerSession)
        .where(LearnerSession.id == session_id, LearnerSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    return _changed(session, statement)


def held_awards(session: Session, learner_id: int) -> Sequence[tuple[Award, Issuer]]:
    """The learner's own credentials (never a wallet's copy), newest first, with their issuer."""
    query = (
        select(Award, Issuer)
        .join(Issuer, Issuer.id == Award.issuer_id)
        .where(Award.learner_id == learner_id, Award.derived_from_id.is_(None))
        .order_by(Award.issued_at.desc(), Award.id.desc())
    )
    return [(award, issuer) for award, issuer in session.execute(query).all()]
