"""Warm the canonicalizer with the credential shapes of the current skill map's achievements.

The canonicalizer answers a document from a per-shape template once it has seen the shape a
few times; before that each credential costs the full pyld path (~10 ms instead of ~0.3 ms).
Signing probe credentials of every achievement (with a throwaway key, nothing stored) at start
and after each map change moves that cost off learners' requests. The probes are assembled as
`issuing.issue` assembles real credentials; their leaves (ids, names, dates, hashes) differ
from real ones, which is what templates abstract over.

Once per process and map version: `serve` warms in its bootstrap (the single worker), every
worker warms at start (`main`), and the intake warms a newly current version in the background
the first time it meets it, so a map change in one process reaches the others' caches too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from badge_issuer.awards.evidence import CompletionEvidence, completion_evidence, score_result
from badge_issuer.awards.issuing import valid_until
from badge_issuer.awards.urls import credential_url
from badge_issuer.config import Settings
from badge_issuer.credentials import ob3
from badge_issuer.credentials.assembly import assemble_credential
from badge_issuer.credentials.identity import email_identity
from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer, default_canonicalizer
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.credentials.salt import new_salt
from badge_issuer.issuers import profile as issuer_profile
from badge_issuer.issuers.repository import all_issuers
from badge_issuer.keys.signer import InMemoryEd25519Signer
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.skillmap.document import Achievement
from badge_issuer.skillmap.ob3 import achievement_document, achievement_url
from badge_issuer.skillmap.service import CurrentSkillMap
from badge_issuer.status.service import status_entry

log = structlog.get_logger(__name__)

_PROBE_ID = "00000000-0000-4000-8000-000000000000"
# Enough sightings for the canonicalizer to build and check a template (its build_after is 2).
_ROUNDS = 3
# The shapes completions most often produce (courses cited, score, certificate URL): one course
# with a score, with and without a certificate URL, and one to three courses without a score
# (flows._evidence: a score only with one course). Rarer shapes are learned on first use.
_CERTIFICATE = "https://lms.example/certificates/probe"
_VARIANTS: tuple[tuple[int, float | None, str | None], ...] = (
    (1, 90.0, None),
    (1, 90.0, _CERTIFICATE),
    (1, None, None),
    (2, None, None),
    (3, None, None),
)

_warmed: set[tuple[int, str]] = set()
_guard = threading.Lock()


def _probe_credentials(
    current: CurrentSkillMap,
    achievement: Achievement,
    issuer: dict[str, Any],
    settings: Settings,
    now: datetime,
) -> Iterator[dict[str, Any]]:
    course = next(iter(current.skill_map.courses), None)
    for courses, score, certificate in _VARIANTS:
        document = achievement_document(
            current.skill_map, achievement, public_origin=settings.public_origin
        )
        results: list[Any] = []
        if score is not None:
            url = achievement_url(settings.public_origin, achievement.id)
            description, result = score_result(url, score)
            document["resultDescription"] = [description]
            results = [result]
        evidence = CompletionEvidence(
            provider_name="probe",
            course_id=course.course_id if course else "probe",
            course_name=course.name if course else "probe",
            completed_at=now,
            score=score,
            certificate_url=certificate,
        )
        yield assemble_credential(
            credential_id=credential_url(settings, _PROBE_ID),
            issuer=ob3.Profile.model_validate(issuer),
            achievement=ob3.Achievement.model_validate(document),
            recipient=email_identity("probe@example.invalid", new_salt()),
            valid_from=now,
            valid_until=valid_until(now, achievement.valid_for_days),
            credential_status=ob3.BitstringStatusListEntry.model_validate(
                status_entry(f"{settings.public_origin}/status-lists/{_PROBE_ID}", 0)
            ),
            evidence=[ob3.Evidence.model_validate(completion_evidence(evidence))] * courses,
            results=[ob3.Result.model_validate(item) for item in results],
        )


def warm_shapes(
    current: CurrentSkillMap,
    issuers: Mapping[str, dict[str, Any]],
    *,
    settings: Settings,
    now: datetime,
    canonicalizer: Canonicalizer | None = None,
) -> int:
    """Sign probe credentials of every achievement; return how many shapes were warmed."""
    signer = InMemoryEd25519Signer(
        Ed25519PrivateKey.generate(), f"did:web:probe.invalid#{_PROBE_ID}"
    )
    canonicalizer = canonicalizer or default_canonicalizer()
    shapes = 0
    for achievement in current.skill_map.achievements:
        issuer = issuers.get(achievement.issuer)
        if issuer is None:
            continue
        for probe in _probe_credentials(current, achievement, issuer, settings, now):
            for _ in range(_ROUNDS):
                sign_credential(probe, signer, now, canonicalizer=canonicalizer)
            shapes += 1
    return shapes


def _claim(current: CurrentSkillMap) -> bool:
    """Mark this version as warmed (or being warmed) here; False when it already was."""
    key = (current.version_id, current.content_hash)
    with _guard:
        if key in _warmed:
            return False
        _warmed.add(key)
        return True


def issuer_profiles(session: Session, settings: Settings) -> dict[str, dict[str, Any]]:
    return {
        issuer.slug: issuer_profile.profile(issuer, settings.public_origin)
        for issuer in all_issuers(session)
    }


def warm_current_map(session: Session, settings: Settings) -> None:
    """Warm the current map's shapes now (a bootstrap step; idempotent per process)."""
    current = skillmap_service.load_current(session)
    if current is None or not _claim(current):
        return
    shapes = warm_shapes(
        current, issuer_profiles(session, settings), settings=settings, now=datetime.now(UTC)
    )
    log.info("awards.shapes_warmed", version=current.version_id, shapes=shapes)


def warm_in_background(session: Session, settings: Settings) -> None:
    """Warm the current map in a daemon thread unless this process already did (cheap check)."""
    current = skillmap_service.load_current(session)
    if current is None or not _claim(current):
        return
    issuers = issuer_profiles(session, settings)

    def run() -> None:
        try:
            warm_shapes(current, issuers, settings=settings, now=datetime.now(UTC))
        except Exception:  # warming is an optimisation: never let it take anything down
            log.exception("awards.shape_warming_failed", version=current.version_id)

    threading.Thread(target=run, name="shape-warming", daemon=True).start()
