"""Admin use cases over awards: direct awards, listings, a learner's progress."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from badge_issuer.awards import flows, repository
from badge_issuer.awards.errors import AchievementUnknown, AlreadyAwarded
from badge_issuer.awards.evidence import direct_evidence
from badge_issuer.awards.issuing import AwardRequest, issue
from badge_issuer.awards.models import Award, AwardSource
from badge_issuer.awards.schemas import (
    CredentialState,
    DirectAwardCreate,
    HeldAchievement,
    IssuedCredentialRead,
    LearnerProgressRead,
    ProgressRead,
)
from badge_issuer.awards.urls import credential_url
from badge_issuer.config import Settings
from badge_issuer.kit.read_models import read_model
from badge_issuer.learners import service as learner_service
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.skillmap.errors import NoSkillMap


def state_of(award: Award, now: datetime) -> CredentialState:
    """Revoked wins over expired: a revoked badge is never shown as merely expired."""
    if award.revoked_at is not None:
        return "revoked"
    if award.valid_until is not None and award.valid_until <= now:
        return "expired"
    return "valid"


def summary(award: Award, *, settings: Settings, now: datetime) -> IssuedCredentialRead:
    url, state = credential_url(settings, award.uuid), state_of(award, now)
    return read_model(IssuedCredentialRead, award, url=url, state=state)


def award_directly(
    session: Session, *, data: DirectAwardCreate, settings: Settings, now: datetime
) -> Award:
    """Issue an achievement to an email without completions, with the admin's evidence."""
    current = skillmap_service.load_current(session)
    if current is None:
        raise NoSkillMap("Load a skill map before awarding its achievements.")
    achievement = current.skill_map.find_achievement(data.achievement_id)
    if achievement is None:
        raise AchievementUnknown(
            f"No achievement `{data.achievement_id}` in the current skill map."
        )
    learner = learner_service.get_or_create_learner(
        session, person=data, settings=settings, now=now
    )
    held = [
        a
        for a in repository.for_learner(session, learner.id)
        if a.achievement_id == achievement.id and state_of(a, now) == "valid"
    ]
    if held:
        raise AlreadyAwarded(
            f"{achievement.id} is already held",
            credential_url=credential_url(settings, held[0].uuid),
        )
    request = AwardRequest(
        skill_map=current.skill_map,
        achievement=achievement,
        skill_map_version_id=current.version_id,
        learner=learner,
        email=data.email,
        evidence=direct_evidence(data.narrative, [str(url) for url in data.evidence_urls]),
        score=None,
        completion_ids=[],
        source=AwardSource.DIRECT,
    )
    award = issue(session, request=request, settings=settings, now=now)
    if award is None:
        raise AlreadyAwarded(f"{achievement.id} was awarded concurrently")
    # A direct award can complete a stacked rule (gold after a practical-experience silver).
    flows.evaluate_learner(session, learner=learner, email=data.email, settings=settings, now=now)
    return award


def learner_progress(
    session: Session, *, email: str, settings: Settings, now: datetime
) -> LearnerProgressRead:
    """What a learner holds and how far they are toward the rest (read only: awards nothing)."""
    learner = learner_service.find_learner(session, email=email, settings=settings)
    awards: Sequence[Award] = repository.for_learner(session, learner.id) if learner else []
    held = [
        HeldAchievement(
            achievement_id=a.achievement_id,
            credential_url=credential_url(settings, a.uuid),
            state=state_of(a, now),
        )
        for a in awards
    ]
    progress = flows.progress_only(session, learner=learner, now=now) if learner else []
    return LearnerProgressRead(
        held=held,
        progress=[
            ProgressRead(achievement_id=p.achievement_id, met=p.met, required=p.required)
            for p in progress
        ],
    )
