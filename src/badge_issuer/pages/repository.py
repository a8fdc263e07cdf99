"""Queries of the pages: the completions a credential stands on (its evidence, structured)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from badge_issuer.awards.models import AwardCompletion
from badge_issuer.providers.models import Completion


def award_completions(session: Session, award_id: int) -> Sequence[Completion]:
    """The completions that met the award's rule, oldest first."""
    return session.scalars(
        select(Completion)
        .join(AwardCompletion, AwardCompletion.completion_id == Completion.id)
        .where(AwardCompletion.award_id == award_id)
        .order_by(Completion.completed_at, Completion.id)
    ).all()
