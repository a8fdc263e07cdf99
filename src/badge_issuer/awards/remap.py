"""A skill map change reaches existing learners: an impact report first, then an explicit apply.

The report evaluates every learner's stored completions under a map (the current one, a
candidate being checked, or a version just loaded) and lists the badges they would newly earn,
issuing nothing. Apply evaluates every learner under the current version through the normal
award path (`flows.evaluate_learner`), so credentials, evidence, stacking, revocation rules,
mails and callbacks are exactly those of a webhook. Apply runs in batches of learners in id
order; each batch commits with the run's cursor, so an interrupted run resumes after the last
committed batch, and the unique (learner, achievement, sequence) constraint makes a batch
replayed after a crash issue nothing twice. Nothing is ever revoked: completions of courses a
new map removed stay the evidence of what they earned.

A credential names its recipient by a salted hash of their email, and emails are not stored
unless BADGE_ISSUER_STORE_EMAILS is on. A learner who meets a new badge but whose email is
neither stored nor given to the run is counted as deferred: they get the badge with their next
completion (or re-import), which evaluates their whole record under the current map.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from badge_issuer.audit import service as audit
from badge_issuer.awards import flows, remap_repository, repository
from badge_issuer.awards.apply_models import ApplyState, SkillMapApply
from badge_issuer.awards.errors import ApplyNotCurrent, ApplyRunNotFound
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.kit.lookup import found
from badge_issuer.learners import repository as learner_repository
from badge_issuer.learners import service as learner_service
from badge_issuer.learners.models import Learner
from badge_issuer.providers import repository as provider_repository
from badge_issuer.providers.models import Completion
from badge_issuer.skillmap import rules
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.skillmap.errors import NoSkillMap
from badge_issuer.skillmap.rulebook import RuleBook
from badge_issuer.skillmap.schemas import ImpactRead

BATCH = 200
SAMPLE = 20


@dataclass(frozen=True, slots=True)
class LearnerImpact:
    """One learner who would newly earn badges (identified internally: emails are not kept)."""

    learner_id: int
    region: str | None
    category: str | None
    achievements: tuple[str, ...]
    email_on_file: bool


@dataclass(frozen=True, slots=True)
class Impact:
    learners_checked: int
    learners_affected: int
    learners_without_email: int
    per_achievement: dict[str, int]  # in skill map order; only achievements someone would earn
    sample: tuple[LearnerImpact, ...]


def newly_met(
    book: RuleBook, completions: Sequence[Completion], awards: Sequence[Award], now: datetime
) -> tuple[str, ...]:
    """Achievements this record would be awarded under `book` now, as `evaluate_learner` would:
    never over a revocation, nor stacked on one."""
    held, blocked = flows.standing(awards, now)
    evaluation = rules.evaluate(book, flows.rule_completions(completions), held=held)
    skipped = set(blocked)
    met: list[str] = []
    for award in evaluation.awards:  # dependency order
        if award.achievement_id in skipped or skipped & set(award.prerequisites):
            skipped.add(award.achievement_id)
            continue
        met.append(award.achievement_id)
    return tuple(met)


def _batches(session: Session, *, after_id: int, size: int) -> Iterable[Sequence[Learner]]:
    while True:
        learners = learner_repository.learners_after(session, after_id=after_id, limit=size)
        if not learners:
            return
        yield learners
        after_id = learners[-1].id


def impact(
    session: Session, *, book: RuleBook, now: datetime, sample: int = SAMPLE, batch: int = BATCH
) -> Impact:
    """Which learners would newly earn which badges under `book` (nothing is issued)."""
    order = {a.id: i for i, a in enumerate(book.skill_map.achievements)}
    counts: Counter[str] = Counter()
    checked = affected = without_email = 0
    examples: list[LearnerImpact] = []
    for learners in _batches(session, after_id=0, size=batch):
        ids = [learner.id for learner in learners]
        completions = provider_repository.completions_of_learners(session, ids)
        awards = repository.for_learners(session, ids)
        for learner in learners:
            checked += 1
            met = newly_met(book, completions.get(learner.id, []), awards.get(learner.id, []), now)
            if not met:
                continue
            affected += 1
            counts.update(met)
            without_email += learner.email is None
            if len(examples) < sample:
                examples.append(
                    LearnerImpact(
                        learner.id, learner.region, learner.category, met, learner.email is not None
                    )
                )
    per_achievement = {aid: counts[aid] for aid in sorted(counts, key=lambda a: order.get(a, 0))}
    return Impact(checked, affected, without_email, per_achievement, tuple(examples))


def start_apply(session: Session, *, version_id: int, actor: str, now: datetime) -> SkillMapApply:
    """Start applying the current version to every learner, or resume its unfinished run."""
    current = skillmap_service.load_current(session)
    if current is None:
        raise NoSkillMap("No skill map has been loaded yet.")
    if current.version_id != version_id:
        raise ApplyNotCurrent(
            f"Skill map version {version_id} is not the current one ({current.version_id}): "
            "load it first (rules always run with the current version).",
        )
    running = remap_repository.running_for(session, version_id)
    if running is not None:
        return running
    run = remap_repository.add_run(
        session,
        SkillMapApply(
            skill_map_version_id=version_id,
            state=ApplyState.RUNNING,
            started_by=actor,
            started_at=now,
            updated_at=now,
            cursor=0,
            learners_total=learner_repository.count_learners(session),
            learners_done=0,
            learners_awarded=0,
            credentials_issued=0,
            learners_deferred=0,
        ),
    )
    audit.record(
        session,
        actor=actor,
        action="skill_map.apply.start",
        target_type="skill_map_apply",
        target_id=str(run.id),
        now=now,
        details={"skill_map_version_id": version_id, "learners": run.learners_total},
    )
    return run


def emails_by_learner(
    session: Session, emails: Iterable[str], *, settings: Settings
) -> dict[int, str]:
    """Match addresses given to a run to learners by the keyed hash (nothing is stored)."""
    by_hash = {learner_service.hash_email(e, settings=settings): e for e in emails}
    found = learner_repository.ids_by_email_hash(session, list(by_hash))
    return {learner_id: by_hash[digest] for digest, learner_id in found.items()}


def apply_batch(
    session: Session,
    *,
    run_id: int,
    actor: str,
    settings: Settings,
    now: datetime,
    emails: Mapping[int, str] | None = None,
    batch: int = BATCH,
) -> SkillMapApply:
    """Evaluate the next batch of learners and issue what they newly meet; the caller commits.

    The run's row is locked (PostgreSQL) so two callers take turns instead of racing.
    """
    run = remap_repository.get_run(session, run_id, lock=True)
    if run is None:
        raise ApplyRunNotFound(f"No apply run {run_id}.")
    if run.state != ApplyState.RUNNING:
        return run
    current = skillmap_service.load_current(session)
    if current is None or current.version_id != run.skill_map_version_id:
        raise ApplyNotCurrent(
            f"The run applies version {run.skill_map_version_id}, which is no longer current."
        )
    # One learner more than the batch: whether any is left, so the run that visits the last
    # learner ends there (no extra empty call to find out).
    fetched = learner_repository.learners_after(session, after_id=run.cursor, limit=batch + 1)
    learners = fetched[:batch]
    ids = [learner.id for learner in learners]
    completions = provider_repository.completions_of_learners(session, ids)
    awards = repository.for_learners(session, ids)
    for learner in learners:
        met = newly_met(
            current.rules, completions.get(learner.id, []), awards.get(learner.id, []), now
        )
        if not met:
            continue
        email = learner.email or (emails or {}).get(learner.id)
        if email is None:
            run.learners_deferred += 1
            continue
        outcome = flows.evaluate_learner(
            session, learner=learner, email=email, settings=settings, now=now
        )
        run.learners_awarded += bool(outcome.awards)
        run.credentials_issued += len(outcome.awards)
        for issued in outcome.awards:
            audit.record(
                session,
                actor=actor,
                action="credential.apply",
                target_type="credential",
                target_id=issued.credential_id,
                now=now,
                details={"achievement_id": issued.achievement_id, "apply_run": run.id},
            )
    run.learners_done += len(learners)
    run.updated_at = now
    if learners:
        run.cursor = learners[-1].id
    if len(fetched) <= batch:
        run.state = ApplyState.DONE
        run.finished_at = now
        audit.record(
            session,
            actor=actor,
            action="skill_map.apply.finish",
            target_type="skill_map_apply",
            target_id=str(run.id),
            now=now,
            details={
                "learners": run.learners_done,
                "learners_awarded": run.learners_awarded,
                "credentials_issued": run.credentials_issued,
                "learners_deferred": run.learners_deferred,
            },
        )
    session.flush()
    return run


def get_run(session: Session, run_id: int) -> SkillMapApply:
    run = remap_repository.get_run(session, run_id)
    return found(run, ApplyRunNotFound(f"No apply run {run_id}."))


def impact_read(result: Impact) -> ImpactRead:
    # ImpactRead and LearnerImpactRead mirror Impact and LearnerImpact field for field.
    return ImpactRead.model_validate(result, from_attributes=True)
