"""Completion -> rules -> awards: the steps that turn a learner's record into credentials."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from badge_issuer.awards import repository
from badge_issuer.awards.batch import next_sequences
from badge_issuer.awards.evidence import CompletionEvidence, completion_evidence
from badge_issuer.awards.issuance_cache import IssuanceConfig
from badge_issuer.awards.issuing import AwardRequest, issue
from badge_issuer.awards.models import Award, AwardSource
from badge_issuer.awards.urls import credential_url
from badge_issuer.config import Settings
from badge_issuer.learners.models import Learner
from badge_issuer.providers import repository as provider_repository
from badge_issuer.providers.models import Completion
from badge_issuer.skillmap import progress, rules
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.skillmap.service import CurrentSkillMap


@dataclass(frozen=True, slots=True)
class AwardRef:
    achievement_id: str
    credential_id: str
    credential_url: str


@dataclass(frozen=True, slots=True)
class AwardOutcome:
    awards: list[AwardRef]
    progress: list[rules.Progress]


def rule_completions(completions: Sequence[Completion]) -> list[rules.CompletedCourse]:
    return [
        rules.CompletedCourse(
            completion_id=str(c.id),
            provider=c.provider_id,
            course_id=c.course_id,
            completed_at=c.completed_at,
            score=c.score,
        )
        for c in completions
    ]


def standing(awards: Sequence[Award], now: datetime) -> tuple[set[str], set[str]]:
    """Achievements the learner holds (valid), and those blocked by a revocation."""
    held: set[str] = set()
    blocked: set[str] = set()
    for award in awards:
        if award.valid_until is not None and award.valid_until <= now:
            continue  # expired: may be earned afresh
        (blocked if award.revoked_at is not None else held).add(award.achievement_id)
    # A revocation is an admin decision: never re-award automatically over it.
    return held, blocked - held


def _learned_at(awards: Sequence[Award], now: datetime) -> dict[str, datetime]:
    return {
        a.achievement_id: a.learned_at
        for a in awards
        if a.revoked_at is None and (a.valid_until is None or a.valid_until > now)
    }


def _latest(moments: Sequence[datetime | None]) -> datetime | None:
    return max((m for m in moments if m is not None), default=None)


def _evidence(
    current: CurrentSkillMap,
    rows: Mapping[int, Completion],
    names: Mapping[str, str],
    completions: Sequence[rules.CompletedCourse],
) -> tuple[list[dict[str, object]], list[int], float | None]:
    ids = [int(c.completion_id) for c in completions]
    evidence = []
    for completion_id in ids:
        row = rows[completion_id]
        course = current.skill_map.find_course(row.provider_id, row.course_id)
        item = CompletionEvidence(
            provider_name=names.get(row.provider_id, row.provider_id),
            course_id=row.course_id,
            course_name=course.name if course else row.course_id,
            completed_at=row.completed_at,
            score=row.score,
            certificate_url=row.certificate_url,
        )
        evidence.append(completion_evidence(item))
    scores = [rows[i].score for i in ids]
    single_score = scores[0] if len(scores) == 1 else None
    return evidence, ids, single_score


@dataclass(frozen=True, slots=True)
class Plan:
    """What a learner's record earns now: the credentials to issue, in dependency order."""

    requests: list[AwardRequest]
    evaluation: rules.Evaluation


