"""Gather what an award mail says from the database, when it is sent (not when it is queued):
the credential as issued, the completions that earned it, the claim link, what is next."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badge_issuer.awards import flows
from badge_issuer.awards import repository as award_repository
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.learners.models import Learner
from badge_issuer.outbox.mail.facts import AwardMailFacts, CompletedCourse, NextBadge
from badge_issuer.providers.models import Completion, Provider
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.skillmap.service import CurrentSkillMap
from badge_issuer.wallet.claims import ClaimLinks, mint_claim_links

JAPAN = timezone(timedelta(hours=9), "JST")
NEXT_BADGES = 3


def _day(moment: datetime) -> str:
    return moment.astimezone(JAPAN).date().isoformat()


def _completions(
    session: Session, ids: Sequence[int], current: CurrentSkillMap | None
) -> tuple[CompletedCourse, ...]:
    if not ids:
        return ()
    rows = session.scalars(
        select(Completion).where(Completion.id.in_(ids)).order_by(Completion.completed_at)
    ).all()
    names = {p.id: p.name for p in session.scalars(select(Provider))}
    courses = []
    for row in rows:
        course = current.skill_map.find_course(row.provider_id, row.course_id) if current else None
        courses.append(
            CompletedCourse(
                course_name=course.name if course else row.course_id,
                provider_name=names.get(row.provider_id, row.provider_id),
                completed_on=_day(row.completed_at),
                score=f"{row.score:g}" if row.score is not None else None,
            )
        )
    return tuple(courses)


def _next_badges(
    session: Session,
    award: Award,
    current: CurrentSkillMap | None,
    settings: Settings,
    now: datetime,
) -> tuple[NextBadge, ...]:
    learner = session.get(Learner, award.learner_id) if award.learner_id is not None else None
    if learner is None or current is None:
        return ()
    progress = [p for p in flows.progress_only(session, learner=learner, now=now) if p.required]
    # Nearest first: fewest requirements left, then the larger share done.
    progress.sort(key=lambda p: (p.required - p.met, -p.met / p.required, p.achievement_id))
    badges = []
    for item in progress[:NEXT_BADGES]:
        achievement = current.skill_map.find_achievement(item.achievement_id)
        if achievement is None:
            continue
        badges.append(
            NextBadge(
                name=achievement.name,
                url=f"{settings.public_origin}/achievements/{achievement.id}",
                met=item.met,
                required=item.required,
            )
        )
    return tuple(badges)


def _claim(session: Session, award: Award, settings: Settings, now: datetime) -> ClaimLinks:
    """Fresh claim links (wallet/), minted when the mail is composed: their expiry counts from
    the moment the learner can read them. Each attempt mints its own; only the sent one is used."""
    return mint_claim_links(session, award=award, settings=settings, now=now, created_by="mail")


def _narratives(document: dict[str, Any], has_completions: bool) -> tuple[str, ...]:
    if has_completions:
        return ()
    evidence = document.get("evidence") or []
    return tuple(dict.fromkeys(str(e["narrative"]) for e in evidence if e.get("narrative")))


def award_mail_facts(
    session: Session, *, credential_id: str, settings: Settings, now: datetime
) -> AwardMailFacts | None:
    """The facts of the mail for this credential; None if it is gone or revoked."""
    award = award_repository.get_by_uuid(session, credential_id)
    if award is None or award.revoked_at is not None:
        return None
    if award.valid_until is not None and award.valid_until <= now:
        return None
    document = json.loads(award.document)
    achievement = document["credentialSubject"]["achievement"]
    criteria = achievement.get("criteria") or {}
    current = skillmap_service.load_current(session)
    claim = _claim(session, award, settings, now)
    completions = _completions(
        session, award_repository.completion_ids_of(session, award.id), current
    )
    return AwardMailFacts(
        achievement_name=str(achievement.get("name", award.achievement_id)),
        achievement_description=str(achievement.get("description", "")),
        criteria=str(criteria.get("narrative", "")),
        issuer_name=str(document["issuer"].get("name", "")),
        credential_url=f"{settings.public_origin}/credentials/{award.uuid}",
        claim_url=claim.claim_url,
        claim_expires_on=_day(claim.expires_at),
        valid_until=_day(award.valid_until) if award.valid_until else None,
        completions=completions,
        narratives=_narratives(document, bool(completions)),
        next_badges=_next_badges(session, award, current, settings, now),
    )
