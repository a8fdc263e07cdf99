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

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session

from badge_issuer.awards import events as award_events
from badge_issuer.awards import repository, signing_pool
from badge_issuer.awards.issuing import (
    AwardRequest,
    Draft,
    achievement_of,
    award_columns,
    draft_credential,
    profile_of,
)
from badge_issuer.awards.models import INSERTED_AWARDS, Award, AwardCompletion, InsertedAwards
from badge_issuer.config import Settings
from badge_issuer.credentials import ob3
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.credentials.proofs.signer import Signer
from badge_issuer.endorsements import service as endorsement_service
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import service as key_service
from badge_issuer.keys.models import SigningKey
from badge_issuer.kit import bulk_insert
from badge_issuer.kit.metrics import SIGNING_DURATION
from badge_issuer.status import service as status_service
from badge_issuer.status.service import AllocatedEntry, stored_document

_AWARDS = cast(Table, Award.__table__)
_EVIDENCE = cast(Table, AwardCompletion.__table__)
_STORE_DOCUMENTS = (
    update(_AWARDS)
    .where(_AWARDS.c.id == bindparam("award_id"))
    .values(document=bindparam("document"))
)


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
        self._session, self.settings = session, settings
        self._issuers: dict[str, Issuer] = {}
        self._signers: dict[int, tuple[SigningKey, Signer]] = {}
        self._endorsements: dict[str, tuple[dict[str, Any], ...]] = {}
        self._profiles: dict[int, ob3.Profile] = {}
        self._key_refs: dict[int, signing_pool.KeyRef] = {}
        self._achievements: dict[tuple[str, bool], ob3.Achievement] = {}

    def issuer(self, slug: str) -> Issuer:
        if slug not in self._issuers:
            self._issuers[slug] = issuer_service.get_issuer(self._session, slug)
        return self._issuers[slug]

    def signing(self, issuer: Issuer) -> tuple[SigningKey, Signer]:
        if issuer.id not in self._signers:
            self._signers[issuer.id] = key_service.active_signer(
                self._session, issuer=issuer, settings=self.settings
            )
        return self._signers[issuer.id]

    def profile(self, issuer: Issuer) -> ob3.Profile:
        if issuer.id not in self._profiles:
            self._profiles[issuer.id] = profile_of(issuer, self.settings)
        return self._profiles[issuer.id]

    def key_ref(self, issuer: Issuer) -> signing_pool.KeyRef:
        if issuer.id not in self._key_refs:
            self._key_refs[issuer.id] = signing_pool.KeyRef.of(self.signing(issuer)[0], issuer)
        return self._key_refs[issuer.id]

    def endorsed(self, request: AwardRequest) -> AwardRequest:
        """The request with the achievement's endorsements in force, unless it names some."""
        if request.endorsements:
            return request
        return replace(request, endorsements=self.endorsements(request.achievement.id))

    def achievement(self, request: AwardRequest) -> ob3.Achievement | None:
        """The validated achievement, shared by the requests whose endorsements came from
        this memo (the embedded achievement depends on nothing else but whether a score is
        given); None: let `draft_credential` build it."""
        endorsements = self._endorsements.get(request.achievement.id)
        if endorsements is None or request.endorsements is not endorsements:
            return None
        key = (request.achievement.id, request.score is None)
        if key not in self._achievements:
            self._achievements[key] = achievement_of(request, self.settings)
        return self._achievements[key]

    def endorsements(self, achievement_id: str) -> tuple[dict[str, Any], ...]:
        if achievement_id not in self._endorsements:
            found = endorsement_service.documents_in_force(
                self._session,
                subject_type=endorsement_service.ACHIEVEMENT,
                subject_ref=achievement_id,
            )
            self._endorsements[achievement_id] = tuple(found)
        return self._endorsements[achievement_id]


@dataclass(slots=True)
class Drafted:
    """Credentials drafted, with their status entries taken, and signed or being signed.

    Holds no session: it may be drafted in one transaction and written in the next (the bulk
    importer drafts a batch while the previous one is written). `documents`: the signed
    documents as stored, once known; `signing`: the worker pool's batch still signing them.
    """

    settings: Settings
    now: datetime
    requests: list[AwardRequest]
    entries: list[AllocatedEntry]
    drafts: list[Draft]
    signers: list[tuple[Issuer, SigningKey]]
    documents: list[str] | None = None
    signing: signing_pool.Batch | None = None
    stored_unsigned: bool = False  # written before signed: `finish_many` stores the documents

    def with_completion_ids(self, ids: Mapping[int, int]) -> None:
        """Replace the completion ids the requests name (stand-ins of completions not stored
        yet when they were planned) by the stored ones; the drafts do not contain them."""
        self.requests = [
            replace(request, completion_ids=[ids.get(i, i) for i in request.completion_ids])
            for request in self.requests
        ]

    def signed(self) -> list[str]:
        """The signed documents (waits for the workers)."""
        if self.documents is None:
            if self.signing is None:
                raise RuntimeError("drafted without a pool and not signed")
            self.documents = self.signing.signed()
        return self.documents

    def cancel(self) -> None:
        """Drop the signing still queued (the batch will not be written)."""
        if self.signing is not None:
            self.signing.cancel()


