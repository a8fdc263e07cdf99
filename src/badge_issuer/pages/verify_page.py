"""The browser verification page: an uploaded baked image or pasted JSON, verified by the engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from badge_issuer.awards import repository as award_repository
from badge_issuer.config import Settings
from badge_issuer.pages.verdict import Verdict, verdict_of
from badge_issuer.problems import ProblemError
from badge_issuer.verification import service as verification_service
from badge_issuer.verification.report import VerificationReport

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class NothingToVerify(ValueError):
    """The form held neither a file nor pasted text."""


class Unreadable(ValueError):
    """What was sent is not a credential the engine can read (the engine's 4xx problem)."""


@dataclass(frozen=True)
class VerifiedUpload:
    report: VerificationReport
    verdict: Verdict
    credential_href: str | None


def sniff_media_type(data: bytes, declared: str | None) -> str:
    """The media type to verify `data` as: PNG or SVG by content, else JSON."""
    if data.startswith(PNG_SIGNATURE):
        return "image/png"
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) or (declared or "").startswith("image/svg"):
        return "image/svg+xml"
    return "application/json"


def _our_credential(credential_id: str | None, settings: Settings) -> str | None:
    """The uuid of the credential when this service issued it."""
    prefix = f"{settings.public_origin}/credentials/"
    if not credential_id or not credential_id.startswith(prefix):
        return None
    return credential_id.removeprefix(prefix)


def verify_upload(
    session: Session,
    *,
    file_bytes: bytes,
    file_type: str | None,
    pasted: str,
    settings: Settings,
    now: datetime,
) -> VerifiedUpload:
    """Verify the uploaded file, else the pasted text; raise NothingToVerify or Unreadable."""
    if file_bytes:
        body, media_type = file_bytes, sniff_media_type(file_bytes, file_type)
    elif pasted.strip():
        body = pasted.strip().encode("utf-8")
        media_type = sniff_media_type(body, None)
    else:
        raise NothingToVerify
    try:
        report = verification_service.verify_submission(
            session, body=body, content_type=media_type, settings=settings, now=now
        )
    except ProblemError as error:
        raise Unreadable(error.detail) from None
    uuid = _our_credential(report.credential.id, settings)
    award = award_repository.get_by_uuid(session, uuid) if uuid else None
    revoked_at = award.revoked_at if award is not None else None
    return VerifiedUpload(
        report=report,
        verdict=verdict_of(report, revoked_at=revoked_at),
        credential_href=f"/credentials/{award.uuid}" if award is not None else None,
    )
