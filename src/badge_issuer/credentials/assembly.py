"""Assemble the unsigned OpenBadgeCredential the service issues (../shared/CONTRACT.md section 3).

Pure: every input, ids and times included, is passed in; the result is the JSON-LD dict that
`proofs.data_integrity.sign_credential` signs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from badge_issuer.credentials.ob3 import (
    Achievement,
    AchievementSubject,
    BitstringStatusListEntry,
    Evidence,
    IdentityObject,
    OpenBadgeCredential,
    Profile,
    Result,
)

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3P0_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_CONTEXT = (VC_V2_CONTEXT, OB_V3P0_CONTEXT)
CREDENTIAL_TYPE = ("VerifiableCredential", "OpenBadgeCredential")
REVOCATION = "revocation"


class InvalidCredentialInput(ValueError):
    """The inputs cannot make a valid credential (e.g. it would expire before it starts)."""


def revocation_entry(status_list_credential: str, index: int) -> BitstringStatusListEntry:
    """Return the revocation entry for position `index` of a Bitstring Status List credential."""
    if index < 0:
        raise InvalidCredentialInput("a status list index is not negative")
    return BitstringStatusListEntry(
        id=f"{status_list_credential}#{index}",
        status_purpose=REVOCATION,
        status_list_index=str(index),
        status_list_credential=status_list_credential,
    )


def assemble_credential(
    *,
    credential_id: str,
    issuer: Profile,
    achievement: Achievement,
    recipient: IdentityObject,
    valid_from: datetime,
    credential_status: BitstringStatusListEntry,
    valid_until: datetime | None = None,
    evidence: Sequence[Evidence] = (),
    results: Sequence[Result] = (),
    name: str | None = None,
    description: str | None = None,
    subject_id: str | None = None,
) -> dict[str, Any]:
    """Return the unsigned OpenBadgeCredential as a JSON-LD dict.

    `@context` is VC v2 then OB 3.0.3, the subject is identified only by the hashed recipient
    identity (plus `subject_id`, a wallet's DID, for a copy picked up by a wallet), and
    `credentialStatus` is the one revocation entry. `name` defaults to the achievement's name.
    """
    _check_validity_and_status(valid_from, valid_until, credential_status)
    try:
        credential = OpenBadgeCredential(
            context=list(CREDENTIAL_CONTEXT),
            id=credential_id,
            type=list(CREDENTIAL_TYPE),
            issuer=issuer,
            name=name or achievement.name,
            description=description,
            valid_from=valid_from,
            valid_until=valid_until,
            credential_subject=AchievementSubject(
                id=subject_id, identifier=[recipient], achievement=achievement, result=list(results)
            ),
            evidence=list(evidence),
            credential_status=credential_status,
        )
    except ValidationError as error:
        raise InvalidCredentialInput(str(error)) from error
    return credential.to_jsonld()


def _check_validity_and_status(
    valid_from: datetime, valid_until: datetime | None, status: BitstringStatusListEntry
) -> None:
    """Refuse naive or inverted validity periods and non-revocation status entries."""
    if any(moment.tzinfo is None for moment in (valid_from, valid_until) if moment is not None):
        raise InvalidCredentialInput("validFrom and validUntil must be timezone-aware")
    if valid_until is not None and valid_until <= valid_from:
        raise InvalidCredentialInput("validUntil must be later than validFrom")
    if status.status_purpose != REVOCATION:
        raise InvalidCredentialInput("the credential status entry must have purpose revocation")
