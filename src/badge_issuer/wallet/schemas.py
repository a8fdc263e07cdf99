"""API shapes of claim links (the wallet protocols' bodies are their specifications' JSON)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ClaimLinksCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tx_code: bool = Field(
        default=False,
        description="Also require an OpenID4VCI transaction code (6 digits, returned once here; "
        "send it to the learner by another channel than the offer).",
    )


class ClaimLinksRead(BaseModel):
    claim_url: str = Field(description="The claim page: the badge, downloads, add to wallet.")
    interaction_url: str = Field(
        description="W3C VCALM interaction URL (`…?iuv=1`) for wallets such as the DCC LCW."
    )
    credential_offer_uri: str = Field(
        description="OpenID4VCI 1.0 credential offer by reference (`openid-credential-offer://`)."
    )
    expires_at: datetime
    tx_code: str | None = Field(
        default=None, description="The transaction code, when one was requested."
    )