def plan_awards(
    current: CurrentSkillMap,
    *,
    learner: Learner,
    email: str,
    completions: Sequence[Completion],
    awards: Sequence[Award],
    provider_names: Callable[[], Mapping[str, str]],
    now: datetime,
) -> Plan:
    """Evaluate the map over the learner's completions and awards (no database access):
    the webhook path (`evaluate_learner`) and the bulk importer (`awards.batch`) share it."""
    held, blocked = standing(awards, now)
    evaluation = rules.evaluate(current.rules, rule_completions(completions), held=held)
    requests: list[AwardRequest] = []
    skipped = set(blocked)
    # Learning for a stacked badge ends with its last completion or its prerequisites' own.
    learned = _learned_at(awards, now)
    rows = {c.id: c for c in completions}
    for met in evaluation.awards:  # dependency order: prerequisites come first
        achievement = current.skill_map.find_achievement(met.achievement_id)
        if achievement is None or met.achievement_id in skipped or skipped & set(met.prerequisites):
            # Revoked, or stacked on something revoked: never re-awarded automatically.
            skipped.add(met.achievement_id)
            continue
        evidence, completion_ids, score = _evidence(
            current, rows, provider_names(), met.completions
        )
        request = AwardRequest(
            skill_map=current.skill_map,
            achievement=achievement,
            skill_map_version_id=current.version_id,
            learner=learner,
            email=email,
            evidence=evidence,
            score=score,
            completion_ids=completion_ids,
            source=AwardSource.RULE,
            learned_at=_latest(
                [met.last_completed_at, *(learned.get(p) for p in met.prerequisites)]
            ),
        )
        learned[achievement.id] = request.learned_at or now
        requests.append(request)
    return Plan(requests, evaluation)


@dataclass(frozen=True, slots=True)
class LearnerRecord:
    """A learner's completions and awards, when the caller knows them without a query."""

    completions: Sequence[Completion]
    awards: Sequence[Award]


def evaluate_learner(
    session: Session,
    *,
    learner: Learner,
    email: str,
    settings: Settings,
    now: datetime,
    record: LearnerRecord | None = None,
) -> AwardOutcome:
    """Evaluate the current skill map for a learner and issue every newly met achievement
    (`record`: the learner's rows as this transaction sees them, if the caller knows them)."""
    current = skillmap_service.load_current(session)
    if current is None:
        return AwardOutcome(awards=[], progress=[])
    config = IssuanceConfig.read(session, settings)
    if record is None:
        record = LearnerRecord(
            completions=provider_repository.completions_of_learner(session, learner.id),
            awards=repository.for_learner(session, learner.id),
        )
    awards = record.awards
    plan = plan_awards(
        current,
        learner=learner,
        email=email,
        completions=record.completions,
        awards=awards,
        provider_names=lambda: config.providers().names,
        now=now,
    )
    # The learner's awards were read in this transaction: the next sequences follow from them
    # (a concurrent award of the same sequence makes `issue` insert nothing).
    sequences = next_sequences(awards)
    issued: list[AwardRef] = []
    for request in plan.requests:
        sequence = sequences.get((learner.id, request.achievement.id), 0)
        award = issue(
            session, request=request, settings=settings, now=now, config=config, sequence=sequence
        )
        if award is not None:
            issued.append(
                AwardRef(award.achievement_id, award.uuid, credential_url(settings, award.uuid))
            )
    return AwardOutcome(awards=issued, progress=list(plan.evaluation.progress))


def progress_only(session: Session, *, learner: Learner, now: datetime) -> list[rules.Progress]:
    """Progress toward every achievement not held, without issuing anything."""
    current = skillmap_service.load_current(session)
    if current is None:
        return []
    completions = provider_repository.completions_of_learner(session, learner.id)
    held, blocked = standing(repository.for_learner(session, learner.id), now)
    evaluation = rules.evaluate(current.rules, rule_completions(completions), held=held)
    return [p for p in evaluation.progress if p.achievement_id not in blocked]


def explained_progress(
    session: Session, *, learner: Learner, now: datetime
) -> tuple[progress.AchievementProgress, ...]:
    """The way to every achievement the learner neither holds nor meets now: the rule in words,
    courses done and missing (see `skillmap.progress`). `progress.nearest(...)` picks the
    closest ones."""
    current = skillmap_service.load_current(session)
    if current is None:
        return ()
    completions = provider_repository.completions_of_learner(session, learner.id)
    held, blocked = standing(repository.for_learner(session, learner.id), now)
    return progress.learner_progress(
        current.rules, rule_completions(completions), held=held, blocked=blocked
    )