def draft_many(
    session: Session,
    *,
    requests: Sequence[AwardRequest],
    settings: Settings,
    now: datetime,
    pool: signing_pool.SigningPool | None = None,
) -> Drafted:
    """Take a status entry and draft a credential per request, and sign them: here, or in the
    pool's workers while the caller goes on (`Drafted.signed()` waits for them)."""
    lookups = _Lookups(session, settings)
    entries = _entries(session, lookups, requests, settings=settings, now=now)
    requests = [lookups.endorsed(request) for request in requests]
    drafted = Drafted(settings, now, requests, entries, [], [])
    documents: list[str] = []
    in_pool = signing_pool.Batch(pool, now) if pool is not None else None
    for request, allocated in zip(requests, entries, strict=True):
        issuer = lookups.issuer(request.achievement.issuer)
        signing_key, signer = lookups.signing(issuer)
        draft = draft_credential(
            request,
            issuer=lookups.profile(issuer),
            achievement=lookups.achievement(request),
            allocated=allocated,
            settings=settings,
            now=now,
        )
        drafted.drafts.append(draft)
        drafted.signers.append((issuer, signing_key))
        if in_pool is not None:
            in_pool.add(lookups.key_ref(issuer), draft)
        else:
            with SIGNING_DURATION.time():
                signed = sign_credential(draft.document(), signer, now)
            documents.append(stored_document(signed))
    if in_pool is None:
        drafted.documents = documents
    else:
        in_pool.flush()
        drafted.signing = in_pool
    return drafted


def issue_many(
    session: Session,
    *,
    requests: Sequence[AwardRequest],
    sequences: Mapping[tuple[int, str], int],
    settings: Settings,
    now: datetime,
    pool: signing_pool.SigningPool | None = None,
) -> list[int]:
    """Sign and store one credential per request (`sequences`: see `next_sequences`); `pool`
    signs in worker processes while this one writes the rows (see `write_many`)."""
    drafted = draft_many(session, requests=requests, settings=settings, now=now, pool=pool)
    award_ids = write_many(session, drafted, sequences=sequences)
    finish_many(session, drafted, award_ids)
    return award_ids


def write_many(
    session: Session, drafted: Drafted, *, sequences: Mapping[tuple[int, str], int]
) -> list[int]:
    """Insert the awards, their evidence links, mail jobs and callbacks, with the signed
    documents if they are known. If they are still being signed, each row gets an empty one:
    `finish_many` stores the signed ones before the caller commits, so nothing outside this
    transaction ever sees an empty one, and a worker's failure rolls everything back."""
    settings, now = drafted.settings, drafted.now
    documents = drafted.documents
    drafted.stored_unsigned = documents is None
    following = dict(sequences)
    rows: list[dict[str, Any]] = []
    written = zip(drafted.requests, drafted.entries, drafted.drafts, drafted.signers, strict=True)
    for position, (request, allocated, draft, (issuer, signing_key)) in enumerate(written):
        key = (request.learner.id, request.achievement.id)
        sequence = following.get(key, 0)
        following[key] = sequence + 1
        columns = award_columns(
            request,
            draft,
            {},
            issuer=issuer,
            signing_key=signing_key,
            allocated=allocated,
            sequence=sequence,
            now=now,
        )
        columns["document"] = "" if documents is None else documents[position]
        rows.append(columns)
    if not rows:
        return []
    # One INSERT … RETURNING; its rows are matched by their unique uuid.
    returned = bulk_insert.insert_many(session, _AWARDS, rows, returning=("id", "uuid"))
    inserted = {found.uuid: found.id for found in returned}
    ids = [inserted[row["uuid"]] for row in rows]
    _count_when_committed(session, rows)
    evidence = [
        {"award_id": award_id, "completion_id": completion_id}
        for award_id, request in zip(ids, drafted.requests, strict=True)
        for completion_id in request.completion_ids
    ]
    bulk_insert.insert_many(session, _EVIDENCE, evidence)
    award_events.award_created_many(
        session,
        awards=[
            award_events.Announced(
                row["uuid"], row["achievement_id"], request.email, list(request.completion_ids)
            )
            for row, request in zip(rows, drafted.requests, strict=True)
        ],
        settings=settings,
        now=now,
        callbacks=repository.any_callback_provider(session),
    )
    return ids


def _count_when_committed(session: Session, rows: list[dict[str, Any]]) -> None:
    """List the awards for the issued-credentials counter (metrics), one entry per issuer,
    achievement and source: it counts them if, and once, this transaction commits."""
    where = session.get_nested_transaction() or session.get_transaction()
    kinds = Counter((row["issuer_id"], row["achievement_id"], row["source"]) for row in rows)
    session.info.setdefault(INSERTED_AWARDS, []).extend(
        (where, InsertedAwards(issuer, achievement, source, count))
        for (issuer, achievement, source), count in kinds.items()
    )


def finish_many(session: Session, drafted: Drafted, award_ids: Sequence[int]) -> None:
    """Store the signed documents of the awards `write_many` wrote without them (waits for the
    workers); nothing if it wrote them with their documents."""
    if not drafted.stored_unsigned:
        return
    drafted.stored_unsigned = False
    stored = [
        {"award_id": award_id, "document": text}
        for award_id, text in zip(award_ids, drafted.signed(), strict=True)
    ]
    if stored:
        session.execute(_STORE_DOCUMENTS, stored)  # one executemany


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
