"""The BitstringStatusListCredential of one list (pure): Bitstring Status List v1.0 section 2.2."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
CREDENTIAL_TYPE = ("VerifiableCredential", "BitstringStatusListCredential")
SUBJECT_TYPE = "BitstringStatusList"


def status_list_credential(
    *, url: str, issuer: str, purpose: str, encoded_list: str, valid_from: datetime
) -> dict[str, Any]:
    """Return the unsigned status list credential published at `url` by `issuer` (its DID)."""
    return {
        "@context": [VC_V2_CONTEXT],
        "id": url,
        "type": list(CREDENTIAL_TYPE),
        "issuer": issuer,
        "validFrom": valid_from.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": SUBJECT_TYPE,
            "statusPurpose": purpose,
            "encodedList": encoded_list,
        },
    }
