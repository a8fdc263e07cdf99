"""Issue many credentials in the caller's transaction with a few statements: the bulk importer's
path. The rows are those `issuing.issue` writes (same signing, status entries, events).

Issuers, active signers (an unwrap of the private key each) and the endorsements of each
achievement are looked up once per call instead of once per credential; status entries are
taken in one UPDATE per issuer; sequences come from the awards the caller already loaded; the
awards and their evidence links are inserted in one flush each.
Unlike `issue`, nothing is caught: a concurrent writer that awarded the same achievement makes
the flush fail (unique learner, achievement, sequence) and the caller rolls the batch back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.awards import repository
from badge_issuer.awards.issuing import AwardRequest, announce, signed_award
from badge_issuer.awards.models import Award, AwardCompletion
from badge_issuer.config import Settings
from badge_issuer.credentials.proofs.signer import Signer
from badge_issuer.endorsements import service as endorsement_service
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import service as key_service
from badge_issuer.keys.models import SigningKey
from badge_issuer.status import service as status_service
from badge_issuer.status.service import AllocatedEntry


def next_sequences(awards: Iterable[Award]) -> dict[tuple[int, str], int]:
    """The next free sequence of each (learner, achievement) among these awards."""
    following: dict[tuple[int, str], int] = {}
    for award in awards:
        if award.learner_id is not None:
            key = (award.learner_id, award.achievement_id)
            following[key] = max(following.get(key, 0), award.sequence + 1)
    return following


class _Lookups:
    """Per-call memo of what every credential of one issuer or achievement shares."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self._session, self._settings = session, settings
        self._issuers: dict[str, Issuer] = {}
        self._signers: dict[int, tuple[SigningKey, Signer]] = {}
        self._endorsements: dict[str, tuple[dict[str, Any], ...]] = {}

    def issuer(self, slug: str) -> Issuer:
        if slug not in self._issuers:
            self._issuers[slug] = issuer_service.get_issuer(self._session, slug)
        return self._issuers[slug]

    def signing(self, issuer: Issuer) -> tuple[SigningKey, Signer]:
        if issuer.id not in self._signers:
            self._signers[issuer.id] = key_service.active_signer(
                self._session, issuer=issuer, settings=self._settings
            )
        return self._signers[issuer.id]

    def endorsements(self, achievement_id: str) -> tuple[dict[str, Any], ...]:
        if achievement_id not in self._endorsements:
            found = endorsement_service.documents_in_force(
                self._session,
                subject_type=endorsement_service.ACHIEVEMENT,
                subject_ref=achievement_id,
            )
            self._endorsements[achievement_id] = tuple(found)
        return self._endorsements[achievement_id]


def issue_many(
    session: Session,
    *,
    requests: Sequence[AwardRequest],
    sequences: Mapping[tuple[int, str], int],
    settings: Settings,
    now: datetime,
) -> list[Award]:
    """Sign and store one credential per request (`sequences`: see `next_sequences`)."""
    lookups = _Lookups(session, settings)
    entries = _entries(session, lookups, requests, settings=settings, now=now)
    following = dict(sequences)
    awards: list[Award] = []
    for request, allocated in zip(requests, entries, strict=True):
        if not request.endorsements:
            request = replace(request, endorsements=lookups.endorsements(request.achievement.id))
        issuer = lookups.issuer(request.achievement.issuer)
        key = (request.learner.id, request.achievement.id)
        sequence = following.get(key, 0)
        following[key] = sequence + 1
        awards.append(
            signed_award(
                request,
                issuer=issuer,
                signing=lookups.signing(issuer),
                allocated=allocated,
                sequence=sequence,
                settings=settings,
                now=now,
            )
        )
    session.add_all(awards)
    session.flush()
    session.add_all(
        AwardCompletion(award_id=award.id, completion_id=completion_id)
        for award, request in zip(awards, requests, strict=True)
        for completion_id in request.completion_ids
    )
    session.flush()
    callbacks = repository.any_callback_provider(session)
    for award, request in zip(awards, requests, strict=True):
        announce(
            session, award, request, settings=settings, now=now, callbacks=callbacks, flush=False
        )
    session.flush()  # the mail jobs, in one INSERT
    return awards


def _entries(
    session: Session,
    lookups: _Lookups,
    requests: Sequence[AwardRequest],
    *,
    settings: Settings,
    now: datetime,
) -> list[AllocatedEntry]:
    """A status entry per request, taken in one UPDATE per issuer."""
    by_issuer: dict[str, list[int]] = defaultdict(list)
    for position, request in enumerate(requests):
        by_issuer[request.achievement.issuer].append(position)
    entries: dict[int, AllocatedEntry] = {}
    for slug, positions in by_issuer.items():
        taken = status_service.allocate_entries(
            session, issuer=lookups.issuer(slug), count=len(positions), settings=settings, now=now
        )
        entries.update(zip(positions, taken, strict=True))
    return [entries[position] for position in range(len(requests))]
