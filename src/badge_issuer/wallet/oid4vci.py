"""OpenID4VCI 1.0 (final), pre-authorized code flow, `ldp_vc`: metadata, offer, token, nonce,
credential.

Every refusal is an `OAuthError` (OAuth-style JSON body; see `protocol_errors.py`). Only hashes
of codes, tokens and nonces are stored; each is single-use through a conditional UPDATE.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award
from badge_issuer.awards.wallet_copy import issue_wallet_copy
from badge_issuer.config import Settings
from badge_issuer.problems import ProblemError
from badge_issuer.wallet import claims, repository, tokens
from badge_issuer.wallet.key_proof import ALGORITHMS, KeyProofInvalid, check_key_proof
from badge_issuer.wallet.models import ClaimLink, PreAuthorizedGrant, ProofNonce
from badge_issuer.wallet.protocol_errors import OAuthError

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CONFIGURATION_ID = "OpenBadgeCredential_ldp_vc"
CREDENTIAL_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
TOKEN_MINUTES = 10
NONCE_MINUTES = 5


def issuer_id(settings: Settings) -> str:
    """The Credential Issuer Identifier (and the authorization server's issuer)."""
    return settings.public_origin


def endpoint(settings: Settings, name: str) -> str:
    return f"{settings.public_origin}/oid4vci/{name}"


def issuer_metadata(settings: Settings) -> dict[str, Any]:
    """Credential Issuer Metadata (OpenID4VCI 1.0 section 12.2)."""
    logo = {"uri": endpoint(settings, "logo.svg"), "alt_text": "Open Badge"}
    return {
        "credential_issuer": issuer_id(settings),
        "credential_endpoint": endpoint(settings, "credential"),
        "nonce_endpoint": endpoint(settings, "nonce"),
        "display": [
            {"name": settings.default_issuer_name, "locale": "ja"},
            {"name": settings.default_issuer_name, "locale": "en"},
        ],
        "credential_configurations_supported": {
            CONFIGURATION_ID: {
                "format": "ldp_vc",
                "scope": "OpenBadgeCredential",
                "credential_definition": {"@context": CREDENTIAL_CONTEXT, "type": CREDENTIAL_TYPE},
                "cryptographic_binding_methods_supported": ["did:key", "did:jwk"],
                "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
                "proof_types_supported": {
                    "jwt": {"proof_signing_alg_values_supported": list(ALGORITHMS)}
                },
                "credential_metadata": {
                    "display": [
                        {"name": "オープンバッジ", "locale": "ja", "logo": logo},
                        {"name": "Open Badge", "locale": "en", "logo": logo},
                    ]
                },
            }
        },
    }


def authorization_server_metadata(settings: Settings) -> dict[str, Any]:
    """OAuth 2.0 Authorization Server Metadata (RFC 8414) for the pre-authorized code grant."""
    return {
        "issuer": issuer_id(settings),
        "token_endpoint": endpoint(settings, "token"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "pre-authorized_grant_anonymous_access_supported": True,
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
    }


def credential_offer(
    session: Session, *, token: str, settings: Settings, now: datetime
) -> dict[str, Any]:
    """The Credential Offer behind `credential_offer_uri`, with a fresh pre-authorized code."""
    opened = claims.open_claim(session, token=token, settings=settings, now=now)
    code = tokens.new_secret()
    grant = PreAuthorizedGrant(
        claim_link_id=opened.claim.id,
        code_hash=tokens.secret_hash(code),
        created_at=now,
        expires_at=min(
            now + timedelta(minutes=settings.wallet_exchange_minutes), opened.claim.expires_at
        ),
    )
    repository.add(session, grant)
    pre_authorized: dict[str, Any] = {"pre-authorized_code": code}
    if opened.claim.tx_code_hash:
        pre_authorized["tx_code"] = {
            "input_mode": "numeric",
            "length": claims.TX_CODE_LENGTH,
            "description": "メールとは別にお知らせした6桁のコード / the 6-digit code sent to you",
        }
    return {
        "credential_issuer": issuer_id(settings),
        "credential_configuration_ids": [CONFIGURATION_ID],
        "grants": {PRE_AUTHORIZED_GRANT: pre_authorized},
    }


def _check_tx_code(claim: ClaimLink, tx_code: str | None) -> None:
    """Section 6.3: a missing or unexpected code is invalid_request, a wrong one invalid_grant."""
    if claim.tx_code_hash is None:
        if tx_code is not None:
            raise OAuthError("invalid_request", "This offer has no transaction code.")
        return
    if tx_code is None:
        raise OAuthError("invalid_request", "This offer needs its transaction code (tx_code).")
    if not hmac.compare_digest(tokens.secret_hash(tx_code), claim.tx_code_hash):
        raise OAuthError("invalid_grant", "The transaction code is wrong.")


def exchange_code(
    session: Session, *, form: Mapping[str, str], settings: Settings, now: datetime
) -> dict[str, Any]:
    """Token Endpoint (section 6): a pre-authorized code (and tx_code) for an access token."""
    if form.get("grant_type") != PRE_AUTHORIZED_GRANT:
        raise OAuthError("unsupported_grant_type", f"Only {PRE_AUTHORIZED_GRANT} is supported.")
    code = form.get("pre-authorized_code")
    if not code:
        raise OAuthError("invalid_request", "pre-authorized_code is missing.")
    grant = repository.grant_by_code_hash(session, tokens.secret_hash(code))
    if grant is None or grant.expires_at <= now or grant.code_used_at is not None:
        raise OAuthError("invalid_grant", "The pre-authorized code is unknown, used or expired.")
    claim = session.get(ClaimLink, grant.claim_link_id)
    if claim is None:
        raise OAuthError("invalid_grant", "The pre-authorized code is unknown, used or expired.")
    try:
        _check_tx_code(claim, form.get("tx_code"))
    except OAuthError as refusal:
        if refusal.error == "invalid_grant":
            # A wrong transaction code burns the pre-authorized code: no guessing 10^6 codes.
            repository.use_code(session, grant.id, token_hash=None, token_expires_at=None, now=now)
        raise
    access_token = tokens.new_secret()
    expires_at = now + timedelta(minutes=TOKEN_MINUTES)
    token_hash = tokens.secret_hash(access_token)
    if not repository.use_code(
        session, grant.id, token_hash=token_hash, token_expires_at=expires_at, now=now
    ):
        raise OAuthError("invalid_grant", "The pre-authorized code is unknown, used or expired.")
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": TOKEN_MINUTES * 60,
    }


def new_nonce(session: Session, *, now: datetime) -> dict[str, Any]:
    """Nonce Endpoint (section 7): a fresh single-use c_nonce."""
    nonce = tokens.new_secret()
    repository.add(
        session,
        ProofNonce(
            nonce_hash=tokens.secret_hash(nonce),
            created_at=now,
            expires_at=now + timedelta(minutes=NONCE_MINUTES),
        ),
    )
    return {"c_nonce": nonce}


def _grant_for(session: Session, authorization: str | None, now: datetime) -> PreAuthorizedGrant:
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise OAuthError("invalid_token", "A Bearer access token is required.", status=401)
    grant = repository.grant_by_token_hash(session, tokens.secret_hash(value.strip()))
    if grant is None or grant.token_expires_at is None or grant.token_expires_at <= now:
        raise OAuthError("invalid_token", "The access token is unknown or expired.", status=401)
    if grant.completed_at is not None:
        raise OAuthError("invalid_token", "The access token has been used.", status=401)
    return grant


def _single_proof(body: Any) -> Any:
    if not isinstance(body, Mapping):
        raise OAuthError("invalid_credential_request", "The request must be a JSON object.")
    configuration = body.get("credential_configuration_id")
    if configuration != CONFIGURATION_ID:
        raise OAuthError(
            "unknown_credential_configuration", f"Request {CONFIGURATION_ID!r} (issuer metadata)."
        )
    proofs = body.get("proofs")
    if not isinstance(proofs, Mapping) or set(proofs) != {"jwt"}:
        raise OAuthError("invalid_proof", "proofs must hold one `jwt` key proof.")
    jwts = proofs["jwt"]
    if not isinstance(jwts, list) or len(jwts) != 1:
        raise OAuthError("invalid_proof", "One key proof: this issuer issues one credential.")
    return jwts[0]


def _original(session: Session, grant: PreAuthorizedGrant, now: datetime) -> Award:
    claim = session.get(ClaimLink, grant.claim_link_id)
    award = session.get(Award, claim.award_id) if claim else None
    # Row lock: a concurrent revocation of the original waits for this copy, or wins first.
    locked = (
        session.get(Award, award.id, with_for_update=True, populate_existing=True)
        if award
        else None
    )
    if locked is None:
        raise OAuthError("invalid_credential_request", "The credential is gone.")
    try:
        claims.refuse_unclaimable(locked, now)
    except ProblemError as problem:
        raise OAuthError("invalid_credential_request", problem.detail) from problem
    return locked


def issue_credential(
    session: Session,
    *,
    authorization: str | None,
    body: Any,
    settings: Settings,
    now: datetime,
) -> dict[str, Any]:
    """Credential Endpoint (section 8): the credential bound to the key proof's DID."""
    grant = _grant_for(session, authorization, now)
    proof = _single_proof(body)
    try:
        checked = check_key_proof(proof, audience=issuer_id(settings), now=now)
    except KeyProofInvalid as refusal:
        raise OAuthError(refusal.error, refusal.description) from refusal
    if not repository.use_nonce(session, tokens.secret_hash(checked.nonce), now=now):
        raise OAuthError("invalid_nonce", "The c_nonce is unknown, used or expired.")
    original = _original(session, grant, now)
    if not repository.complete_grant(session, grant.id, holder_did=checked.holder_did, now=now):
        raise OAuthError("invalid_token", "The access token has been used.", status=401)
    copy = issue_wallet_copy(
        session, original=original, holder_did=checked.holder_did, settings=settings, now=now
    )
    grant.issued_award_id = copy.id
    session.flush()
    return {"credentials": [{"credential": json.loads(copy.document)}]}
