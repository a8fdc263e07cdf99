"""Claim links for re-sending a learner their credential (scope `credentials`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, status

from badge_issuer.admin import ownership
from badge_issuer.admin.deps import CredentialAdmin
from badge_issuer.api.deps import NowDep, SessionDep, SettingsDep
from badge_issuer.audit import service as audit
from badge_issuer.problems import problem_responses
from badge_issuer.wallet import claims
from badge_issuer.wallet.schemas import ClaimLinksCreate, ClaimLinksRead

router = APIRouter(tags=["admin: credentials"])


@router.post(
    "/v1/admin/credentials/{credential_uuid}/claim-links",
    response_model=ClaimLinksRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def create_claim_links(
    credential_uuid: Annotated[str, Path(min_length=1, max_length=36)],
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    admin: CredentialAdmin,
    data: Annotated[ClaimLinksCreate | None, Body()] = None,
) -> ClaimLinksRead:
    """Mint the claim page, wallet interaction and OpenID4VCI offer links of a credential."""
    ownership.require_credential(session, admin, credential_uuid)
    links = claims.mint_for_credential(
        session,
        credential_uuid=credential_uuid,
        settings=settings,
        now=now,
        created_by=admin.actor,
        with_tx_code=bool(data and data.tx_code),
    )
    audit.record(
        session,
        actor=admin.actor,
        action="credential.claim-links",
        target_type="credential",
        target_id=credential_uuid,
        now=now,
        details={"expires_at": links.expires_at.isoformat(), "tx_code": links.tx_code is not None},
    )
    return links
