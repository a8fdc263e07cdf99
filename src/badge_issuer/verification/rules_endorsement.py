"""The rule set of OB 3.0 EndorsementCredentials (pure), next to `OPEN_BADGES`.

An endorsement is verified like an achievement credential (same contexts rule, proof, keys,
validity, status and issuer checks) except for what it is: its types are VerifiableCredential
and EndorsementCredential, and its structure is the EndorsementCredential schema's
(`endorsement_schema.py`), with the same split as the OB schema check: differences the VC Data
Model allows are a warning, anything else fails.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from badge_issuer.verification.checks_data_model import data_model_check
from badge_issuer.verification.checks_document import contexts_check
from badge_issuer.verification.data_model import as_list
from badge_issuer.verification.endorsement_schema import ENDORSEMENT_TYPE, endorsement_problems
from badge_issuer.verification.ob3_schema import SchemaOnly
from badge_issuer.verification.report import Check, CheckName
from badge_issuer.verification.verify import OPEN_BADGES, DataModelRules

_MAX_LISTED = 5


def types_check(document: Mapping[str, Any]) -> Check:
    """Check that the credential is a VerifiableCredential and an EndorsementCredential."""
    types = [item for item in as_list(document.get("type")) if isinstance(item, str)]
    if "VerifiableCredential" not in types:
        return Check.failed(CheckName.TYPES, "type does not include VerifiableCredential")
    if ENDORSEMENT_TYPE not in types:
        return Check.failed(CheckName.TYPES, f"type does not include {ENDORSEMENT_TYPE}")
    return Check.passed(CheckName.TYPES, f"VerifiableCredential, {ENDORSEMENT_TYPE}")


def _listed(problems: Sequence[str]) -> str:
    more = f" (and {len(problems) - _MAX_LISTED} more)" if len(problems) > _MAX_LISTED else ""
    return "; ".join(problems[:_MAX_LISTED]) + more


def schema_check(document: Mapping[str, Any]) -> Check:
    """Check the OB 3.0 EndorsementCredential structure (required properties and shapes)."""
    problems = endorsement_problems(document)
    lenient = [problem for problem in problems if isinstance(problem, SchemaOnly)]
    strict = [problem for problem in problems if not isinstance(problem, SchemaOnly)]
    if strict:
        return Check.failed(CheckName.SCHEMA, _listed([*strict, *lenient]))
    if lenient:
        return Check.warning(CheckName.SCHEMA, "1EdTech schema only: " + _listed(lenient))
    return Check.passed(CheckName.SCHEMA, "matches the OB 3.0 EndorsementCredential structure")


def _document_checks(document: Mapping[str, Any], known: Collection[str]) -> list[Check]:
    return [
        contexts_check(document, known=known),
        types_check(document),
        data_model_check(document),
        schema_check(document),
    ]


# The same checks, in the same order, as an achievement credential's.
ENDORSEMENTS = DataModelRules(
    document_checks=_document_checks,
    validity=OPEN_BADGES.validity,
    check_names=OPEN_BADGES.check_names,
)
