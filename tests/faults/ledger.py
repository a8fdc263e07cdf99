"""What must hold in the database after any crash: every stored credential is sound, once."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badge_issuer.awards.issuing import credential_url
from badge_issuer.awards.models import Award, AwardCompletion
from badge_issuer.config import Settings
from badge_issuer.credentials.proofs.data_integrity import verify_credential_proof
from badge_issuer.db import create_db_engine, make_session_factory
from badge_issuer.learners.models import Learner
from badge_issuer.providers.models import Completion, WebhookDelivery
from badge_issuer.status import service as status_service
from badge_issuer.status.models import StatusList
from tests.key_resolvers import local_key_resolver


@contextmanager
def session_on(settings: Settings) -> Iterator[Session]:
    """A session on the deployment's database, committed at the end (as `serve` does)."""
    engine = create_db_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            yield session
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Stored:
    """The rows the fault tests reason about."""

    learner_by_hash: dict[str, int]
    completions: list[Completion]
    awards: list[Award]
    evidence: dict[int, list[int]]  # award id -> completion ids
    deliveries: dict[str, WebhookDelivery]  # webhook id -> delivery


def load(session: Session) -> Stored:
    evidence: dict[int, list[int]] = {}
    for link in session.scalars(select(AwardCompletion)):
        evidence.setdefault(link.award_id, []).append(link.completion_id)
    return Stored(
        learner_by_hash={row.email_hash: row.id for row in session.scalars(select(Learner))},
        completions=list(session.scalars(select(Completion))),
        awards=list(session.scalars(select(Award))),
        evidence=evidence,
        deliveries={row.webhook_id: row for row in session.scalars(select(WebhookDelivery))},
    )


def shared_status_indexes(session: Session) -> list[tuple[int, int, int]]:
    """(list, index, count) of every status index held by more than one credential."""
    query = (
        select(Award.status_list_id, Award.status_index, func.count())
        .group_by(Award.status_list_id, Award.status_index)
        .having(func.count() > 1)
    )
    return [(row[0], row[1], row[2]) for row in session.execute(query)]


def awards_per_learner(stored: Stored, achievement_id: str) -> Counter[int | None]:
    return Counter(a.learner_id for a in stored.awards if a.achievement_id == achievement_id)


def credential_problems(session: Session, settings: Settings, awards: list[Award]) -> list[str]:
    """Every way a stored credential is unsound: proof, id, or status entry unlike its row."""
    resolve = local_key_resolver(session, settings=settings)
    lists = {row.id: row.public_id for row in session.scalars(select(StatusList))}
    problems = []
    for award in awards:
        document = json.loads(award.document)
        result = verify_credential_proof(document, resolve)
        if not result.verified:
            problems.append(f"{award.uuid}: proof fails {[c.detail for c in result.problems]}")
        if document.get("id") != credential_url(settings, award.uuid):
            problems.append(f"{award.uuid}: document id {document.get('id')!r}")
        expected = status_service.status_entry(
            status_service.list_url(settings, lists[award.status_list_id]), award.status_index
        )
        if document.get("credentialStatus") != expected:
            problems.append(f"{award.uuid}: credentialStatus {document.get('credentialStatus')}")
    return problems
