"""Gather what the badge page shows: the stored credential, its verdict now, its issuer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.images import repository as image_repository
from badge_issuer.images.unbaked import ImageFormat
from badge_issuer.issuers.didweb import issuer_did
from badge_issuer.issuers.models import Issuer
from badge_issuer.pages import catalog_pages, repository
from badge_issuer.pages.credential_view import CredentialView, credential_view, linkedin_add_url
from badge_issuer.pages.verdict import Verdict, verdict_of
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.verification import service as verification_service
from badge_issuer.verification.report import VerificationReport


@dataclass(frozen=True)
class CompletedCourse:
    """One completion behind the credential, with the names a reader knows."""

    course: str
    provider: str
    completed_at: datetime
    score: str | None
    certificate_url: str | None


@dataclass(frozen=True)
class CredentialPage:
    """One of our credentials, verified now, with the registry's record of its issuer."""

    award: Award
    document: dict[str, Any]
    view: CredentialView
    report: VerificationReport
    verdict: Verdict
    issuer: Issuer | None
    has_png: bool
    completions: tuple[CompletedCourse, ...]
    # Whether the current skill map still describes the achievement (its page exists).
    in_catalog: bool

    @property
    def issuer_name(self) -> str:
        # The registry's name of the issuer the signature was checked against, when it is ours.
        if self.issuer is not None:
            return self.issuer.name
        return self.view.issuer_name or self.view.issuer_id or ""

    def linkedin_url(self, origin: str) -> str:
        """LinkedIn's add-to-profile link for this credential, citing its public page."""
        return linkedin_add_url(
            name=self.view.achievement_name,
            organization=self.issuer_name,
            issued=self.view.valid_from,
            expires=self.view.valid_until,
            certificate_url=f"{origin}/credentials/{self.award.uuid}",
            certificate_id=self.award.uuid,
        )


def _registered_issuer(session: Session, award: Award, settings: Settings) -> Issuer | None:
    """The issuer row of the award, if it is the issuer the credential names."""
    issuer = session.get(Issuer, award.issuer_id)
    document_issuer = json.loads(award.document).get("issuer")
    named = document_issuer.get("id") if isinstance(document_issuer, dict) else document_issuer
    if issuer is None or named != issuer_did(settings.public_origin, issuer.slug):
        return None
    return issuer


def _verify(
    session: Session, award: Award, *, email: str | None, settings: Settings, now: datetime
) -> VerificationReport:
    if email is None:
        return verification_service.verify_stored(
            session, credential_uuid=award.uuid, settings=settings, now=now
        )
    # The recipient check goes through the same engine, with the email beside the credential.
    wrapper = {"verifiableCredential": json.loads(award.document), "email": email}
    return verification_service.verify_submission(
        session,
        body=json.dumps(wrapper, ensure_ascii=False).encode("utf-8"),
        content_type="application/json",
        settings=settings,
        now=now,
    )


def _completed_courses(session: Session, award: Award) -> tuple[CompletedCourse, ...]:
    completions = repository.award_completions(session, award.id)
    if not completions:
        return ()
    providers = catalog_pages.provider_names(session)
    current = skillmap_service.load_current(session)
    courses = {c.key: c.name for c in current.skill_map.courses} if current else {}
    return tuple(
        CompletedCourse(
            course=courses.get((c.provider_id, c.course_id), c.course_id),
            provider=providers.get(c.provider_id, c.provider_id),
            completed_at=c.completed_at,
            score=None if c.score is None else f"{c.score:g}",
            certificate_url=c.certificate_url,
        )
        for c in completions
    )


def credential_page(
    session: Session,
    *,
    credential_uuid: str,
    settings: Settings,
    now: datetime,
    email: str | None = None,
) -> CredentialPage:
    """Load and verify one of our credentials for its page (CredentialNotFound → 404)."""
    award = verification_service.stored_award(session, credential_uuid=credential_uuid)
    document: dict[str, Any] = json.loads(award.document)
    report = _verify(session, award, email=email, settings=settings, now=now)
    artwork = image_repository.get(session, award.achievement_id)
    return CredentialPage(
        award=award,
        document=document,
        view=credential_view(document),
        report=report,
        verdict=verdict_of(report, revoked_at=award.revoked_at),
        issuer=_registered_issuer(session, award, settings),
        has_png=artwork is not None and artwork.media_type == ImageFormat.PNG.media_type,
        completions=_completed_courses(session, award),
        in_catalog=_in_catalog(session, award.achievement_id),
    )


def _in_catalog(session: Session, achievement_id: str) -> bool:
    current = skillmap_service.load_current(session)
    return current is not None and any(
        achievement.id == achievement_id for achievement in current.skill_map.achievements
    )
