"""Wallet pickup by VCALM exchanges (as the DCC Learner Credential Wallet speaks them) and LCW's
request link. Refusals are problem+json; see `wallet/exchanges.py` for the protocol."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from badge_issuer.api.deps import NowDep, SessionDep, SettingsDep
from badge_issuer.pages.negotiation import prefers_html
from badge_issuer.problems import problem_responses
from badge_issuer.wallet import claim_page, claims, exchanges

router = APIRouter(tags=["wallet"])

TokenPath = Annotated[str, Path(min_length=1, max_length=80)]
ExchangePath = Annotated[str, Path(min_length=1, max_length=64)]
NO_STORE = {"Cache-Control": "no-store"}


@router.get(
    "/claim/{token}",
    response_class=HTMLResponse,
    responses={
        200: {"content": {"text/html": {}}, "description": "The claim page."},
        404: {"content": {"text/html": {}}, "description": "An unknown, altered or expired link."},
        409: {"content": {"text/html": {}}, "description": "The badge is revoked or expired."},
    },
)
def claim(
    token: TokenPath, request: Request, session: SessionDep, settings: SettingsDep, now: NowDep
) -> HTMLResponse:
    """Show a learner's claim page: the badge, downloads, LinkedIn, and add to wallet."""
    response = claim_page.claim_html(request, session, token=token, settings=settings, now=now)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get(
    "/interactions/{token}",
    responses={
        **problem_responses(404, 409, 422),
        200: {"description": "The protocols a wallet may use (`Accept: application/json`)."},
        303: {"description": "A browser is sent to the claim page."},
    },
)
def interaction(
    token: TokenPath, request: Request, session: SessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """Answer a VCALM interaction URL: the wallet protocols as JSON, else the claim page."""
    # A browser gets the claim page; wallets (Accept: application/json) get the protocols.
    if prefers_html(request.headers.get("accept")):
        return RedirectResponse(claims.claim_url(settings, token), status_code=303)
    protocols = exchanges.open_interaction(session, token=token, settings=settings, now=now)
    return JSONResponse(protocols, headers=NO_STORE)


@router.post("/exchanges/{exchange_id}", responses=problem_responses(401, 404, 409, 410, 422))
def exchange(
    exchange_id: ExchangePath,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    body: Annotated[dict[str, Any], Body()],
) -> JSONResponse:
    """Continue a VCALM exchange: `{}` gets the DID-auth request, a signed VP the credential."""
    answer = exchanges.post_exchange(
        session, public_id=exchange_id, body=body, settings=settings, now=now
    )
    return JSONResponse(answer, headers=NO_STORE)


@router.post("/exchanges/{exchange_id}/lcw", responses=problem_responses(401, 404, 409, 410, 422))
def lcw_request(
    exchange_id: ExchangePath,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    presentation: Annotated[dict[str, Any], Body()],
) -> JSONResponse:
    """Answer LCW's request link (`vc_request_url`): a DID-auth VP in, the credential out."""
    credential = exchanges.post_lcw_request(
        session, public_id=exchange_id, presentation=presentation, settings=settings, now=now
    )
    return JSONResponse(credential, headers=NO_STORE)
