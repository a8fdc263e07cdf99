"""The my-badges pages: sign-in form and answer, the one-time link's confirmation, "my badges",
sign-out. Each function answers one request with a page or a redirect (never problem+json:
these are browser pages), so the routers stay thin.

Cross-site requests: every POST here changes state (a mail, a session, a claim link), so it
must come from this service's own pages: the session cookie is SameSite=Lax, and a POST whose
`Origin` (or, without one, `Sec-Fetch-Site`) names another site is refused with 403.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.learners.models import Learner
from badge_issuer.mybadges import page, service
from badge_issuer.mybadges.errors import SignInLinkInvalid
from badge_issuer.mybadges.limits import SignInLimits
from badge_issuer.pages import i18n
from badge_issuer.pages.rendering import lang_query, render_page, request_locale
from badge_issuer.wallet import claims
from badge_issuer.wallet.errors import ClaimLinkInvalid, CredentialNotClaimable

ME_PATH = "/me"
# Private pages: never stored by a cache; token URLs never leak to another site through Referer
# (`same-origin` rather than `no-referrer`, so the pages' own forms still send their Origin).
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin"}
_SAFE_FETCH_SITES = {"same-origin", "none"}


def _gettext(request: Request) -> Callable[[str], str]:
    return i18n.translations(request_locale(request)).gettext


def _page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    return render_page(
        request,
        template,
        {"switch_path": request.url.path, **context},
        status_code=status_code,
        headers={**PRIVATE, **(headers or {})},
    )


def message_page(
    request: Request,
    *,
    title: str,
    detail: str,
    status_code: int,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page with a heading, one paragraph, and the way back to sign-in."""
    context = {"title": title, "detail": detail}
    return _page(
        request, "mybadges/message.html", context, status_code=status_code, headers=headers
    )


def from_this_site(request: Request, settings: Settings) -> bool:
    """Whether a POST comes from this service's own pages (see the module docstring).

    Browsers send `Origin: null` from a page whose Referrer-Policy is `no-referrer` (the claim
    page's): then, as without `Origin`, `Sec-Fetch-Site` decides. Clients sending neither
    (programs, not browsers) carry no cookie a forged form could ride on.
    """
    origin = request.headers.get("origin")
    if origin is not None and origin != "null":
        return origin.rstrip("/") in settings.known_origins
    return request.headers.get("sec-fetch-site", "same-origin") in _SAFE_FETCH_SITES


def foreign_page(request: Request) -> HTMLResponse:
    _ = _gettext(request)
    return message_page(
        request,
        title=_("This request came from another site"),
        detail=_("For your safety, use the buttons on this site's own pages."),
        status_code=403,
    )


def _redirect(request: Request, path: str) -> RedirectResponse:
    return RedirectResponse(path + lang_query(request), status_code=303, headers=PRIVATE)


def _set_session(
    response: Response, started: service.StartedSession, *, settings: Settings, now: datetime
) -> None:
    response.set_cookie(
        service.cookie_name(settings),
        started.cookie,
        max_age=max(1, int((started.expires_at - now).total_seconds())),
        path="/",
        secure=service.cookie_secure(settings),
        httponly=True,
        samesite="lax",
    )


def _clear_session(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        service.cookie_name(settings),
        path="/",
        secure=service.cookie_secure(settings),
        httponly=True,
        samesite="lax",
    )


def session_learner(
    request: Request, session: Session, *, settings: Settings, now: datetime
) -> Learner | None:
    cookie = request.cookies.get(service.cookie_name(settings))
    return service.current_learner(session, cookie=cookie, settings=settings, now=now)


# --- sign-in by mail -----------------------------------------------------------------------


