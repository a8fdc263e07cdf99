"""OpenID4VCI 1.0 issuer (pre-authorized code flow, `ldp_vc`).

The token, nonce and credential endpoints answer OAuth-style JSON errors (`{"error",
"error_description"}`, RFC 6749 section 5.2, OpenID4VCI 1.0 section 8.3.1.2) as wallets
expect: the one exception to problem+json in this service.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Header, Path, Request
from fastapi.responses import JSONResponse, Response

from badge_issuer.api.deps import NowDep, SessionDep, SettingsDep
from badge_issuer.config import Settings
from badge_issuer.images.default_badge import default_badge_svg
from badge_issuer.problems import NotFound, problem_responses
from badge_issuer.wallet import oid4vci
from badge_issuer.wallet.protocol_errors import OAuthError

router = APIRouter(tags=["openid4vci"])

NO_STORE = {"Cache-Control": "no-store"}
_OAUTH_ERROR = {
    "description": 'OAuth-style error: `{"error", "error_description"}` (not problem+json).',
    "content": {"application/json": {}},
}


def _issuer_path(settings: Settings) -> str:
    """The path of the Credential Issuer Identifier (empty when it is the bare origin)."""
    return settings.public_origin.split("://", 1)[1].partition("/")[2]


def _check_issuer_path(settings: Settings, path: str) -> None:
    """Well-known URIs insert `/.well-known/…` before the issuer's path (RFC 8615, 8414)."""
    if path.strip("/") != _issuer_path(settings).strip("/"):
        raise NotFound("No metadata for this issuer path.")


def _answer(call: Callable[[], dict[str, Any]]) -> JSONResponse:
    """Run an endpoint's service call; an OAuthError becomes its JSON error answer."""
    try:
        return JSONResponse(call(), headers=NO_STORE)
    except OAuthError as refusal:
        headers = dict(NO_STORE)
        if refusal.status_code == 401:
            headers["WWW-Authenticate"] = f'Bearer error="{refusal.error}"'
        return JSONResponse(refusal.body(), status_code=refusal.status_code, headers=headers)


def _add_metadata_routes(
    well_known: str, document: Callable[[Settings], dict[str, Any]], *, name: str, doc: str
) -> None:
    """Serve a metadata document at `/.well-known/<well_known>` and, for an issuer whose
    identifier has a path, at `/.well-known/<well_known>/<that path>` (RFC 8615, 8414)."""

    def at_origin(settings: SettingsDep) -> JSONResponse:
        return at_path(settings, "")

    def at_path(settings: SettingsDep, issuer_path: str) -> JSONResponse:
        _check_issuer_path(settings, issuer_path)
        return JSONResponse(document(settings))

    path = f"/.well-known/{well_known}"
    router.get(path, name=name, description=doc)(at_origin)
    router.get(f"{path}/{{issuer_path:path}}", name=f"{name}_at_path", include_in_schema=False)(
        at_path
    )


_add_metadata_routes(
    "openid-credential-issuer",
    oid4vci.issuer_metadata,
    name="credential_issuer_metadata",
    doc="Credential Issuer Metadata (OpenID4VCI 1.0 section 12.2).",
)
_add_metadata_routes(
    "oauth-authorization-server",
    oid4vci.authorization_server_metadata,
    name="authorization_server_metadata",
    doc="OAuth 2.0 Authorization Server Metadata (RFC 8414) for the pre-authorized code grant.",
)


@router.get("/oid4vci/offers/{token}", responses=problem_responses(404, 409))
def credential_offer(
    token: Annotated[str, Path(min_length=1, max_length=80)],
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> JSONResponse:
    """The Credential Offer of a claim link (by reference), with a fresh pre-authorized code."""
    offer = oid4vci.credential_offer(session, token=token, settings=settings, now=now)
    return JSONResponse(offer, headers=NO_STORE)


@router.post("/oid4vci/token", responses={400: _OAUTH_ERROR})
def token(
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    grant_type: Annotated[str | None, Form(max_length=200)] = None,
    pre_authorized_code: Annotated[
        str | None, Form(alias="pre-authorized_code", max_length=200)
    ] = None,
    tx_code: Annotated[str | None, Form(max_length=64)] = None,
) -> JSONResponse:
    """Token Endpoint: exchange a pre-authorized code (and tx_code) for an access token."""
    form = {
        key: value
        for key, value in {
            "grant_type": grant_type,
            "pre-authorized_code": pre_authorized_code,
            "tx_code": tx_code,
        }.items()
        if value is not None
    }
    return _answer(lambda: oid4vci.exchange_code(session, form=form, settings=settings, now=now))


@router.post("/oid4vci/nonce")
def nonce(session: SessionDep, now: NowDep) -> JSONResponse:
    """Nonce Endpoint: a fresh single-use `c_nonce` for a key proof."""
    return _answer(lambda: oid4vci.new_nonce(session, now=now))


async def _json_body(request: Request) -> Any:
    """The request body as JSON, or OAuthError's marker when it is not JSON."""
    raw = await request.body()
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _NOT_JSON


_NOT_JSON = object()
JsonBody = Annotated[Any, Depends(_json_body)]


@router.post("/oid4vci/credential", responses={400: _OAUTH_ERROR, 401: _OAUTH_ERROR})
def credential(
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    body: JsonBody,
    authorization: Annotated[str | None, Header(max_length=500)] = None,
) -> JSONResponse:
    """Credential Endpoint: the credential, its subject bound to the key proof's DID."""

    def call() -> dict[str, Any]:
        if body is _NOT_JSON:
            raise OAuthError("invalid_credential_request", "The request body is not JSON.")
        return oid4vci.issue_credential(
            session, authorization=authorization, body=body, settings=settings, now=now
        )

    return _answer(call)


@router.get("/oid4vci/logo.svg", include_in_schema=False)
def logo() -> Response:
    """The logo wallets show for the credential type."""
    svg = default_badge_svg("Open Badge", achievement_id="open-badge")
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})
