"""What "my badges" shows: every credential the learner holds, across issuers, marked revoked or
expired, and the way to the badges not yet held."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award
from badge_issuer.learners.models import Learner
from badge_issuer.mybadges import repository
from badge_issuer.pages.credential_view import credential_view

Standing = Literal["valid", "revoked", "expired"]


@dataclass(frozen=True, slots=True)
class HeldBadge:
    """One credential the learner holds, as the list shows it."""

    uuid: str
    achievement_id: str
    name: str
    issuer_name: str
    issued_at: datetime
    valid_until: datetime | None
    revoked_at: datetime | None
    standing: Standing

    @property
    def page_url(self) -> str:
        return f"/credentials/{self.uuid}"

    @property
    def image_url(self) -> str:
        return f"/credentials/{self.uuid}/image.svg"


@dataclass(frozen=True, slots=True)
class MyBadges:
    held: tuple[HeldBadge, ...]


def standing_of(award: Award, now: datetime) -> Standing:
    """Revoked wins over expired: a revoked badge is never shown as merely expired."""
    if award.revoked_at is not None:
        return "revoked"
    if award.valid_until is not None and award.valid_until <= now:
        return "expired"
    return "valid"


def held_badges(session: Session, *, learner: Learner, now: datetime) -> tuple[HeldBadge, ...]:
    held = []
    for award, issuer in repository.held_awards(session, learner.id):
        view = credential_view(json.loads(award.document))
        held.append(
            HeldBadge(
                uuid=award.uuid,
                achievement_id=award.achievement_id,
                name=view.achievement_name or award.achievement_id,
                issuer_name=issuer.name,
                issued_at=award.issued_at,
                valid_until=award.valid_until,
                revoked_at=award.revoked_at,
                standing=standing_of(award, now),
            )
        )
    return tuple(held)


def my_badges(session: Session, *, learner: Learner, now: datetime) -> MyBadges:
    return MyBadges(held=held_badges(session, learner=learner, now=now))


def own_award(session: Session, *, learner: Learner, credential_uuid: str) -> Award | None:
    """The learner's own credential with this uuid (never another learner's, never a copy)."""
    for award, _issuer in repository.held_awards(session, learner.id):
        if award.uuid == credential_uuid:
            return award
    return None
