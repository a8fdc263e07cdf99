"""My badges: a learner's own page (browser pages; the session is a signed cookie).

No path here is fixed by CONTRACT.md; the routes are `GET /me`, `GET|POST /me/sign-in`,
`GET|POST /me/sign-in/{token}`, `POST /me/claim/{token}` (from a claim page),
`POST /me/badges/{uuid}/claim-link` and `POST /me/sign-out`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from badge_issuer.api.deps import NowDep, ReadSessionDep, SessionDep, SettingsDep
from badge_issuer.learners.identity import MAX_EMAIL_LENGTH
from badge_issuer.mybadges import views
from badge_issuer.mybadges.limits import SignInLimits
from badge_issuer.pages.documentation import HTML_PAGE, problems_or_pages
from badge_issuer.problems import problem_responses

router = APIRouter(tags=["my badges"])

TokenPath = Annotated[str, Path(min_length=1, max_length=80)]
CredentialPath = Annotated[str, Path(min_length=1, max_length=36)]


Responses = dict[int | str, dict[str, Any]]
_Endpoint = TypeVar("_Endpoint", bound=Callable[..., Any])


def _page(status: int, description: str) -> Responses:
    return {status: {"description": description, "content": {"text/html": {}}}}


REDIRECT: Responses = {303: {"description": "On to the next page (a session cookie may be set)."}}
FOREIGN = _page(403, "A POST from another site's page (Origin / Sec-Fetch-Site) is refused.")


def _form_post(path: str, *pages: Responses) -> Callable[[_Endpoint], _Endpoint]:
    """A form's POST route that answers with a redirect: refused from other sites, the
    given error pages, and problem+json for a body too large."""
    responses: Responses = {**REDIRECT, **FOREIGN}
    for page in pages:
        responses.update(page)
    return router.post(
        path, response_class=HTMLResponse, responses={**responses, **problem_responses(413)}
    )


def _limits(request: Request) -> SignInLimits:
    """This process's sign-in buckets (made once per app)."""
    limits: SignInLimits | None = getattr(request.app.state, "sign_in_limits", None)
    if limits is None:
        limits = SignInLimits(request.app.state.settings)
        request.app.state.sign_in_limits = limits
    return limits


@router.get("/me", response_class=HTMLResponse, responses={**HTML_PAGE, **REDIRECT})
def my_badges(
    request: Request, session: ReadSessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """Every badge the signed-in learner holds and the way to the others; else to sign-in."""
    return views.my_badges(request, session, settings=settings, now=now)


@router.get("/me/sign-in", response_class=HTMLResponse, responses=HTML_PAGE)
def sign_in_form(request: Request) -> HTMLResponse:
    """The sign-in form: an email address gets a one-time link."""
    return views.sign_in_form(request)


@router.post(
    "/me/sign-in",
    response_class=HTMLResponse,
    responses={
        **HTML_PAGE,
        **FOREIGN,
        # 400/429: a page for an implausible address or too many requests (this route's own
        # limits); problem+json for an unreadable body or the per-client POST limit.
        **problem_responses(413, 422),
        **problems_or_pages(400, 429),
    },
)
def request_sign_in(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    email: Annotated[str, Form(max_length=MAX_EMAIL_LENGTH + 64)] = "",
) -> HTMLResponse:
    """Mail a one-time sign-in link if a learner has this address; the answer is the same
    page either way."""
    return views.request_sign_in(
        request, session, email=email, limits=_limits(request), settings=settings, now=now
    )


@router.get(
    "/me/sign-in/{token}",
    response_class=HTMLResponse,
    responses={**HTML_PAGE, **_page(404, "An unknown, used or expired sign-in link.")},
)
def confirm_sign_in(
    token: TokenPath, request: Request, session: ReadSessionDep, now: NowDep
) -> HTMLResponse:
    """The mailed link's page: a button that signs in (opening the link does not use it)."""
    return views.confirm_sign_in(request, session, token=token, now=now)


@_form_post("/me/sign-in/{token}", _page(404, "An unknown, used or expired sign-in link."))
def complete_sign_in(
    token: TokenPath, request: Request, session: SessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """Use the one-time link: set the session cookie and go to My badges."""
    return views.complete_sign_in(request, session, token=token, settings=settings, now=now)


@_form_post(
    "/me/claim/{token}",
    _page(404, "An unknown, altered or expired claim link."),
    _page(409, "The claim link's badge is revoked or expired."),
)
def sign_in_from_claim(
    token: TokenPath, request: Request, session: SessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """From a claim page: sign in as the learner the claim link was made for."""
    return views.sign_in_from_claim(request, session, claim_token=token, settings=settings, now=now)


@_form_post(
    "/me/badges/{credential_uuid}/claim-link",
    _page(404, "None of the learner's badges has this id."),
    _page(409, "The badge is revoked or expired."),
)
def claim_link(
    credential_uuid: CredentialPath,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """A fresh claim link for one of the learner's valid badges: on to its claim page."""
    return views.claim_link(
        request, session, credential_uuid=credential_uuid, settings=settings, now=now
    )


@_form_post("/me/sign-out")
def sign_out(request: Request, session: SessionDep, settings: SettingsDep, now: NowDep) -> Response:
    """End the session (for good: a copied cookie stops working too) and clear the cookie."""
    return views.sign_out(request, session, settings=settings, now=now)
