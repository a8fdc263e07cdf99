"""Record a chunk of imported completions with a few statements per chunk, not ~30 per row.

The outcome is the one `service.record_completion` row by row would leave: each distinct
completion stored once (rows already stored, or repeated in the chunk, count as duplicates),
every learner with a new completion evaluated once against the current skill map, and every
newly met achievement issued through `awards.batch` (signed, status entry, mail and callbacks).
Rows the skill map or the clock refuse are rejected before anything is written. Anything else
(a concurrent webhook storing the same completion or learner, a problem while issuing) raises:
the caller rolls the chunk back and records it row by row, where each row has its savepoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, partial
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from badge_issuer.awards import batch as award_batch
from badge_issuer.awards import flows, signing_pool, warming
from badge_issuer.awards import repository as award_repository
from badge_issuer.config import Settings
from badge_issuer.intake import service as intake
from badge_issuer.learners import batch as learner_batch
from badge_issuer.learners.models import Learner
from badge_issuer.problems import ProblemError
from badge_issuer.providers import repository as provider_repository
from badge_issuer.providers.models import Completion
from badge_issuer.providers.schemas import CompletionIn
from badge_issuer.skillmap import service as skillmap_service

# What makes two completions the same (the unique constraint), times in UTC.
_Identity = tuple[str, str, datetime]


@dataclass(slots=True)
class ChunkResult:
    """Counts of one chunk and its rejected rows as (line, reason)."""

    accepted: int = 0
    duplicates: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def _identity(provider_id: str, course_id: str, moment: datetime) -> _Identity:
    return provider_id, course_id, moment.astimezone(UTC)


def _checked(
    rows: Sequence[tuple[int, CompletionIn]],
    *,
    provider_id: str,
    courses: intake.CourseKeys,
    now: datetime,
) -> tuple[list[CompletionIn], list[tuple[int, str]]]:
    valid: list[CompletionIn] = []
    rejected: list[tuple[int, str]] = []
    for line, completion in rows:
        try:
            intake.check_completion(completion, provider_id=provider_id, courses=courses, now=now)
        except ProblemError as exc:
            rejected.append((line, exc.detail))
            continue
        valid.append(completion)
    return valid, rejected


def record_chunk(
    session: Session,
    *,
    provider_id: str,
    rows: Sequence[tuple[int, CompletionIn]],
    courses: intake.CourseKeys,
    settings: Settings,
    now: datetime,
    pool: signing_pool.SigningPool | None = None,
) -> ChunkResult:
    """Record the (line, completion) rows in the caller's transaction (flushes, never commits);
    `pool`: sign the credentials in its worker processes."""
    valid, rejected = _checked(rows, provider_id=provider_id, courses=courses, now=now)
    result = ChunkResult(rejected=rejected)
    if not valid:
        return result
    if pool is None:  # a pool's workers learn the shapes from the documents they sign
        warming.warm_in_background(session, settings)
    people = [(c.learner.email, c.learner.region, c.learner.category) for c in valid]
    learners = learner_batch.get_or_create_learners(
        session, people=people, settings=settings, now=now
    )
    ids = sorted({learner.id for learner in learners})
    stored = provider_repository.completions_of_learners(session, ids)
    seen = {
        learner_id: {_identity(c.provider_id, c.course_id, c.completed_at) for c in rows_}
        for learner_id, rows_ in stored.items()
    }
    fresh: dict[int, tuple[Learner, str]] = {}  # learner id -> (learner, email of its last row)
    added: list[dict[str, Any]] = []
    for completion, learner in zip(valid, learners, strict=True):
        identity = _identity(provider_id, completion.course_id, completion.completed_at)
        if identity in seen.setdefault(learner.id, set()):
            result.duplicates += 1
            continue
        seen[learner.id].add(identity)
        # The columns `intake.new_completion` gives its row.
        fields = completion.model_dump(exclude={"learner"})
        added.append(
            fields | {"provider_id": provider_id, "learner_id": learner.id, "recorded_at": now}
        )
        fresh[learner.id] = (learner, completion.learner.email)
    for row in _inserted(session, added):
        stored.setdefault(row.learner_id, []).append(row)
    result.accepted = len(added)
    _evaluate(session, fresh=fresh, completions=stored, settings=settings, now=now, pool=pool)
    return result


def _inserted(session: Session, rows: list[dict[str, Any]]) -> Sequence[Completion]:
    """Insert the completions (an ORM bulk INSERT, no unit of work); the rows, in order."""
    if not rows:
        return []
    statement = insert(Completion).returning(Completion, sort_by_parameter_order=True)
    return session.scalars(statement, rows).all()


def _evaluate(
    session: Session,
    *,
    fresh: dict[int, tuple[Learner, str]],
    completions: dict[int, list[Completion]],
    settings: Settings,
    now: datetime,
    pool: signing_pool.SigningPool | None,
) -> None:
    """Evaluate every learner with a new completion once and issue what they now meet."""
    current = skillmap_service.load_current(session)
    if current is None or not fresh:
        return
    awards = award_repository.for_learners(session, sorted(fresh))
    names = cache(partial(provider_repository.provider_names, session))
    requests = []
    for learner_id, (learner, email) in fresh.items():
        plan = flows.plan_awards(
            current,
            learner=learner,
            email=email,
            completions=completions[learner_id],
            awards=awards.get(learner_id, []),
            provider_names=names,
            now=now,
        )
        requests.extend(plan.requests)
    if requests:
        sequences = award_batch.next_sequences(a for rows in awards.values() for a in rows)
        award_batch.issue_many(
            session, requests=requests, sequences=sequences, settings=settings, now=now, pool=pool
        )
