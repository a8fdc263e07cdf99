"""Queries over stored achievement images (and the issuer name a default badge shows)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from badge_issuer.images.models import AchievementImage
from badge_issuer.issuers.models import Issuer


def get(session: Session, achievement_id: str) -> AchievementImage | None:
    return session.get(AchievementImage, achievement_id)


def add(session: Session, image: AchievementImage) -> AchievementImage:
    session.add(image)
    session.flush()
    return image


def delete(session: Session, image: AchievementImage) -> None:
    session.delete(image)
    session.flush()


def issuer_name(session: Session, slug: str) -> str | None:
    """Return the display name of the issuer `slug`, or None if there is no such issuer."""
    return session.scalars(select(Issuer.name).where(Issuer.slug == slug)).first()
