"""A learner's badges and the way to the others, as providers show them in their LMS."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from badge_issuer.awards import flows, repository
from badge_issuer.awards.progress_schemas import (
    BadgeRef,
    CourseStepRead,
    HeldBadgeRead,
    LearnerWaysRead,
    RequirementRead,
    WayRead,
    WordsRead,
)
from badge_issuer.awards.service import state_of
from badge_issuer.awards.urls import credential_url
from badge_issuer.config import Settings
from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.learners import service as learner_service
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.skillmap.ob3 import achievement_url
from badge_issuer.skillmap.progress import (
    AchievementProgress,
    CourseStep,
    Requirement,
    learner_progress,
    nearest,
)

NEAREST = 3


def _requirement(requirement: Requirement) -> RequirementRead:
    # The API models mirror skillmap.progress field for field (words, courses, children too).
    return RequirementRead.model_validate(requirement, from_attributes=True)


def _steps(steps: tuple[CourseStep, ...]) -> list[CourseStepRead]:
    return [CourseStepRead.model_validate(step, from_attributes=True) for step in steps]


def _way(way: AchievementProgress, names: dict[str, str], origin: str) -> WayRead:
    return WayRead(
        achievement_id=way.achievement_id,
        name=way.name,
        url=achievement_url(origin, way.achievement_id),
        met=way.met,
        required=way.required,
        rule=WordsRead.model_validate(way.rule, from_attributes=True),
        status=WordsRead.model_validate(way.status, from_attributes=True),
        done=_steps(way.done),
        missing=_steps(way.missing),
        missing_achievements=[
            BadgeRef(achievement_id=aid, name=names.get(aid, aid))
            for aid in way.missing_achievements
        ],
        courses_to_go=way.to_go,
        blocked=way.blocked,
        requirement=_requirement(way.requirement),
    )


def learner_ways(
    session: Session, *, email: str, settings: Settings, now: datetime
) -> LearnerWaysRead:
    """Every badge the learner holds and the way to each other one (read only).

    An unknown email answers like a learner with nothing yet: the way to every badge.
    """
    current = skillmap_service.load_current(session)
    names = {} if current is None else {a.id: a.name for a in current.skill_map.achievements}
    learner = learner_service.find_learner(session, email=email, settings=settings)
    awards = repository.for_learner(session, learner.id) if learner else []
    slugs = issuer_repository.slugs_by_id(session)
    held = [
        HeldBadgeRead(
            achievement_id=award.achievement_id,
            name=names.get(award.achievement_id, award.achievement_id),
            issuer=slugs.get(award.issuer_id, str(award.issuer_id)),
            credential_url=credential_url(settings, award.uuid),
            state=state_of(award, now),
            issued_at=award.issued_at,
            valid_until=award.valid_until,
        )
        for award in sorted(awards, key=lambda a: (a.issued_at, a.id))
    ]
    if learner is not None:
        ways = flows.explained_progress(session, learner=learner, now=now)
    elif current is not None:
        ways = learner_progress(current.rules, [])
    else:
        ways = ()
    return LearnerWaysRead(
        skill_map_version=None
        if current is None
        else current.skill_map.version or current.content_hash[:12],
        held=held,
        progress=[_way(way, names, settings.public_origin) for way in ways],
        next=[way.achievement_id for way in nearest(ways, limit=NEAREST)],
    )