def sign_in_form(
    request: Request, *, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    return _page(request, "mybadges/sign_in.html", {"error": error}, status_code=status_code)


def request_sign_in(
    request: Request,
    session: Session,
    *,
    email: str,
    limits: SignInLimits,
    settings: Settings,
    now: datetime,
) -> HTMLResponse:
    """Queue the sign-in mail and answer the same page whether or not the address is known."""
    _ = _gettext(request)
    if not from_this_site(request, settings):
        return foreign_page(request)
    try:
        email_hash = service.email_key(email, settings=settings)
    except service.EmailImplausible:
        error = _("Enter the email address your badges were issued to, like name@example.jp.")
        return sign_in_form(request, error=error, status_code=400)
    client = request.client.host if request.client else "unknown"
    wait = limits.wait_seconds(client=f"client:{client}", email_hash=email_hash)
    if wait:
        return message_page(
            request,
            title=_("Too many sign-in requests"),
            detail=_("Please wait %(minutes)s minutes and try again.")
            % {"minutes": -(-wait // 60)},
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    service.request_sign_in(
        session, email=email, locale=request_locale(request), settings=settings, now=now
    )
    return _page(request, "mybadges/sign_in_sent.html", {"minutes": settings.sign_in_link_minutes})


def _link_invalid(request: Request) -> HTMLResponse:
    _ = _gettext(request)
    return message_page(
        request,
        title=_("This sign-in link cannot be used"),
        detail=_(
            "Sign-in links work once and for a short time. Ask for a new one with your email."
        ),
        status_code=404,
    )


def confirm_sign_in(
    request: Request, session: Session, *, token: str, now: datetime
) -> HTMLResponse:
    """The mailed link's page: one button that signs in. A GET never uses the link, so mail
    scanners that open links do not spend it."""
    try:
        service.check_sign_in_link(session, token=token, now=now)
    except SignInLinkInvalid:
        return _link_invalid(request)
    return _page(request, "mybadges/confirm.html", {"action": f"{request.url.path}"})


def complete_sign_in(
    request: Request, session: Session, *, token: str, settings: Settings, now: datetime
) -> Response:
    if not from_this_site(request, settings):
        return foreign_page(request)
    try:
        started = service.complete_sign_in(session, token=token, settings=settings, now=now)
    except SignInLinkInvalid:
        return _link_invalid(request)
    response = _redirect(request, ME_PATH)
    _set_session(response, started, settings=settings, now=now)
    return response


# --- sign-in from a claim link -------------------------------------------------------------


def sign_in_from_claim(
    request: Request, session: Session, *, claim_token: str, settings: Settings, now: datetime
) -> Response:
    _ = _gettext(request)
    if not from_this_site(request, settings):
        return foreign_page(request)
    try:
        started = service.start_from_claim(
            session, claim_token=claim_token, settings=settings, now=now
        )
    except ClaimLinkInvalid as error:
        detail = _("The link is unknown, altered or expired.")
        title = _("This claim link cannot be used")
        return message_page(request, title=title, detail=detail, status_code=error.status)
    except CredentialNotClaimable as error:
        detail = _("The badge has been revoked or has expired. Sign in with your email instead.")
        title = _("This claim link cannot be used")
        return message_page(request, title=title, detail=detail, status_code=error.status)
    response = _redirect(request, ME_PATH)
    _set_session(response, started, settings=settings, now=now)
    return response


# --- my badges -----------------------------------------------------------------------------


def my_badges(request: Request, session: Session, *, settings: Settings, now: datetime) -> Response:
    """The learner's page, or the way to sign in."""
    learner = session_learner(request, session, settings=settings, now=now)
    if learner is None:
        return _redirect(request, service.SIGN_IN_PATH)
    mine = page.my_badges(session, learner=learner, now=now)
    return _page(request, "mybadges/me.html", {"mine": mine})


def claim_link(
    request: Request, session: Session, *, credential_uuid: str, settings: Settings, now: datetime
) -> Response:
    """Mint a claim link for one of the learner's own valid badges and open its claim page
    (downloads and add to wallet)."""
    _ = _gettext(request)
    if not from_this_site(request, settings):
        return foreign_page(request)
    learner = session_learner(request, session, settings=settings, now=now)
    if learner is None:
        return _redirect(request, service.SIGN_IN_PATH)
    award = page.own_award(session, learner=learner, credential_uuid=credential_uuid)
    if award is None:
        return message_page(
            request,
            title=_("Badge not found"),
            detail=_("None of your badges has this identifier."),
            status_code=404,
        )
    try:
        links = claims.mint_claim_links(
            session, award=award, settings=settings, now=now, created_by="learner"
        )
    except CredentialNotClaimable:
        return message_page(
            request,
            title=_("This badge cannot be added to a wallet"),
            detail=_("The badge has been revoked or has expired."),
            status_code=409,
        )
    claim_path = links.claim_url.removeprefix(settings.public_origin)
    return _redirect(request, claim_path)


def sign_out(request: Request, session: Session, *, settings: Settings, now: datetime) -> Response:
    if not from_this_site(request, settings):
        return foreign_page(request)
    cookie = request.cookies.get(service.cookie_name(settings))
    service.sign_out(session, cookie=cookie, settings=settings, now=now)
    response = _redirect(request, service.SIGN_IN_PATH)
    _clear_session(response, settings)
    return response
