"""The unsigned OB 3.0 EndorsementCredential (pure: every id and time is passed in)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from badge_issuer.credentials.assembly import CREDENTIAL_CONTEXT
from badge_issuer.credentials.ob3 import format_datetime

ENDORSEMENT_TYPE = ("VerifiableCredential", "EndorsementCredential")
SUBJECT_TYPE = "EndorsementSubject"


def endorsement_credential(
    *,
    credential_id: str,
    endorser: dict[str, Any],
    subject_id: str,
    subject_name: str,
    comment: str,
    credential_status: dict[str, Any],
    valid_from: datetime,
) -> dict[str, Any]:
    """Return the unsigned EndorsementCredential of `endorser` (a Profile) about `subject_id`.

    `subject_id` is the endorsed achievement's URL or the endorsed issuer's DID.
    """
    return {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": credential_id,
        "type": list(ENDORSEMENT_TYPE),
        "name": f"{endorser['name']}による推薦: {subject_name}",
        "issuer": endorser,
        "validFrom": format_datetime(valid_from),
        "credentialSubject": {
            "id": subject_id,
            "type": [SUBJECT_TYPE],
            "endorsementComment": comment,
        },
        "credentialStatus": credential_status,
    }
