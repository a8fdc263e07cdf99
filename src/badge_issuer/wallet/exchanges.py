"""VCALM exchanges as the DCC Learner Credential Wallet speaks them, and LCW's request link.

interaction URL --GET (JSON)--> {"protocols": {"vcapi": EXCHANGE_URL, "OID4VCI": offer, "lcw": …}}
EXCHANGE_URL --POST {}--> {"verifiablePresentationRequest": DIDAuthentication, challenge, domain}
EXCHANGE_URL --POST {"verifiablePresentation": VP}--> {"verifiablePresentation": {… [VC]}}

LCW's older request link (`https://lcw.app/request?…&vc_request_url=…`) carries the challenge
itself; the wallet POSTs a bare DID-auth VP (without a domain) to `vc_request_url` and gets the
credential. Every exchange is single-use (a conditional UPDATE completes it once) and expires.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award
from badge_issuer.awards.wallet_copy import issue_wallet_copy
from badge_issuer.config import Settings
from badge_issuer.wallet import claims, didauth, repository, tokens
from badge_issuer.wallet.errors import ClaimLinkInvalid
from badge_issuer.wallet.models import ClaimLink, WalletExchange
from badge_issuer.wallet.protocol_errors import (
    ExchangeComplete,
    ExchangeExpired,
    ExchangeNotFound,
    ExchangeNotStarted,
    PresentationRefused,
)

VCAPI = "vcapi"
LCW = "lcw"
LCW_REQUEST = "https://lcw.app/request"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
ACCEPTED_CRYPTOSUITES = ("Ed25519Signature2020", "eddsa-rdfc-2022")


def exchange_url(settings: Settings, public_id: str) -> str:
    return f"{settings.public_origin}/exchanges/{public_id}"


def lcw_vc_request_url(settings: Settings, public_id: str) -> str:
    return f"{settings.public_origin}/exchanges/{public_id}/lcw"


def lcw_request_link(settings: Settings, exchange: WalletExchange) -> str:
    """LCW's credential request deep link (auth_type bearer: the challenge goes in the VP)."""
    query = urlencode(
        {
            "issuer": settings.public_origin,
            "auth_type": "bearer",
            "challenge": exchange.challenge,
            "vc_request_url": lcw_vc_request_url(settings, exchange.public_id),
        }
    )
    return f"{LCW_REQUEST}?{query}"


def proof_domain(settings: Settings) -> str:
    """The `domain` a DID-authentication proof must carry: this service's origin."""
    return settings.public_origin


def _new_exchange(
    session: Session, claim: ClaimLink, *, protocol: str, settings: Settings, now: datetime
) -> WalletExchange:
    exchange = WalletExchange(
        public_id=tokens.new_secret(),
        claim_link_id=claim.id,
        protocol=protocol,
        state="active" if protocol == LCW else "pending",
        challenge=tokens.new_secret(),
        created_at=now,
        expires_at=now + timedelta(minutes=settings.wallet_exchange_minutes),
    )
    repository.add(session, exchange)
    return exchange


def open_interaction(
    session: Session, *, token: str, settings: Settings, now: datetime
) -> dict[str, Any]:
    """Start the exchanges of a claim link: the protocols a wallet may choose from."""
    opened = claims.open_claim(session, token=token, settings=settings, now=now)
    vcapi = _new_exchange(session, opened.claim, protocol=VCAPI, settings=settings, now=now)
    lcw = _new_exchange(session, opened.claim, protocol=LCW, settings=settings, now=now)
    return {
        "protocols": {
            "vcapi": exchange_url(settings, vcapi.public_id),
            "OID4VCI": claims.credential_offer_uri(settings, token),
            "lcw": lcw_request_link(settings, lcw),
        }
    }


def lcw_link(session: Session, *, token: str, settings: Settings, now: datetime) -> str:
    """A fresh LCW request link for a claim (the claim page shows it on phones)."""
    opened = claims.open_claim(session, token=token, settings=settings, now=now)
    exchange = _new_exchange(session, opened.claim, protocol=LCW, settings=settings, now=now)
    return lcw_request_link(settings, exchange)


