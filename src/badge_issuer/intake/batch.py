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
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from badge_issuer.awards import batch as award_batch
from badge_issuer.awards import flows, signing_pool, warming
from badge_issuer.awards import repository as award_repository
from badge_issuer.config import Settings
from badge_issuer.intake import service as intake
from badge_issuer.kit import bulk_insert
from badge_issuer.learners import batch as learner_batch
from badge_issuer.learners.identity import normalise_email
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


class StaleChunk(Exception):
    """What a prepared chunk was planned on changed before it was written (another writer
    recorded a completion or an award for one of its learners, or the skill map changed)."""


@dataclass(slots=True)
class PreparedChunk:
    """A chunk checked, its learners stored, its awards planned and drafted (being signed), and
    what the plan was based on; its completions and awards are not written yet (`write_chunk`
    writes them, in the same transaction or a later one)."""

    result: ChunkResult
    completions: list[dict[str, Any]] = field(default_factory=list)
    # Learner id -> the ids of its stored completions and awards the plan saw.
    basis: dict[int, tuple[frozenset[int], frozenset[int]]] = field(default_factory=dict)
    version_id: int | None = None
    sequences: dict[tuple[int, str], int] = field(default_factory=dict)
    drafted: award_batch.Drafted | None = None
    awards: list[int] = field(default_factory=list)  # the ids of the awards written
    awards_written: bool = False

    def cancel(self) -> None:
        """Drop the signing still queued (the chunk will not be written)."""
        if self.drafted is not None:
            self.drafted.cancel()

    def awarding(self, rows: Sequence[tuple[int, CompletionIn]]) -> bool:
        """Whether some of these rows are by a learner this chunk awards and whose awards are
        not written yet (by normalised address: what makes two rows one learner)."""
        if self.drafted is None or self.awards_written:
            return False
        awarded = {normalise_email(request.email) for request in self.drafted.requests}
        return any(normalise_email(row.learner.email) in awarded for _line, row in rows)


def prepare_chunk(
    session: Session,
    *,
    provider_id: str,
    rows: Sequence[tuple[int, CompletionIn]],
    courses: intake.CourseKeys,
    settings: Settings,
    now: datetime,
    pool: signing_pool.SigningPool | None = None,
) -> PreparedChunk:
    """Check the rows, store their learners, plan and draft the credentials they earn (signed
    here, or by the pool's workers from now on); nothing else is written."""
    valid, rejected = _checked(rows, provider_id=provider_id, courses=courses, now=now)
    prepared = PreparedChunk(ChunkResult(rejected=rejected))
    if not valid:
        return prepared
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
    for completion, learner in zip(valid, learners, strict=True):
        identity = _identity(provider_id, completion.course_id, completion.completed_at)
        if identity in seen.setdefault(learner.id, set()):
            prepared.result.duplicates += 1
            continue
        seen[learner.id].add(identity)
        columns = intake.completion_columns(provider_id, learner.id, completion, now)
        prepared.completions.append(columns)
        fresh[learner.id] = (learner, completion.learner.email)
    prepared.result.accepted = len(prepared.completions)
    _plan(session, prepared, fresh=fresh, stored=stored, settings=settings, now=now, pool=pool)
    return prepared


def _stand_ins(rows: list[dict[str, Any]]) -> list[Completion]:
    """Unsaved completions to plan with, with ids no stored row has (-1, -2, …): the rules
    order completions by time first, and one learner's rows never share course and time."""
    return [Completion(id=-position, **row) for position, row in enumerate(rows, start=1)]


