"""The HTML pages' own routes: landing, stylesheet, browser verification, the recipient check.

The badge, achievement and issuer pages are the HTML representations of `/credentials/{uuid}`,
`/achievements/{id}` and `/issuers/{slug}`, negotiated in those routes (CONTRACT section 9).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from badge_issuer.api.deps import NowDep, ReadSessionDep, SettingsDep
from badge_issuer.pages import rendering, verify_page, views
from badge_issuer.pages.documentation import HTML_PAGE, problems_or_pages
from badge_issuer.pages.i18n import translations
from badge_issuer.problems import problem_responses
from badge_issuer.verification.submission import MAX_EMAIL_LENGTH

router = APIRouter(tags=["pages"])

HTML = HTML_PAGE
# An unreadable form is answered with the form again and a message, as a page (a body that
# is not a form at all is a problem, as everywhere).
FORM_PROBLEM = problems_or_pages(400)
STYLESHEET_CACHE = "public, max-age=86400"
MAX_PASTED_CHARS = 262_144


@router.get("/", response_class=HTMLResponse, responses=HTML)
def landing(request: Request, session: ReadSessionDep) -> HTMLResponse:
    """The landing page for people: every badge, its issuers, and how to verify a badge."""
    return views.landing_html(request, session)


@router.get(
    rendering.STYLESHEET_PATH,
    response_class=Response,
    responses={200: {"content": {"text/css": {}}, "description": "The pages' stylesheet."}},
)
def stylesheet() -> Response:
    """The one stylesheet of the pages."""
    return Response(
        rendering.stylesheet(),
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": STYLESHEET_CACHE, "X-Content-Type-Options": "nosniff"},
    )


@router.get("/verify", response_class=HTMLResponse, responses=HTML)
def verify_form(request: Request) -> HTMLResponse:
    """The verification page for browsers (programs POST the credential to /verify)."""
    return rendering.render_page(request, "verify.html", {})


# A body over the size limit is refused (413 problem) before the form is read.
@router.post(
    "/verify/page",
    response_class=HTMLResponse,
    responses={**HTML, **FORM_PROBLEM, **problem_responses(413)},
)
async def verify_from_form(
    request: Request,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
    file: Annotated[UploadFile | None, File(description="A baked PNG or SVG badge.")] = None,
    credential: Annotated[str, Form(max_length=MAX_PASTED_CHARS)] = "",
) -> HTMLResponse:
    """Verify an uploaded badge image or pasted credential and show the report as a page."""
    file_bytes = await file.read() if file is not None else b""
    file_type = file.content_type if file is not None else None
    _ = translations(rendering.request_locale(request)).gettext
    try:
        result = verify_page.verify_upload(
            session,
            file_bytes=file_bytes,
            file_type=file_type,
            pasted=credential,
            settings=settings,
            now=now,
        )
    except verify_page.NothingToVerify:
        error = _("Choose a badge image or paste a credential first.")
        return _form_again(request, error)
    except verify_page.Unreadable:
        error = _(
            "No badge could be read from what you sent. "
            "Send a badge image (PNG or SVG) or the credential's JSON."
        )
        return _form_again(request, error)
    return rendering.render_page(
        request,
        "verify.html",
        {
            "verdict": result.verdict,
            "summary": result.report.credential,
            "checks": result.report.checks,
            "credential_href": result.credential_href,
            "switch_path": "/verify",
        },
    )


def _form_again(request: Request, error: str) -> HTMLResponse:
    context = {"error": error, "switch_path": "/verify"}
    return rendering.render_page(request, "verify.html", context, status_code=400)


@router.post(
    "/credentials/{credential_id}/recipient-check",
    response_class=HTMLResponse,
    responses={**HTML, **problems_or_pages(404), **problem_responses(413, 422)},
)
def recipient_check(
    credential_id: Annotated[str, Path(max_length=64)],
    email: Annotated[str, Form(max_length=MAX_EMAIL_LENGTH)],
    request: Request,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> HTMLResponse:
    """Answer on the badge page whether the badge was issued to an email (never shown back)."""
    return views.credential_html(
        request, session, credential_id=credential_id, settings=settings, now=now, email=email
    )
