"""The unsigned OB 3.0 OpenBadgeCredential of an award (pure: ids and time are passed in)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3P0_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


@dataclass(frozen=True, slots=True)
class CredentialParts:
    """Everything a credential states, gathered by the awarding flow."""

    credential_url: str
    issuer_profile: dict[str, Any]
    achievement: dict[str, Any]
    recipient_identity: dict[str, Any]
    evidence: list[dict[str, Any]]
    results: list[dict[str, Any]]
    status_entry: dict[str, Any]
    valid_from: datetime
    valid_for_days: int | None


def _utc(moment: datetime) -> str:
    """UTC, second precision, `Z`: the form every verifier parses alike."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("datetimes in credentials must be timezone-aware")
    return (moment.replace(tzinfo=None) - offset).strftime("%Y-%m-%dT%H:%M:%SZ")


def valid_until(valid_from: datetime, valid_for_days: int | None) -> datetime | None:
    return None if valid_for_days is None else valid_from + timedelta(days=valid_for_days)


def build_credential(parts: CredentialParts) -> dict[str, Any]:
    """Assemble the credential as CONTRACT.md section 3 fixes it; proof is added by signing."""
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [parts.recipient_identity],
        "achievement": parts.achievement,
    }
    if parts.results:
        subject["result"] = parts.results
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT, OB_V3P0_CONTEXT],
        "id": parts.credential_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": parts.achievement["name"],
        "issuer": parts.issuer_profile,
        "validFrom": _utc(parts.valid_from),
        "credentialSubject": subject,
        "credentialStatus": parts.status_entry,
    }
    expires = valid_until(parts.valid_from, parts.valid_for_days)
    if expires is not None:
        credential["validUntil"] = _utc(expires)
    if parts.evidence:
        credential["evidence"] = parts.evidence
    return credential
