"""Assemble the unsigned OpenBadgeCredential the service issues (../shared/CONTRACT.md section 3).

Pure: every input, ids and times included, is passed in; the result is the JSON-LD dict that
`proofs.data_integrity.sign_credential` signs. It is the dict `ob3.OpenBadgeCredential`'s
`to_jsonld()` gives for the same inputs (same keys, same order: tests compare them), built
from the parts' own dumps, so that an `Assembler` can dump the issuer profile and achievement
that many credentials share once (the achievement, with its alignments and endorsements, is
most of a credential: dumping it was most of the assembly's time).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from badge_issuer.credentials.ob3 import (
    Achievement,
    BitstringStatusListEntry,
    Evidence,
    IdentityObject,
    Iri,
    OB3Model,
    Profile,
    Result,
    format_datetime,
)

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3P0_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_CONTEXT = (VC_V2_CONTEXT, OB_V3P0_CONTEXT)
CREDENTIAL_TYPE = ("VerifiableCredential", "OpenBadgeCredential")
SUBJECT_TYPE = ("AchievementSubject",)
REVOCATION = "revocation"
_IRI: TypeAdapter[str] = TypeAdapter(Iri)


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


class Assembler:
    """A memo of the issuer profiles' and achievements' dumps, for many `assemble_credential`
    calls: the credentials assembled with it share those parts' dicts (a bulk import's signing
    worker uses one per chunk of credentials of the same achievement). It keeps the models it
    dumped, so an id is never reused while it lives; they must not be changed meanwhile."""

    def __init__(self) -> None:
        self._dumps: dict[int, tuple[OB3Model, dict[str, Any]]] = {}

    def dump(self, model: OB3Model) -> dict[str, Any]:
        """The model's JSON-LD dict, dumped the first time it is asked for."""
        found = self._dumps.get(id(model))
        if found is None:
            found = self._dumps[id(model)] = (model, model.to_jsonld())
        return found[1]


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
    assembler: Assembler | None = None,
) -> dict[str, Any]:
    """Return the unsigned OpenBadgeCredential as a JSON-LD dict.

    `@context` is VC v2 then OB 3.0.3, the subject is identified only by the hashed recipient
    identity (plus `subject_id`, a wallet's DID, for a copy picked up by a wallet), and
    `credentialStatus` is the one revocation entry. `name` defaults to the achievement's name.
    The keys are in `OpenBadgeCredential`'s order and, as its serialisation does, None values
    and empty lists are left out.
    """
    _check_validity_and_status(valid_from, valid_until, credential_status)
    try:
        _IRI.validate_python(credential_id)
        if subject_id is not None:
            _IRI.validate_python(subject_id)
    except ValidationError as error:
        raise InvalidCredentialInput(str(error)) from error
    dump = (assembler or Assembler()).dump
    subject: dict[str, Any] = {} if subject_id is None else {"id": subject_id}
    subject["type"] = list(SUBJECT_TYPE)
    subject["identifier"] = [recipient.to_jsonld()]
    subject["achievement"] = dump(achievement)
    if results:
        subject["result"] = [result.to_jsonld() for result in results]
    document: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": credential_id,
        "type": list(CREDENTIAL_TYPE),
        "issuer": dump(issuer),
        "name": name or achievement.name,
    }
    if description is not None:
        document["description"] = description
    document["validFrom"] = format_datetime(valid_from)
    if valid_until is not None:
        document["validUntil"] = format_datetime(valid_until)
    document["credentialSubject"] = subject
    if evidence:
        document["evidence"] = [item.to_jsonld() for item in evidence]
    document["credentialStatus"] = credential_status.to_jsonld()
    return document


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
