"""Issue one credential: sign with the issuer's active key, allocate its status entry, store it.

Everything happens in the caller's transaction, so a completion and the credentials it earns
commit together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.awards import events as award_events
from badge_issuer.awards import repository
from badge_issuer.awards.evidence import score_result
from badge_issuer.awards.issuance_cache import IssuanceConfig, IssuerSetup
from badge_issuer.awards.models import INSERTED_AWARDS, Award, AwardSource
from badge_issuer.awards.urls import credential_url
from badge_issuer.config import Settings
from badge_issuer.credentials import ob3
from badge_issuer.credentials.assembly import Assembler, assemble_credential
from badge_issuer.credentials.identity import email_identity
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.credentials.salt import new_salt
from badge_issuer.issuers import profile as issuer_profile
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys.models import SigningKey
from badge_issuer.kit.metrics import SIGNING_DURATION
from badge_issuer.kit.unique_insert import insert_once
from badge_issuer.learners.models import Learner
from badge_issuer.skillmap.document import Achievement, SkillMap
from badge_issuer.skillmap.ob3 import achievement_document, achievement_url
from badge_issuer.status import service as status_service
from badge_issuer.status.service import AllocatedEntry


@dataclass(frozen=True, slots=True)
class AwardRequest:
    """What to award to whom, and on what grounds."""

    skill_map: SkillMap
    achievement: Achievement
    skill_map_version_id: int | None
    learner: Learner
    email: str
    evidence: list[dict[str, Any]]
    score: float | None
    completion_ids: Sequence[int]
    source: AwardSource
    # Signed EndorsementCredentials of the achievement in force when it is issued.
    endorsements: Sequence[dict[str, Any]] = ()
    # The latest evidence completion (statistics count by it); None: the award time.
    learned_at: datetime | None = None


def valid_until(valid_from: datetime, valid_for_days: int | None) -> datetime | None:
    return None if valid_for_days is None else valid_from + timedelta(days=valid_for_days)


def _achievement(request: AwardRequest, settings: Settings) -> dict[str, Any]:
    document = achievement_document(
        request.skill_map, request.achievement, public_origin=settings.public_origin
    )
    if request.endorsements:
        document["endorsement"] = list(request.endorsements)
    if request.score is not None:
        url = achievement_url(settings.public_origin, request.achievement.id)
        description, _result = score_result(url, request.score)
        document["resultDescription"] = [description]
    return document


def _results(request: AwardRequest, settings: Settings) -> list[dict[str, Any]]:
    if request.score is None:
        return []
    url = achievement_url(settings.public_origin, request.achievement.id)
    return [score_result(url, request.score)[1]]


@dataclass(frozen=True, slots=True)
class Draft:
    """What one credential is assembled from; `document()` assembles it (no database access,
    picklable: `awards.signing_pool` assembles and signs drafts in worker processes)."""

    uuid: str
    credential_id: str
    issuer: ob3.Profile
    achievement: ob3.Achievement
    email: str
    valid_from: datetime
    valid_until: datetime | None
    status_entry: dict[str, Any]
    evidence: list[dict[str, Any]]
    results: list[dict[str, Any]]

    def document(self, assembler: Assembler | None = None) -> dict[str, Any]:
        """The unsigned credential (a new salt for the recipient's hashed address); `assembler`:
        one shared by the drafts of a batch (`awards.signing_pool`)."""
        return assemble_credential(
            credential_id=self.credential_id,
            issuer=self.issuer,
            achievement=self.achievement,
            recipient=email_identity(self.email, new_salt()),
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            credential_status=ob3.BitstringStatusListEntry.model_validate(self.status_entry),
            evidence=[ob3.Evidence.model_validate(item) for item in self.evidence],
            results=[ob3.Result.model_validate(item) for item in self.results],
            assembler=assembler,
        )


def draft_credential(
    request: AwardRequest,
    *,
    issuer: Issuer | ob3.Profile,
    allocated: AllocatedEntry,
    settings: Settings,
    now: datetime,
    achievement: ob3.Achievement | None = None,
) -> Draft:
    """The credential's draft. `issuer` may be the validated profile and `achievement` the
    validated achievement of `request`, when the caller issues many credentials of the same
    ones (`awards.batch`)."""
    credential_uuid = str(uuid.uuid4())
    return Draft(
        uuid=credential_uuid,
        credential_id=credential_url(settings, credential_uuid),
        issuer=issuer if isinstance(issuer, ob3.Profile) else profile_of(issuer, settings),
        achievement=achievement or achievement_of(request, settings),
        email=request.email,
        valid_from=now,
        valid_until=valid_until(now, request.achievement.valid_for_days),
        status_entry=allocated.entry,
        evidence=request.evidence,
        results=_results(request, settings),
    )


def profile_of(issuer: Issuer, settings: Settings) -> ob3.Profile:
    """The issuer's validated OB 3.0 profile as credentials embed it."""
    return ob3.Profile.model_validate(issuer_profile.profile(issuer, settings.public_origin))


def achievement_of(request: AwardRequest, settings: Settings) -> ob3.Achievement:
    """The request's validated achievement as its credential embeds it: it depends on the
    achievement, its endorsements and whether a score is given (not on the score)."""
    return ob3.Achievement.model_validate(_achievement(request, settings))


def award_columns(
    request: AwardRequest,
    draft: Draft,
    signed: dict[str, Any],
    *,
    issuer: Issuer,
    signing_key: SigningKey,
    allocated: AllocatedEntry,
    sequence: int,
    now: datetime,
) -> dict[str, Any]:
    """The columns of a signed credential's row (`awards.batch` inserts many at once)."""
    return dict(
        uuid=draft.uuid,
        issuer_id=issuer.id,
        learner_id=request.learner.id,
        achievement_id=request.achievement.id,
        sequence=sequence,
        source=request.source,
        skill_map_version_id=request.skill_map_version_id,
        **status_service.stored_columns(signed, signing_key_id=signing_key.id, allocated=allocated),
        issued_at=now,
        learned_at=request.learned_at or now,
        valid_from=now,
        valid_until=valid_until(now, request.achievement.valid_for_days),
        learner_region=request.learner.region,
        learner_category=request.learner.category,
    )


def signed_columns(
    request: AwardRequest,
    *,
    issuer: IssuerSetup,
    allocated: AllocatedEntry,
    sequence: int,
    settings: Settings,
    now: datetime,
) -> dict[str, Any]:
    """Assemble and sign the credential; return its row's columns. No database access."""
    draft = draft_credential(
        request, issuer=issuer.profile, allocated=allocated, settings=settings, now=now
    )
    signed = _sign(draft, issuer, now)
    return award_columns(
        request,
        draft,
        signed,
        issuer=issuer.issuer,
        signing_key=issuer.signing_key,
        allocated=allocated,
        sequence=sequence,
        now=now,
    )


# Of concurrent evaluations of one learner, one inserts (learner, achievement, sequence).
_AWARD_KEY = ("learner_id", "achievement_id", "sequence")


def _document_inputs(request: AwardRequest) -> tuple[Any, ...]:
    """What a request's credential is made of besides the configuration (issuer, key,
    endorsements: the token) and what is drawn afresh (uuid, salt, status index). The learner
    row is not: only its region and category, which are columns, not part of the document."""
    return (
        request.skill_map_version_id,
        request.achievement.id,
        request.email,
        request.evidence,
        request.score,
        request.learned_at,
        request.source,
    )


@dataclass(frozen=True, slots=True)
class Presigned:
    """A credential assembled and signed before the write transaction began (SQLite: outside
    the one writer's lock), for a request with these document inputs under configuration
    `token`. `issue` stores it only when the request it plans in the transaction has the same
    inputs under the same token, so it is the credential it would have signed itself."""

    token: str
    inputs: tuple[Any, ...]
    draft: Draft
    signed: dict[str, Any]
    setup: IssuerSetup
    allocated: AllocatedEntry


def _with_endorsements(request: AwardRequest, config: IssuanceConfig) -> AwardRequest:
    if request.endorsements:
        return request
    return replace(request, endorsements=tuple(config.endorsements(request.achievement.id)))


def _sign(draft: Draft, setup: IssuerSetup, now: datetime) -> dict[str, Any]:
    with SIGNING_DURATION.time():
        return sign_credential(draft.document(), setup.signer, now)


def presign(
    request: AwardRequest,
    *,
    config: IssuanceConfig,
    reserve: Callable[[Issuer], AllocatedEntry],
    settings: Settings,
    now: datetime,
) -> Presigned:
    """Assemble and sign `request`'s credential with an index from `reserve` (no write)."""
    request = _with_endorsements(request, config)
    setup = config.issuer(request.achievement.issuer)
    allocated = reserve(setup.issuer)
    draft = draft_credential(
        request, issuer=setup.profile, allocated=allocated, settings=settings, now=now
    )
    signed = _sign(draft, setup, now)
    return Presigned(config.token, _document_inputs(request), draft, signed, setup, allocated)


# session.info key: the credentials signed before this session's transaction (`signed_before`).
_PRESIGNED = "badge_issuer.awards.presigned"


@contextmanager
def signed_before(session: Session, presigned: Sequence[Presigned]) -> Iterator[None]:
    """Let `issue` store these credentials, in this block, when it plans the same ones (the
    completion flow between the webhook and `issue` need not carry them)."""
    session.info[_PRESIGNED] = presigned
    try:
        yield
    finally:
        session.info.pop(_PRESIGNED, None)


def _presigned_for(
    request: AwardRequest, config: IssuanceConfig, presigned: Sequence[Presigned]
) -> Presigned | None:
    inputs = _document_inputs(request)
    for candidate in presigned:
        if candidate.token == config.token and candidate.inputs == inputs:
            return candidate
    return None


def issue(
    session: Session,
    *,
    request: AwardRequest,
    settings: Settings,
    now: datetime,
    config: IssuanceConfig | None = None,
    sequence: int | None = None,
) -> Award | None:
    """Sign and store the credential; None when a concurrent request already awarded it.

    `config`: this transaction's issuing configuration, when the caller read it already;
    `sequence`: the next free sequence of (learner, achievement), when the caller knows it from
    the learner's awards it read in this transaction. A credential signed before this
    transaction (`signed_before`) is stored instead of signing when it was made of the same.
    """
    config = config or IssuanceConfig.read(session, settings)
    request = _with_endorsements(request, config)
    if sequence is None:
        sequence = repository.next_sequence(
            session, learner_id=request.learner.id, achievement_id=request.achievement.id
        )
    ready = _presigned_for(request, config, session.info.get(_PRESIGNED, ()))
    if ready is not None:
        columns = award_columns(
            request,
            ready.draft,
            ready.signed,
            issuer=ready.setup.issuer,
            signing_key=ready.setup.signing_key,
            allocated=ready.allocated,
            sequence=sequence,
            now=now,
        )
    else:
        setup = config.issuer(request.achievement.issuer)
        allocated = status_service.allocate_entry(
            session, issuer=setup.issuer, settings=settings, now=now
        )
        columns = signed_columns(
            request,
            issuer=setup,
            allocated=allocated,
            sequence=sequence,
            settings=settings,
            now=now,
        )
    # Losing the race for (learner, achievement, sequence) inserts nothing and keeps the
    # completion that the outer transaction is recording.
    award = insert_once(session, Award, columns, key=_AWARD_KEY)
    if award is None:
        return None
    inserted_in = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(INSERTED_AWARDS, []).append((inserted_in, award))
    repository.add_evidence(session, award_id=award.id, completion_ids=request.completion_ids)
    # Mail and callbacks join this transaction: they exist if and only if the award commits.
    # (The mail job is one Core INSERT, as the bulk importer's.)
    announced = award_events.Announced(
        award.uuid, award.achievement_id, request.email, list(request.completion_ids)
    )
    award_events.award_created_many(
        session,
        awards=[announced],
        settings=settings,
        now=now,
        callbacks=config.providers().any_callback,
    )
    return award
