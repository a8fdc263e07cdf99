"""Record a completion once, then let the awards flow evaluate the learner in the same transaction.

Webhooks and bulk imports both come through `record_completion`. Duplicates are decided by the
database (the Completion unique key, `INSERT … ON CONFLICT DO NOTHING`), so the rule holds
across server processes: the same completion is stored once and never evaluated twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from badge_issuer.awards import flows, issuing, warming
from badge_issuer.awards import repository as award_repository
from badge_issuer.awards.issuance_cache import IssuanceConfig
from badge_issuer.config import Settings
from badge_issuer.issuers.models import Issuer
from badge_issuer.kit.unique_insert import insert_or_stored
from badge_issuer.learners import repository as learner_repository
from badge_issuer.learners import service as learner_service
from badge_issuer.learners.models import Learner
from badge_issuer.providers import repository
from badge_issuer.providers.errors import InvalidCompletion, UnknownCourse
from badge_issuer.providers.models import Completion
from badge_issuer.providers.schemas import (
    AwardSummary,
    CompletionIn,
    CompletionResult,
    ProgressSummary,
)
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.status import service as status_service
from badge_issuer.status.service import AllocatedEntry

# Completions may be reported a little ahead of our clock, never from the far future.
MAX_FUTURE_SKEW = timedelta(hours=1)

CourseKeys = set[tuple[str, str]] | None
_COMPLETION_KEY = ("provider_id", "learner_id", "course_id", "completed_at")


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """A recorded completion: new (and evaluated) or a duplicate of a stored one."""

    is_new: bool
    completion_id: int
    awards: list[AwardSummary] = field(default_factory=list)
    progress: list[ProgressSummary] = field(default_factory=list)

    def result(self) -> CompletionResult:
        return CompletionResult(
            completion_id=self.completion_id, awards=self.awards, progress=self.progress
        )


def known_courses(session: Session) -> CourseKeys:
    """(provider, course_id) pairs of the current skill map, or None when none is loaded."""
    return skillmap_service.current_course_ids(session)


def invalid_completion(exc: ValidationError) -> InvalidCompletion:
    """Turn pydantic's errors into a 422 problem listing each invalid field by JSON pointer."""
    errors = [
        {"pointer": "/" + "/".join(str(part) for part in error["loc"]), "message": error["msg"]}
        for error in exc.errors(include_url=False, include_input=False)
    ]
    summary = "; ".join(f"{e['pointer']}: {e['message']}" for e in errors[:5])
    return InvalidCompletion(f"{len(errors)} invalid field(s): {summary}", errors=errors)


def check_completion(
    completion: CompletionIn, *, provider_id: str, courses: CourseKeys, now: datetime
) -> None:
    """Refuse completions from the future and courses the skill map does not know (422)."""
    if completion.completed_at > now + MAX_FUTURE_SKEW:
        message = "completed_at is in the future"
        raise InvalidCompletion(
            f"/completed_at: {message}", errors=[{"pointer": "/completed_at", "message": message}]
        )
    if courses is not None and (provider_id, completion.course_id) not in courses:
        message = (
            f"course {completion.course_id!r} of provider {provider_id!r} is not in the skill map"
        )
        raise UnknownCourse(
            f"The current skill map has no course {completion.course_id!r} for {provider_id!r}.",
            course_id=completion.course_id,
            provider_id=provider_id,
            errors=[{"pointer": "/course_id", "message": message}],
        )


# The id a completion not stored yet has in a plan made before the write (no row has it).
_PROVISIONAL_ID = -1