def _plan(
    session: Session,
    prepared: PreparedChunk,
    *,
    fresh: dict[int, tuple[Learner, str]],
    stored: dict[int, list[Completion]],
    settings: Settings,
    now: datetime,
    pool: signing_pool.SigningPool | None,
) -> None:
    """Evaluate every learner with a new completion once and draft what they now meet."""
    current = skillmap_service.load_current(session)
    if current is None or not fresh:
        return
    awards = award_repository.for_learners(session, sorted(fresh))
    prepared.version_id = current.version_id
    prepared.basis = {
        learner_id: (
            frozenset(c.id for c in stored.get(learner_id, ())),
            frozenset(a.id for a in awards.get(learner_id, ())),
        )
        for learner_id in fresh
    }
    completions = {learner_id: list(rows) for learner_id, rows in stored.items()}
    for stand_in in _stand_ins(prepared.completions):
        completions.setdefault(stand_in.learner_id, []).append(stand_in)
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
        prepared.sequences = award_batch.next_sequences(a for rows in awards.values() for a in rows)
        prepared.drafted = award_batch.draft_many(
            session, requests=requests, settings=settings, now=now, pool=pool
        )


def write_chunk(session: Session, prepared: PreparedChunk, *, recheck: bool) -> None:
    """Insert the chunk's completions (`finish_chunk` inserts its awards). `recheck`: it was
    prepared in an earlier transaction; raise StaleChunk if what its plan was based on changed
    since."""
    if recheck:
        _recheck(session, prepared)
    ids = {
        -position: stored
        for position, stored in enumerate(_inserted(session, prepared.completions), start=1)
    }
    if prepared.drafted is not None:
        prepared.drafted.with_completion_ids(ids)


def write_awards(session: Session, prepared: PreparedChunk) -> None:
    """Insert the chunk's awards now (after `write_chunk`), even if their documents are still
    being signed (`finish_chunk` then stores them): for a chunk prepared next in the same
    transaction whose learners they award (`PreparedChunk.awarding`), as its plan must see
    them."""
    if prepared.drafted is not None and not prepared.awards_written:
        prepared.awards = award_batch.write_many(
            session, prepared.drafted, sequences=prepared.sequences
        )
        prepared.awards_written = True


def finish_chunk(session: Session, prepared: PreparedChunk) -> None:
    """Insert the chunk's awards with their signed documents (waits for the signing workers;
    see `awards.batch.write_many`), or store the documents of those `write_awards` inserted
    before they were signed. One INSERT with the documents instead of an INSERT and an UPDATE
    of every row."""
    if prepared.drafted is None:
        return
    if not prepared.awards_written:
        prepared.drafted.signed()
        write_awards(session, prepared)
    award_batch.finish_many(session, prepared.drafted, prepared.awards)


def _recheck(session: Session, prepared: PreparedChunk) -> None:
    if not prepared.basis:
        return
    ids = sorted(prepared.basis)
    completions = provider_repository.completions_of_learners(session, ids)
    awards = award_repository.for_learners(session, ids)
    now_seen = {
        learner_id: (
            frozenset(c.id for c in completions.get(learner_id, ())),
            frozenset(a.id for a in awards.get(learner_id, ())),
        )
        for learner_id in ids
    }
    current = skillmap_service.load_current(session)
    version = current.version_id if current is not None else None
    if now_seen != prepared.basis or version != prepared.version_id:
        raise StaleChunk("a learner's record or the skill map changed since the chunk was planned")


_COMPLETIONS = cast(Table, Completion.__table__)
# Returned by the INSERT: its rows come back in no promised order (the table has no client-made
# unique column), so they are matched by the unique (provider, learner, course, time).
_RETURNED = ("id", "provider_id", "learner_id", "course_id", "completed_at")


def _inserted(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the completions (one statement); their ids, in the order of `rows`."""
    ids = {
        (found.learner_id, *_identity(found.provider_id, found.course_id, found.completed_at)): (
            found.id
        )
        for found in bulk_insert.insert_many(session, _COMPLETIONS, rows, returning=_RETURNED)
    }
    return [
        ids[
            (
                row["learner_id"],
                *_identity(row["provider_id"], row["course_id"], row["completed_at"]),
            )
        ]
        for row in rows
    ]
