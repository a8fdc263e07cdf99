"""W3C VC API (VCALM): issue (scope `issue`) and verify (public) credentials; list issuer ids."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from badge_issuer.admin.deps import IssueAdmin
from badge_issuer.api.deps import NowDep, ReadSessionDep, SessionDep, SettingsDep
from badge_issuer.kit.http import json_request_body, read_bounded_body
from badge_issuer.problems import problem_responses
from badge_issuer.vcapi import identities, service
from badge_issuer.vcapi.errors import VcApiBodyTooLarge, VcApiMediaTypeUnsupported
from badge_issuer.vcapi.request import JSON_MEDIA_TYPES, MAX_BODY_BYTES
from badge_issuer.vcapi.schemas import (
    IssueRequest,
    IssueResponse,
    IssuerIdentitiesRead,
    IssuerIdentityRead,
    VerifyPresentationRequest,
    VerifyPresentationResponse,
    VerifyRequest,
    VerifyResponse,
)
from badge_issuer.verification.submission import media_type_of

router = APIRouter(prefix="/credentials", tags=["vc api"])
presentations_router = APIRouter(prefix="/presentations", tags=["vc api"])


async def read_json_body(request: Request) -> bytes:
    """Read the raw JSON body, refusing other media types and more than MAX_BODY_BYTES."""
    media_type = media_type_of(request.headers.get("content-type"))
    if media_type not in JSON_MEDIA_TYPES:
        raise VcApiMediaTypeUnsupported(f"Send application/json, not {media_type}.")
    too_large = f"A VC API request body is at most {MAX_BODY_BYTES} bytes."
    return await read_bounded_body(
        request, limit=MAX_BODY_BYTES, too_large=lambda: VcApiBodyTooLarge(too_large)
    )


JsonBody = Annotated[bytes, Depends(read_json_body)]


def issue_body(body: JsonBody) -> IssueRequest:
    return service.parse_issue_request(body)


def verify_body(body: JsonBody) -> VerifyRequest:
    return service.parse_verify_request(body)


def verify_presentation_body(body: JsonBody) -> VerifyPresentationRequest:
    return service.parse_verify_presentation_request(body)


@router.post(
    "/issue",
    # Named before the route functions were renamed; kept so clients' generated code is stable.
    operation_id="issue_credential_credentials_issue_post",
    summary="Issue Credential",
    status_code=status.HTTP_201_CREATED,
    response_model=IssueResponse,
    responses=problem_responses(400, 401, 403, 409, 413, 415, 422, 503),
    openapi_extra=json_request_body(IssueRequest),
)
def post_credentials_issue(
    admin: IssueAdmin,
    body: Annotated[IssueRequest, Depends(issue_body)],
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> IssueResponse:
    """Sign a credential with an eddsa-rdfc-2022 proof by the active key of its issuer.

    `credential.issuer` (or `issuer.id`) must be an id from `GET /credentials/issuer-ids`;
    it is never replaced. VC 2.0 and VC 1.1 credentials are accepted; undefined terms,
    relative IRIs, malformed dates and credentials that already have a proof are refused
    with a problem naming each property. Every issued credential is audited.
    """
    signed = service.issue_credential(
        session, body=body, settings=settings, actor=admin.actor, now=now
    )
    return IssueResponse(verifiable_credential=signed)


@router.post(
    "/verify",
    operation_id="verify_credential_credentials_verify_post",
    summary="Verify Credential",
    status_code=status.HTTP_200_OK,
    response_model=VerifyResponse,
    responses=problem_responses(400, 413, 415, 422),
    openapi_extra=json_request_body(VerifyRequest),
)
def post_credentials_verify(
    body: Annotated[VerifyRequest, Depends(verify_body)],
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> VerifyResponse:
    """Verify a credential with the checks of `POST /verify`; 400 with the result if it fails.

    A credential that does not verify is a 400 problem whose `verified`, `checks`,
    `warnings` and `errors` members are the VC API verification result.
    """
    result = service.verify_credential_request(session, body=body, settings=settings, now=now)
    return VerifyResponse.model_validate(result.as_json())


@presentations_router.post(
    "/verify",
    status_code=status.HTTP_200_OK,
    response_model=VerifyPresentationResponse,
    responses=problem_responses(400, 413, 415, 422),
    openapi_extra=json_request_body(VerifyPresentationRequest),
)
def post_presentations_verify(
    body: Annotated[VerifyPresentationRequest, Depends(verify_presentation_body)],
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> VerifyPresentationResponse:
    """Verify a signed presentation and every credential in it; 400 with the result if not.

    The proof must be for `authentication`, by a key the `holder` controls, and carry
    `options.challenge` and `options.domain` when they are given. Unsigned presentations
    are refused. Each embedded credential gets the checks of `POST /credentials/verify`.
    """
    result = service.verify_presentation_request(session, body=body, settings=settings, now=now)
    return VerifyPresentationResponse.model_validate(result.as_json())


@router.get(
    "/issuer-ids",
    response_model=IssuerIdentitiesRead,
    responses=problem_responses(401, 403, 409, 503),
)
def list_issuer_ids(
    admin: IssueAdmin, session: SessionDep, settings: SettingsDep, now: NowDep
) -> IssuerIdentitiesRead:
    """List the issuer ids `POST /credentials/issue` signs for (scope `issue`).

    With the test-only did:key issuer enabled (BADGE_ISSUER_ENABLE_DID_KEY_ISSUER, refused in
    production) the list ends with its `did:key`, whose key is generated on first call.
    """
    found = identities.issuer_identities(session, settings=settings, actor=admin.actor, now=now)
    return IssuerIdentitiesRead(
        issuers=[IssuerIdentityRead.model_validate(item, from_attributes=True) for item in found]
    )