def presign_completion(
    reads: Session,
    *,
    engine: Engine,
    provider_id: str,
    completion: CompletionIn,
    settings: Settings,
    now: datetime,
) -> list[issuing.Presigned]:
    """Sign, before the write transaction, the credentials this completion would earn as the
    database stands in `reads` (a read snapshot): the learner's rows, the current map, the
    configuration. The write transaction plans again from its own reads and stores one of these
    only for a request made of the same (`issuing.issue`); anything else it signs itself. On
    SQLite the signing then happens outside the one writer's lock. Status indexes come from
    this process's reserved blocks (`status.service.ReservedEntries`, refilled through
    `engine` in their own transaction: call this before the write transaction begins).
    Nothing is written but a block's reservation; [] when nothing would be issued."""
    current = skillmap_service.load_current(reads)
    if (
        current is None
        or current.skill_map.find_course(provider_id, completion.course_id) is None
        or completion.completed_at > now + MAX_FUTURE_SKEW
    ):
        return []  # the write transaction refuses it, or awards nothing
    person = completion.learner
    digest = learner_service.hash_email(person.email, settings=settings)
    learner = learner_repository.by_email_hash(reads, digest)
    if learner is None:
        group = (person.region, person.category)
        columns = learner_service.learner_columns(
            digest=digest, email=person.email, group=group, settings=settings, now=now
        )
        learner, completions, awards = Learner(**columns), [], []
    else:
        completions = list(repository.completions_of_learner(reads, learner.id))
        awards = list(award_repository.for_learner(reads, learner.id))
    new = Completion(
        id=_PROVISIONAL_ID, **completion_columns(provider_id, learner.id, completion, now)
    )
    if any(_same_completion(stored, new) for stored in completions):
        return []  # a duplicate: nothing is evaluated
    config = IssuanceConfig.read(reads, settings)
    plan = flows.plan_awards(
        current,
        learner=learner,
        email=person.email,
        completions=[*completions, new],
        awards=awards,
        provider_names=lambda: config.providers().names,
        now=now,
    )

    def reserve(issuer: Issuer) -> AllocatedEntry:
        return status_service.RESERVED.take(
            reads, engine=engine, issuer=issuer, settings=settings, now=now
        )

    return [
        issuing.presign(request, config=config, reserve=reserve, settings=settings, now=now)
        for request in plan.requests
    ]


def _same_completion(stored: Completion, new: Completion) -> bool:
    return all(getattr(stored, name) == getattr(new, name) for name in _COMPLETION_KEY)


def record_completion(
    session: Session,
    *,
    provider_id: str,
    completion: CompletionIn,
    courses: CourseKeys,
    settings: Settings,
    now: datetime,
) -> RecordOutcome:
    """Store a completion (once) and evaluate the learner's achievements if it is new."""
    check_completion(completion, provider_id=provider_id, courses=courses, now=now)
    # A map made current since this process warmed (by any process): warm it, off this request.
    warming.warm_in_background(session, settings)
    person = completion.learner
    learner, registered = learner_service.find_or_register(
        session, person=person, settings=settings, now=now
    )
    stored, is_new = _insert_once(
        session, provider_id=provider_id, learner=learner, completion=completion, now=now
    )
    if not is_new:
        return RecordOutcome(is_new=False, completion_id=stored.id)
    # A learner registered by this transaction has this completion and nothing else.
    record = flows.LearnerRecord(completions=[stored], awards=[]) if registered else None
    awards, progress = _evaluate(
        session, learner=learner, email=person.email, record=record, settings=settings, now=now
    )
    return RecordOutcome(is_new=True, completion_id=stored.id, awards=awards, progress=progress)


def completion_columns(
    provider_id: str, learner_id: int, completion: CompletionIn, now: datetime
) -> dict[str, Any]:
    """The columns of a received completion's row."""
    # Every field of the completion but the learner is a column of the same name.
    fields = completion.model_dump(exclude={"learner"})
    return {"provider_id": provider_id, "learner_id": learner_id, "recorded_at": now, **fields}


def _insert_once(
    session: Session, *, provider_id: str, learner: Learner, completion: CompletionIn, now: datetime
) -> tuple[Completion, bool]:
    def stored() -> Completion | None:
        return repository.find_completion(
            session,
            provider_id=provider_id,
            learner_id=learner.id,
            course_id=completion.course_id,
            completed_at=completion.completed_at,
        )

    # Insert first: a completion is new far more often than it is sent again under another
    # webhook id, and the insert alone decides either way.
    columns = completion_columns(provider_id, learner.id, completion, now)
    return insert_or_stored(session, Completion, columns, key=_COMPLETION_KEY, stored=stored)


def _evaluate(
    session: Session,
    *,
    learner: Learner,
    email: str,
    record: flows.LearnerRecord | None,
    settings: Settings,
    now: datetime,
) -> tuple[list[AwardSummary], list[ProgressSummary]]:
    """Run the awards flow for this learner, in the caller's transaction."""
    outcome = flows.evaluate_learner(
        session, learner=learner, email=email, record=record, settings=settings, now=now
    )
    awards = [AwardSummary.model_validate(award) for award in outcome.awards]
    progress = [ProgressSummary.model_validate(item) for item in outcome.progress]
    return awards, progress
