"""The rule set of OB 3.0 EndorsementCredentials (pure), next to `OPEN_BADGES`.

An endorsement is verified like an achievement credential (same contexts rule, proof, keys,
validity, status and issuer checks) except for what it is: its types are VerifiableCredential
and EndorsementCredential, and its structure is the EndorsementCredential schema's
(`endorsement_schema.py`), with the same split as the OB schema check: differences the VC Data
Model allows are a warning, anything else fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from badge_issuer.verification.checks_document import schema_verdict
from badge_issuer.verification.data_model import as_list
from badge_issuer.verification.endorsement_schema import ENDORSEMENT_TYPE, endorsement_problems
from badge_issuer.verification.report import Check, CheckName
from badge_issuer.verification.verify import OPEN_BADGES, DataModelRules, ob3_document_checks


def types_check(document: Mapping[str, Any]) -> Check:
    """Check that the credential is a VerifiableCredential and an EndorsementCredential."""
    types = [item for item in as_list(document.get("type")) if isinstance(item, str)]
    if "VerifiableCredential" not in types:
        return Check.failed(CheckName.TYPES, "type does not include VerifiableCredential")
    if ENDORSEMENT_TYPE not in types:
        return Check.failed(CheckName.TYPES, f"type does not include {ENDORSEMENT_TYPE}")
    return Check.passed(CheckName.TYPES, f"VerifiableCredential, {ENDORSEMENT_TYPE}")


def schema_check(document: Mapping[str, Any]) -> Check:
    """Check the OB 3.0 EndorsementCredential structure (required properties and shapes)."""
    return schema_verdict(endorsement_problems(document), ENDORSEMENT_TYPE)


# The same checks, in the same order, as an achievement credential's.
ENDORSEMENTS = DataModelRules(
    document_checks=ob3_document_checks(types_check, schema_check),
    validity=OPEN_BADGES.validity,
    check_names=OPEN_BADGES.check_names,
)
