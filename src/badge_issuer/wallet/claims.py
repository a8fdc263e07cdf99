"""Claim links: mint the links a learner gets for one credential, and open them again.

`mint_claim_links` is what the award mail (helper `outbox`) and the admin endpoint call; it
stores one claim row in the caller's transaction and returns the three links and their expiry.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy.orm import Session

from badge_issuer.awards import repository as award_repository
from badge_issuer.awards.errors import CredentialNotFound
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.wallet import repository, tokens
from badge_issuer.wallet.errors import ClaimLinkInvalid, CredentialNotClaimable
from badge_issuer.wallet.models import ClaimLink
from badge_issuer.wallet.schemas import ClaimLinksRead

OFFER_SCHEME = "openid-credential-offer://"
TX_CODE_LENGTH = 6


# The links a learner gets (CONTRACT section 10) and the transaction code if one was set: the
# admin API answers exactly this, so the mail and the API share the one schema.
ClaimLinks = ClaimLinksRead


@dataclass(frozen=True, slots=True)
class OpenClaim:
    """A claim token that checked out: its row and the credential it is for."""

    claim: ClaimLink
    award: Award


def claim_key(settings: Settings) -> bytes:
    """Return the MAC key of claim tokens."""
    secret = settings.claim_link_secret or settings.learner_hash_secret
    return tokens.derive_key(secret.get_secret_value().encode("utf-8"))


def _claim_mac(settings: Settings, claim: ClaimLink, award: Award) -> str:
    return tokens.claim_mac(
        claim_key(settings),
        public_id=claim.public_id,
        credential_uuid=award.uuid,
        learner_id=claim.learner_id,
        expires_at=claim.expires_at,
    )


def claim_url(settings: Settings, token: str) -> str:
    return f"{settings.public_origin}/claim/{token}"


def interaction_url(settings: Settings, token: str) -> str:
    return f"{settings.public_origin}/interactions/{token}?iuv=1"


def offer_url(settings: Settings, token: str) -> str:
    return f"{settings.public_origin}/oid4vci/offers/{token}"


def credential_offer_uri(settings: Settings, token: str) -> str:
    """The offer by reference (OpenID4VCI 1.0 section 4.1.3)."""
    return f"{OFFER_SCHEME}?credential_offer_uri={quote(offer_url(settings, token), safe='')}"


def refuse_unclaimable(award: Award, now: datetime) -> None:
    """Raise CredentialNotClaimable for revoked, expired or wallet-copy credentials."""
    if award.revoked_at is not None:
        raise CredentialNotClaimable("The credential is revoked.")
    if award.valid_until is not None and award.valid_until <= now:
        raise CredentialNotClaimable("The credential has expired.")
    if award.derived_from_id is not None:
        raise CredentialNotClaimable("This is a wallet's copy; claim the original credential.")


def mint_claim_links(
    session: Session,
    *,
    award: Award,
    settings: Settings,
    now: datetime,
    created_by: str = "award",
    valid_for: timedelta | None = None,
    with_tx_code: bool = False,
) -> ClaimLinks:
    """Store a claim for `award` and return its claim, interaction and offer links."""
    refuse_unclaimable(award, now)
    expires_at = (now + (valid_for or timedelta(days=settings.claim_link_days))).replace(
        microsecond=0
    )
    tx_code = (
        "".join(secrets.choice("0123456789") for _ in range(TX_CODE_LENGTH))
        if with_tx_code
        else None
    )
    claim = ClaimLink(
        public_id=tokens.new_public_id(),
        award_id=award.id,
        learner_id=award.learner_id,
        created_at=now,
        expires_at=expires_at,
        created_by=created_by,
        tx_code_hash=tokens.secret_hash(tx_code) if tx_code else None,
    )
    repository.add(session, claim)
    token = tokens.join_claim(claim.public_id, _claim_mac(settings, claim, award))
    return ClaimLinks(
        claim_url=claim_url(settings, token),
        interaction_url=interaction_url(settings, token),
        credential_offer_uri=credential_offer_uri(settings, token),
        expires_at=expires_at,
        tx_code=tx_code,
    )


def mint_for_credential(
    session: Session,
    *,
    credential_uuid: str,
    settings: Settings,
    now: datetime,
    created_by: str,
    with_tx_code: bool = False,
) -> ClaimLinks:
    """Mint claim links for the credential `credential_uuid` (404 when unknown)."""
    award = award_repository.get_by_uuid(session, credential_uuid)
    if award is None:
        raise CredentialNotFound(f"No credential {credential_uuid!r}.")
    return mint_claim_links(
        session,
        award=award,
        settings=settings,
        now=now,
        created_by=created_by,
        with_tx_code=with_tx_code,
    )


def open_claim(session: Session, *, token: str, settings: Settings, now: datetime) -> OpenClaim:
    """Check a claim token (signature, binding, expiry) and the credential it names."""
    parts = tokens.split_claim(token)
    claim = repository.claim_by_public_id(session, parts[0]) if parts else None
    award = session.get(Award, claim.award_id) if claim else None
    if parts is None or claim is None or award is None:
        raise ClaimLinkInvalid("This claim link is not known.")
    # Constant time: the comparison must not tell how much of a forged MAC was right.
    expected = _claim_mac(settings, claim, award)
    if not hmac.compare_digest(expected, parts[1]) or claim.learner_id != award.learner_id:
        raise ClaimLinkInvalid("This claim link is not known.")
    if claim.expires_at <= now:
        raise ClaimLinkInvalid("This claim link has expired; ask for a new one.")
    refuse_unclaimable(award, now)
    return OpenClaim(claim=claim, award=award)
