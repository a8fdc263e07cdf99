"""The reads of a batch of award mails, one statement each for the whole batch.

Built once with bind parameters (building a select() costs about as much as running it). Each
returns rows by key; the mail facts are assembled from them in mail_facts.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award, AwardCompletion
from badge_issuer.learners.models import Learner
from badge_issuer.providers.models import Completion

_AWARDS = select(Award).where(Award.uuid.in_(bindparam("uuids", expanding=True)))
_COMPLETION_IDS = select(AwardCompletion.award_id, AwardCompletion.completion_id).where(
    AwardCompletion.award_id.in_(bindparam("award_ids", expanding=True))
)
_COMPLETIONS = select(Completion).where(Completion.id.in_(bindparam("ids", expanding=True)))
_LEARNERS = select(Learner.id).where(Learner.id.in_(bindparam("ids", expanding=True)))
_LEARNER_AWARDS = select(Award).where(Award.learner_id.in_(bindparam("ids", expanding=True)))
_LEARNER_COMPLETIONS = select(Completion).where(
    Completion.learner_id.in_(bindparam("ids", expanding=True))
)


def awards_by_uuid(session: Session, uuids: Collection[str]) -> dict[str, Award]:
    return {a.uuid: a for a in session.scalars(_AWARDS, {"uuids": list(uuids)})}


def completion_ids(session: Session, award_ids: Collection[int]) -> dict[int, list[int]]:
    """The completions each award was earned with, by award id."""
    found: dict[int, list[int]] = defaultdict(list)
    for award_id, completion_id in session.execute(_COMPLETION_IDS, {"award_ids": list(award_ids)}):
        found[award_id].append(completion_id)
    return found


def completions_by_id(session: Session, ids: Collection[int]) -> dict[int, Completion]:
    return {c.id: c for c in session.scalars(_COMPLETIONS, {"ids": list(ids)})}


def existing_learners(session: Session, ids: Collection[int]) -> set[int]:
    return set(session.scalars(_LEARNERS, {"ids": list(ids)}))


def awards_of_learners(session: Session, ids: Collection[int]) -> dict[int, list[Award]]:
    found: dict[int, list[Award]] = defaultdict(list)
    for award in session.scalars(_LEARNER_AWARDS, {"ids": list(ids)}):
        if award.learner_id is not None:
            found[award.learner_id].append(award)
    return found


def completions_of_learners(session: Session, ids: Collection[int]) -> dict[int, list[Completion]]:
    found: dict[int, list[Completion]] = defaultdict(list)
    for completion in session.scalars(_LEARNER_COMPLETIONS, {"ids": list(ids)}):
        found[completion.learner_id].append(completion)
    return found
