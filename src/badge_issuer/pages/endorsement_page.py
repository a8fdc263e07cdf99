"""The endorsement page: who vouches for which badge or issuer, in what words, and whether the
endorsement still verifies (the engine's endorsement rule set, as `POST /verify` runs it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.endorsements import service as endorsement_service
from badge_issuer.endorsements.models import Endorsement
from badge_issuer.issuers.models import Issuer
from badge_issuer.pages import i18n
from badge_issuer.pages.rendering import lang_query, render_page, request_locale
from badge_issuer.problems import ProblemError
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.verification import service as verification_service
from badge_issuer.verification.rules_endorsement import ENDORSEMENTS


@dataclass(frozen=True)
class EndorsementState:
    """What the page says first: in force, withdrawn (and when), or not verifiable now."""

    kind: str  # "valid" | "revoked" | "unverifiable" (the verdict box classes)
    revoked_at: datetime | None = None


def endorsement_html(
    request: Request,
    session: Session,
    *,
    endorsement_id: str,
    settings: Settings,
    now: datetime,
) -> HTMLResponse | None:
    """Render one endorsement's page; None when there is no such endorsement."""
    try:
        endorsement = endorsement_service.get_endorsement(session, endorsement_id)
    except ProblemError as error:
        if error.status != 404:
            raise
        return None
    document = json.loads(endorsement.document)
    report = verification_service.verify_document(
        session, document=document, rules=ENDORSEMENTS, settings=settings, now=now
    )
    query = lang_query(request)
    endorser = session.get(Issuer, endorsement.endorser_id)
    endorser_name = endorser.name if endorser else ""
    subject_name = _subject_name(session, endorsement)
    gettext = i18n.translations(request_locale(request)).gettext
    title = gettext("%(endorser)s endorses %(subject)s") % {
        "endorser": endorser_name,
        "subject": subject_name,
    }
    return render_page(
        request,
        "endorsements/endorsement.html",
        {
            "title": title,
            "state": _state(endorsement, verified=report.verified),
            "endorser_name": endorser_name,
            "endorser_href": f"/issuers/{endorser.slug}{query}" if endorser else None,
            "subject_kind": endorsement.subject_type,
            "subject_name": subject_name,
            "subject_href": _subject_href(endorsement, query),
            "comment": endorsement.comment,
            "issued_at": endorsement.issued_at,
            "checks": report.checks,
            "json_url": f"/endorsements/{endorsement.uuid}?format=json",
        },
    )


def _state(endorsement: Endorsement, *, verified: bool) -> EndorsementState:
    if endorsement.revoked_at is not None:
        return EndorsementState("revoked", endorsement.revoked_at)
    return EndorsementState("valid" if verified else "unverifiable")


def _subject_name(session: Session, endorsement: Endorsement) -> str:
    if endorsement.subject_type == endorsement_service.ISSUER:
        issuer = session.get(Issuer, endorsement.subject_issuer_id)
        return issuer.name if issuer else endorsement.subject_ref
    current = skillmap_service.load_current(session)
    if current is not None:
        for achievement in current.skill_map.achievements:
            if achievement.id == endorsement.subject_ref:
                return achievement.name
    return endorsement.subject_ref


def _subject_href(endorsement: Endorsement, query: str) -> str:
    kind = "issuers" if endorsement.subject_type == endorsement_service.ISSUER else "achievements"
    return f"/{kind}/{endorsement.subject_ref}{query}"
