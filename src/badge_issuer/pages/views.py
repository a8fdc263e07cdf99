"""The HTML representations: each function answers one page for a request that prefers HTML."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.didweb import issuer_did
from badge_issuer.pages import catalog_pages, i18n
from badge_issuer.pages.credential_page import CredentialPage, credential_page
from badge_issuer.pages.negotiation import prefers_html
from badge_issuer.pages.qr import qr_svg
from badge_issuer.pages.rendering import lang_query, render_page, request_locale
from badge_issuer.problems import ProblemError

# Enough issuers for the landing page of any one programme.
MAX_LANDING_ISSUERS = 100


def wants_html(request: Request) -> bool:
    """Whether to answer the page: a browser's Accept, unless `?format=json` asks for the data."""
    if request.query_params.get("format") == "json":
        return False
    return prefers_html(request.headers.get("accept"))


def credential_html(
    request: Request,
    session: Session,
    *,
    credential_id: str,
    settings: Settings,
    now: datetime,
    email: str | None = None,
) -> HTMLResponse:
    """The badge page: the verdict now, then what the badge certifies, and what to do with it."""
    try:
        page = credential_page(
            session, credential_uuid=credential_id, settings=settings, now=now, email=email
        )
    except ProblemError as error:
        return _problem_page(request, error)
    return render_page(request, "credential.html", _credential_context(request, page, settings))


def _credential_context(
    request: Request, page: CredentialPage, settings: Settings
) -> dict[str, object]:
    locale = request_locale(request)
    _ = i18n.translations(locale).gettext
    origin = settings.public_origin
    uuid = page.award.uuid
    page_url = f"{origin}/credentials/{uuid}"
    view = page.view
    image = f"/credentials/{uuid}/image.{'png' if page.has_png else 'svg'}"
    summary = _("%(badge)s, issued by %(issuer)s.") % {
        "badge": view.achievement_name,
        "issuer": page.issuer_name,
    }
    recipient = page.report.recipient
    return {
        "view": view,
        "verdict": page.verdict,
        "completions": page.completions,
        "checks": page.report.checks,
        "issuer_name": page.issuer_name,
        "issuer_href": f"/issuers/{page.issuer.slug}" if page.issuer else None,
        "achievement_href": f"/achievements/{page.award.achievement_id}{lang_query(request)}"
        if page.in_catalog
        else None,
        "summary": summary,
        "image_url": f"/credentials/{uuid}/image.svg",
        "og_image_url": origin + image,
        "json_url": f"/credentials/{uuid}?format=json",
        "svg_url": f"/credentials/{uuid}/image.svg",
        "png_url": f"/credentials/{uuid}/image.png" if page.has_png else None,
        "download_name": page.award.achievement_id,
        "linkedin_url": page.linkedin_url(origin),
        "qr_svg": qr_svg(page_url, label=_("QR code of this page")),
        "recipient_check_url": f"/credentials/{uuid}/recipient-check{lang_query(request)}",
        # After the recipient check (a POST), the language links lead back to the badge page.
        "switch_path": f"/credentials/{uuid}",
        "recipient_matched": None if recipient is None else recipient.matched,
    }


def achievement_html(
    request: Request, session: Session, *, achievement_id: str, settings: Settings
) -> HTMLResponse:
    """The achievement page: what it certifies, the rule in words, the courses that count."""
    translations = i18n.translations(request_locale(request))
    try:
        page = catalog_pages.achievement_page(
            session,
            achievement_id=achievement_id,
            gettext=translations.gettext,
            ngettext=translations.ngettext,
        )
    except ProblemError as error:
        return _problem_page(request, error)
    achievement = page.achievement
    issuer = page.issuer
    image = f"/achievements/{achievement.id}/image"
    return render_page(
        request,
        "achievement.html",
        {
            "achievement": achievement,
            "rule": page.rule,
            "courses": page.courses,
            "alignments": page.alignments,
            "issuer_name": issuer.name if issuer else achievement.issuer,
            "issuer_href": f"/issuers/{issuer.slug}{lang_query(request)}" if issuer else None,
            "image_url": image,
            "og_image_url": settings.public_origin + image,
            "json_url": f"/achievements/{achievement.id}?format=json",
        },
    )


def issuer_html(
    request: Request, session: Session, *, slug: str, settings: Settings
) -> HTMLResponse:
    """The issuer page: name, description, and its badges."""
    try:
        issuer = issuer_service.get_issuer(session, slug)
    except ProblemError as error:
        return _problem_page(request, error)
    return render_page(
        request,
        "issuer.html",
        {
            "issuer": issuer,
            "did": issuer_did(settings.public_origin, issuer.slug),
            "badges": catalog_pages.issuer_badges(
                session, issuer=issuer, lang_query=lang_query(request)
            ),
            "json_url": f"/issuers/{issuer.slug}?format=json",
        },
    )


def landing_html(request: Request, session: Session) -> HTMLResponse:
    """The landing page: every badge, the issuers, and the way to verify a badge."""
    query = lang_query(request)
    issuers = issuer_repository.list_page(session, after_id=0, limit=MAX_LANDING_ISSUERS)
    return render_page(
        request,
        "landing.html",
        {
            "badges": catalog_pages.all_badges(session, lang_query=query),
            "issuers": [
                {"name": issuer.name, "href": f"/issuers/{issuer.slug}{query}"}
                for issuer in issuers
            ],
        },
    )


def error_html(request: Request, *, status_code: int, title: str, message: str) -> HTMLResponse:
    """A page for a browser asking for something that is not there."""
    return render_page(
        request, "error.html", {"title": title, "message": message}, status_code=status_code
    )


def _problem_page(request: Request, error: ProblemError) -> HTMLResponse:
    """A lookup that failed: the 404 page for a browser, the usual problem for anything else."""
    if error.status != 404:
        raise error
    return not_found_html(request)


def not_found_html(request: Request) -> HTMLResponse:
    """The 404 page, in the request's language."""
    _ = i18n.translations(request_locale(request)).gettext
    return error_html(
        request,
        status_code=404,
        title=_("Not found"),
        message=_(
            "There is no badge, issuer or page at this address. Check the link you were given."
        ),
    )