def presentation_request(exchange: WalletExchange, settings: Settings) -> dict[str, Any]:
    """The DID-authentication request (VCALM "DID Authentication" query)."""
    return {
        "verifiablePresentationRequest": {
            "query": [
                {
                    "type": "DIDAuthentication",
                    "acceptedMethods": [{"method": "key"}],
                    "acceptedCryptosuites": [
                        {"cryptosuite": suite} for suite in ACCEPTED_CRYPTOSUITES
                    ],
                }
            ],
            "challenge": exchange.challenge,
            "domain": proof_domain(settings),
        }
    }


def _live_exchange(
    session: Session, public_id: str, *, protocol: str, now: datetime
) -> WalletExchange:
    exchange = repository.exchange_by_public_id(session, public_id)
    if exchange is None or exchange.protocol != protocol:
        raise ExchangeNotFound("No such exchange.")
    if exchange.state == "complete":
        raise ExchangeComplete("This exchange has already issued its credential.")
    if exchange.expires_at <= now:
        raise ExchangeExpired("This exchange has expired; open the claim link again.")
    return exchange


def _original(session: Session, exchange: WalletExchange, now: datetime) -> Award:
    """The credential being claimed, row-locked so a concurrent revocation waits or wins."""
    claim = session.get(ClaimLink, exchange.claim_link_id)
    award = session.get(Award, claim.award_id) if claim else None
    if claim is None or award is None:
        raise ExchangeNotFound("No such exchange.")
    # Row lock: a concurrent revocation of the original waits for this copy, or wins first.
    locked = session.get(Award, award.id, with_for_update=True, populate_existing=True)
    if locked is None:
        raise ExchangeNotFound("No such exchange.")
    if claim.expires_at <= now:
        raise ClaimLinkInvalid("The claim link has expired; ask for a new one.")
    claims.refuse_unclaimable(locked, now)
    return locked


def _issue(
    session: Session,
    exchange: WalletExchange,
    *,
    holder: str,
    settings: Settings,
    now: datetime,
) -> dict[str, Any]:
    original = _original(session, exchange, now)
    if not repository.complete_exchange(session, exchange.id, holder_did=holder, now=now):
        raise ExchangeComplete("This exchange has already issued its credential.")
    copy = issue_wallet_copy(
        session, original=original, holder_did=holder, settings=settings, now=now
    )
    exchange.issued_award_id = copy.id
    session.flush()
    credential: dict[str, Any] = json.loads(copy.document)
    return credential


def post_exchange(
    session: Session,
    *,
    public_id: str,
    body: Mapping[str, Any],
    settings: Settings,
    now: datetime,
) -> dict[str, Any]:
    """Answer one VCALM exchange message: the DID-auth request, or the credential."""
    exchange = _live_exchange(session, public_id, protocol=VCAPI, now=now)
    if "verifiablePresentation" not in body:
        # The wallet starts (or restarts) the exchange: hand out the request once more.
        repository.activate_exchange(session, exchange.id)
        return presentation_request(exchange, settings)
    if exchange.state != "active":
        raise ExchangeNotStarted("POST {} to the exchange first to get its challenge.")
    holder = didauth.authenticate_holder(
        session,
        body["verifiablePresentation"],
        challenge=exchange.challenge,
        domain=proof_domain(settings),
        settings=settings,
        now=now,
    )
    credential = _issue(session, exchange, holder=holder, settings=settings, now=now)
    return {
        "verifiablePresentation": {
            "@context": [VC_V2],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [credential],
        }
    }


def _lcw_domain(presentation: Any, settings: Settings) -> None:
    """LCW signs its request VP without a domain; any domain given must still be ours."""
    proofs = presentation.get("proof") if isinstance(presentation, Mapping) else None
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        domain = proof.get("domain", proof_domain(settings)) if isinstance(proof, Mapping) else None
        if domain is not None and domain != proof_domain(settings):
            raise PresentationRefused("The proof's domain is not this service.")


def post_lcw_request(
    session: Session,
    *,
    public_id: str,
    presentation: Any,
    settings: Settings,
    now: datetime,
) -> dict[str, Any]:
    """Answer LCW's request link: a bare DID-auth VP in, the credential out."""
    exchange = _live_exchange(session, public_id, protocol=LCW, now=now)
    _lcw_domain(presentation, settings)
    holder = didauth.authenticate_holder(
        session, presentation, challenge=exchange.challenge, domain=None, settings=settings, now=now
    )
    return _issue(session, exchange, holder=holder, settings=settings, now=now)
