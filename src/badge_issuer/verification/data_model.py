"""Which VC Data Model a document follows, and the date form it requires (pure).

Shared by the verifier's rule sets and the VC API issuer's rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
DATA_INTEGRITY_V2_CONTEXT = "https://w3id.org/security/data-integrity/v2"

# XML Schema dateTime with a time zone (a dateTimeStamp), as VC 2.0 requires for its dates.
_DATE_TIME_STAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$"
)


class DataModel(StrEnum):
    """The VC Data Model version a credential declares by its first context."""

    V1_1 = "1.1"
    V2_0 = "2.0"


# The properties that open and close the validity period, per data model.
VALIDITY_PROPERTIES = {
    DataModel.V2_0: ("validFrom", "validUntil"),
    DataModel.V1_1: ("issuanceDate", "expirationDate"),
}


def as_list(value: Any) -> list[Any]:
    """Return a JSON-LD value as a list (a single value is a list of one)."""
    return value if isinstance(value, list) else [value]


def member_strings(document: Mapping[str, Any], key: str, member: str) -> tuple[str, ...]:
    """Return `member` of every object under `key` (one object or a list), where it is a string.

    E.g. the verificationMethod of each proof, or the statusListCredential of each status entry.
    """
    return tuple(
        node[member]
        for node in as_list(document.get(key))
        if isinstance(node, Mapping) and isinstance(node.get(member), str)
    )


def data_model_of(document: Mapping[str, Any]) -> DataModel | None:
    """Return the data model named by the first @context, or None."""
    contexts = as_list(document.get("@context"))
    first = contexts[0] if contexts and isinstance(contexts[0], str) else None
    if first == VC_V2_CONTEXT:
        return DataModel.V2_0
    return DataModel.V1_1 if first == VC_V1_CONTEXT else None


def parse_date_time_stamp(value: Any) -> datetime | None:
    """Return the moment of an XML Schema dateTimeStamp string, else None.

    Years outside 1..9999 (which Python cannot represent) are None too, never an error.
    """
    if not isinstance(value, str) or not _DATE_TIME_STAMP.match(value):
        return None
    try:
        return datetime.fromisoformat(value).astimezone(UTC)
    except (ValueError, OverflowError):
        return None
