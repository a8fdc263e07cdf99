"""Gather what an award mail says from the database, when it is sent (not when it is queued):
the credential as issued, the completions that earned it, the claim link, what is next."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.awards import flows
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.notifications import repository
from badge_issuer.outbox.mail.facts import (
    AwardMailFacts,
    CompletedCourse,
    MissingCourse,
    NextBadge,
    RulePart,
)
from badge_issuer.providers import repository as provider_repository
from badge_issuer.providers.models import Completion
from badge_issuer.skillmap import progress
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.skillmap.service import CurrentSkillMap
from badge_issuer.wallet.claims import ClaimLinks, mint_claim_links

JAPAN = timezone(timedelta(hours=9), "JST")
NEXT_BADGES = 3
_PROVIDER_NAMES = "mail_facts.provider_names"


def _day(moment: datetime) -> str:
    return moment.astimezone(JAPAN).date().isoformat()


def _provider_names(session: Session) -> dict[str, str]:
    """Every provider's name, read once per session (a batch of mails shares one)."""
    names: dict[str, str] | None = session.info.get(_PROVIDER_NAMES)
    if names is None:
        names = session.info[_PROVIDER_NAMES] = provider_repository.provider_names(session)
    return names


def _completions(
    names: dict[str, str], rows: Sequence[Completion], current: CurrentSkillMap | None
) -> tuple[CompletedCourse, ...]:
    courses = []
    for row in sorted(rows, key=lambda c: (c.completed_at, c.id)):
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


def _rule_parts(requirement: progress.Requirement) -> tuple[RulePart, ...]:
    """The rule's top-level requirements; a rule of one course or badge is its own part."""
    parts = requirement.children or (requirement,)
    return tuple(RulePart(met=p.met, ja=p.words.ja, en=p.words.en) for p in parts)


def _next_badge(
    item: progress.AchievementProgress,
    current: CurrentSkillMap,
    providers: dict[str, str],
    settings: Settings,
) -> NextBadge:
    def badge_name(achievement_id: str) -> str:
        found = current.skill_map.find_achievement(achievement_id)
        return found.name if found else achievement_id

    return NextBadge(
        name=item.name,
        url=f"{settings.public_origin}/achievements/{item.achievement_id}",
        met=item.met,
        required=item.required,
        missing=tuple(
            MissingCourse(
                course_name=course.name,
                provider_name=providers.get(course.provider, course.provider),
                url=course.url,
                min_score=f"{course.min_score:g}" if course.min_score is not None else None,
            )
            for course in item.missing
        ),
        rule_ja=item.rule.ja,
        rule_en=item.rule.en,
        status_ja=item.status.ja,
        status_en=item.status.en,
        parts=_rule_parts(item.requirement),
        missing_badges=tuple(badge_name(a) for a in item.missing_achievements),
        to_go=item.to_go,
    )


def _next_badges(
    batch: _Batch,
    award: Award,
    current: CurrentSkillMap | None,
    settings: Settings,
    now: datetime,
) -> tuple[NextBadge, ...]:
    """The nearest badges (fewest courses to go) with the rule in words and the courses missing,
    from the same explanation as the learner's progress (`flows.explained_progress`)."""
    learner_id = award.learner_id
    if learner_id is None or learner_id not in batch.learners or current is None:
        return ()
    held, blocked = flows.standing(batch.learner_awards.get(learner_id, []), now)
    completions = flows.rule_completions(batch.learner_completions.get(learner_id, []))
    explained = progress.learner_progress(current.rules, completions, held=held, blocked=blocked)
    return tuple(
        _next_badge(item, current, batch.provider_names, settings)
        for item in progress.nearest(explained, limit=NEXT_BADGES)
    )


def _narratives(document: dict[str, Any], has_completions: bool) -> tuple[str, ...]:
    if has_completions:
        return ()
    evidence = document.get("evidence") or []
    return tuple(dict.fromkeys(str(e["narrative"]) for e in evidence if e.get("narrative")))


@dataclass(frozen=True, slots=True)
class MailDraft:
    """An award mail's facts read in one (read-only) session, and the award its claim link is
    minted for: the link is the one part that writes, so it is added apart (`with_claim`)."""

    award: Award
    facts: AwardMailFacts

    def with_claim(self, claim: ClaimLinks) -> AwardMailFacts:
        return replace(
            self.facts, claim_url=claim.claim_url, claim_expires_on=_day(claim.expires_at)
        )


