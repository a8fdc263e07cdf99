"""What "my badges" shows: every credential the learner holds, across issuers, marked revoked or
expired, and the way to the badges not yet held."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from badge_issuer.awards import flows
from badge_issuer.awards import service as award_service
from badge_issuer.awards.models import Award
from badge_issuer.awards.schemas import CredentialState
from badge_issuer.learners.models import Learner
from badge_issuer.mybadges import repository
from badge_issuer.pages import catalog_pages
from badge_issuer.pages.credential_view import credential_view
from badge_issuer.skillmap import progress
from badge_issuer.skillmap import service as skillmap_service

Standing = CredentialState


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
    next: tuple[NextBadge, ...]


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
                standing=award_service.state_of(award, now),
            )
        )
    return tuple(held)


def my_badges(session: Session, *, learner: Learner, now: datetime) -> MyBadges:
    return MyBadges(
        held=held_badges(session, learner=learner, now=now),
        next=next_badges(session, learner=learner, now=now),
    )


def own_award(session: Session, *, learner: Learner, credential_uuid: str) -> Award | None:
    """The learner's own credential with this uuid (never another learner's, never a copy)."""
    for award, _issuer in repository.held_awards(session, learner.id):
        if award.uuid == credential_uuid:
            return award
    return None


@dataclass(frozen=True, slots=True)
class Step:
    """A course on the way to a badge, with the names a learner knows."""

    name: str
    provider_name: str
    url: str | None
    min_score: str | None
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class RuleLine:
    """One part of a badge's rule in words, indented by how deep it sits, and whether it is met."""

    depth: int
    words: progress.Words
    met: bool


_MAX_DEPTH = 4


def _rule_lines(requirement: progress.Requirement, depth: int = 0) -> Iterator[RuleLine]:
    yield RuleLine(min(depth, _MAX_DEPTH), requirement.words, requirement.met)
    for child in requirement.children:
        yield from _rule_lines(child, depth + 1)


@dataclass(frozen=True, slots=True)
class NextBadge:
    """The way to one badge not held: the rule in words, courses done and courses missing."""

    achievement_id: str
    name: str
    rule: tuple[RuleLine, ...]  # the whole rule in words, top first
    status: progress.Words
    done: tuple[Step, ...]
    missing: tuple[Step, ...]
    # Courses done that count only when taken again (a time window they fall outside of).
    again: tuple[Step, ...]
    badges_first: tuple[str, ...]  # names of badges needed before this one
    to_go: int
    blocked: bool


def _step(course: progress.CourseStep, providers: Mapping[str, str]) -> Step:
    return Step(
        name=course.name,
        provider_name=providers.get(course.provider, course.provider),
        url=course.url,
        min_score=None if course.min_score is None else f"{course.min_score:g}",
        completed_at=course.completed_at,
    )


def _not_done(entry: progress.AchievementProgress) -> tuple[progress.CourseStep, ...]:
    """The missing courses the learner has not completed. `progress` lists every course of an
    unmet part of the rule, so a windowed group shows its done courses there too."""
    done = {(c.provider, c.course_id) for c in entry.done}
    return tuple(
        c for c in entry.missing if c.completed_at is None and (c.provider, c.course_id) not in done
    )


def next_badges(session: Session, *, learner: Learner, now: datetime) -> tuple[NextBadge, ...]:
    """Every badge not held, nearest first (fewest courses to go); blocked ones last."""
    explained = flows.explained_progress(session, learner=learner, now=now)
    if not explained:
        return ()
    providers = catalog_pages.provider_names(session)
    names = {entry.achievement_id: entry.name for entry in explained}
    current = skillmap_service.load_current(session)
    if current is not None:
        names.update({a.id: a.name for a in current.skill_map.achievements})
    ranked = sorted(enumerate(explained), key=lambda e: (e[1].blocked, e[1].to_go, e[0]))
    return tuple(
        NextBadge(
            achievement_id=entry.achievement_id,
            name=entry.name,
            rule=tuple(_rule_lines(entry.requirement)),
            status=entry.status,
            done=tuple(_step(c, providers) for c in entry.done),
            missing=tuple(_step(c, providers) for c in _not_done(entry)),
            again=() if _not_done(entry) else tuple(_step(c, providers) for c in entry.missing),
            badges_first=tuple(names.get(a, a) for a in entry.missing_achievements),
            to_go=entry.to_go,
            blocked=entry.blocked,
        )
        for _index, entry in ranked
    )
