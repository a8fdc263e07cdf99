"""The structural rules of the OB 3.0 EndorsementCredential JSON Schema, as plain functions.

Restates `endorsementcredential.json` (draft 2019-09) where an endorsement's meaning rests on
it: the required properties, both required types, the EndorsementSubject (an `id` and the
`EndorsementSubject` type, an optional string comment), the issuer Profile, dates, proofs and
status. Tests check these rules against the real schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from badge_issuer.verification import ob3_schema as ob3
from badge_issuer.verification.data_model import as_list

ENDORSEMENT_TYPE = "EndorsementCredential"


def is_endorsement(document: Mapping[str, Any]) -> bool:
    """Return whether the credential says it is an OB 3.0 EndorsementCredential."""
    return ENDORSEMENT_TYPE in as_list(document.get("type"))


def endorsement_problems(credential: Mapping[str, Any]) -> list[str]:
    """Return every way the credential departs from the OB 3.0 EndorsementCredential schema."""
    return list(_credential(credential))


def _credential(node: Any) -> ob3.Problems:
    yield from ob3._object("$", node)
    if not isinstance(node, Mapping):
        return
    required = ("@context", "type", "id", "name", "credentialSubject", "issuer", "validFrom")
    yield from ob3._required(node, "", required)
    yield from ob3._optional(node, "", "@context", ob3._context)
    yield from ob3._optional(node, "", "type", ob3._type_array("VerifiableCredential"))
    yield from ob3._optional(node, "", "type", ob3._type_array(ENDORSEMENT_TYPE))
    for key in ("id", "name", "description"):
        yield from ob3._optional(node, "", key, ob3._string)
    for key in ("validFrom", "validUntil", "awardedDate"):
        yield from ob3._optional(node, "", key, ob3._date_time)
    yield from ob3._optional(node, "", "credentialSubject", _subject)
    yield from ob3._optional(node, "", "issuer", ob3._profile_ref)
    yield from ob3._optional(node, "", "proof", ob3._array_of(ob3._proof))
    yield from ob3._optional(node, "", "credentialStatus", ob3._credential_status)


@ob3._object_with("id", "type")
def _subject(node: Mapping[str, Any], path: str) -> ob3.Problems:
    yield from ob3._optional(node, path, "id", ob3._string)
    yield from ob3._optional(node, path, "type", ob3._type_array("EndorsementSubject"))
    yield from ob3._optional(node, path, "endorsementComment", ob3._string)