def _mailable(award: Award | None, now: datetime) -> Award | None:
    if award is None or award.revoked_at is not None:
        return None
    if award.valid_until is not None and award.valid_until <= now:
        return None
    return award


@dataclass(frozen=True, slots=True)
class _Batch:
    """What the mails of a batch say, read with one statement per kind of row."""

    provider_names: dict[str, str]
    completion_ids: dict[int, list[int]]
    completions: dict[int, Completion]
    learners: set[int]
    learner_awards: dict[int, list[Award]]
    learner_completions: dict[int, list[Completion]]


def _read(session: Session, awards: Sequence[Award]) -> _Batch:
    award_ids = [a.id for a in awards]
    completion_ids = repository.completion_ids(session, award_ids) if award_ids else {}
    wanted = {c for ids in completion_ids.values() for c in ids}
    learner_ids = {a.learner_id for a in awards if a.learner_id is not None}
    learners = repository.existing_learners(session, learner_ids) if learner_ids else set()
    return _Batch(
        provider_names=_provider_names(session) if awards else {},
        completion_ids=completion_ids,
        completions=repository.completions_by_id(session, wanted) if wanted else {},
        learners=learners,
        learner_awards=repository.awards_of_learners(session, learners) if learners else {},
        learner_completions=(
            repository.completions_of_learners(session, learners) if learners else {}
        ),
    )


def _draft(
    award: Award,
    batch: _Batch,
    current: CurrentSkillMap | None,
    settings: Settings,
    now: datetime,
) -> MailDraft:
    document = json.loads(award.document)
    achievement = document["credentialSubject"]["achievement"]
    criteria = achievement.get("criteria") or {}
    rows = [
        batch.completions[i]
        for i in batch.completion_ids.get(award.id, ())
        if i in batch.completions
    ]
    completions = _completions(batch.provider_names, rows, current)
    facts = AwardMailFacts(
        achievement_name=str(achievement.get("name", award.achievement_id)),
        achievement_description=str(achievement.get("description", "")),
        criteria=str(criteria.get("narrative", "")),
        issuer_name=str(document["issuer"].get("name", "")),
        credential_url=f"{settings.public_origin}/credentials/{award.uuid}",
        claim_url="",
        claim_expires_on="",
        valid_until=_day(award.valid_until) if award.valid_until else None,
        completions=completions,
        narratives=_narratives(document, bool(completions)),
        next_badges=_next_badges(batch, award, current, settings, now),
    )
    return MailDraft(award, facts)


def draft_award_mails(
    session: Session, *, credential_ids: Collection[str], settings: Settings, now: datetime
) -> dict[str, MailDraft | Exception | None]:
    """What the mail for each credential says, but the claim link, by credential id: None if
    it is gone, revoked or expired; the exception if its facts could not be put together (that
    mail fails alone). Reads only (a read session does): one statement per kind of row for the
    whole batch, instead of seven per mail."""
    found = repository.awards_by_uuid(session, credential_ids)
    awards = {c: _mailable(found.get(c), now) for c in credential_ids}
    live = [a for a in awards.values() if a is not None]
    batch = _read(session, live)
    current = skillmap_service.load_current(session) if live else None
    drafts: dict[str, MailDraft | Exception | None] = {}
    for credential_id, award in awards.items():
        try:
            drafts[credential_id] = (
                None if award is None else _draft(award, batch, current, settings, now)
            )
        except Exception as error:  # a malformed stored document: this mail fails alone
            drafts[credential_id] = error
    return drafts


def draft_award_mail(
    session: Session, *, credential_id: str, settings: Settings, now: datetime
) -> MailDraft | None:
    """What the mail for this credential says, but the claim link; None if it is gone, revoked
    or expired. Reads only: a read session does."""
    [draft] = draft_award_mails(
        session, credential_ids=[credential_id], settings=settings, now=now
    ).values()
    if isinstance(draft, Exception):
        raise draft
    return draft


def mint_claim(
    session: Session, draft: MailDraft, *, settings: Settings, now: datetime
) -> ClaimLinks:
    """Fresh claim links (wallet/) for the draft's award, stored in this (write) session: minted
    when the mail is composed, their expiry counts from the moment the learner can read them.
    Each attempt mints its own; only the sent one is used."""
    return mint_claim_links(
        session, award=draft.award, settings=settings, now=now, created_by="mail"
    )
