"""Verify a credential that is not an Open Badge (pure): the verifier's checks, VC 1.1 included.

`verification.verify.verify_credential` checks Open Badges 3.0 credentials: VC 2.0 contexts
only, OB types and the OB schema. The VC API also carries plain VC 2.0 and VC 1.1 credentials
(the W3C test suites send them), so this runs the same checks, reusing the verifier's check
functions, with three swapped for data-model-level ones: `contexts` (VC 2.0 or VC 1.1 first,
bundled URLs or inline objects), `types` (VerifiableCredential) and, for VC 1.1, the validity
checks on `issuanceDate`/`expirationDate`. There is no OB schema check.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer
from badge_issuer.verification.checks_data_model import data_model_check
from badge_issuer.verification.checks_validity import valid_from_check, valid_until_check
from badge_issuer.verification.data_model import (
    VALIDITY_PROPERTIES,
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
    DataModel,
    as_list,
    data_model_of,
    parse_date_time_stamp,
)
from badge_issuer.verification.ports import Resolver
from badge_issuer.verification.report import Check, CheckName, VerificationReport
from badge_issuer.verification.verify import OPEN_BADGES, DataModelRules, verify_credential

# The checks of `verify_credential` without the OB schema, in the same order.
GENERIC_CHECKS = tuple(name for name in OPEN_BADGES.check_names if name is not CheckName.SCHEMA)


def contexts_check(document: Mapping[str, Any], *, known: Collection[str]) -> Check:
    """Check that the first @context is VC 2.0 or VC 1.1 and every URL is a bundled context."""
    name = CheckName.CONTEXTS
    contexts = as_list(document.get("@context"))
    model = data_model_of(document)
    if model is None:
        return Check.failed(name, f"the first @context must be {VC_V2_CONTEXT} or {VC_V1_CONTEXT}")
    malformed = [c for c in contexts if not isinstance(c, str | Mapping)]
    if malformed:
        return Check.failed(name, f"a context is a URL or an object, not {malformed[0]!r}")
    unknown = [c for c in contexts if isinstance(c, str) and c not in known]
    if unknown:
        return Check.failed(name, f"unknown context (never fetched): {unknown[0]}")
    inline = sum(isinstance(context, Mapping) for context in contexts)
    extra = f", {inline} inline" if inline else ""
    return Check.passed(name, f"VC {model} credential, {len(contexts)} known contexts{extra}")


def types_check(document: Mapping[str, Any]) -> Check:
    """Check that the credential's type includes VerifiableCredential."""
    if "VerifiableCredential" not in as_list(document.get("type")):
        return Check.failed(CheckName.TYPES, "type does not include VerifiableCredential")
    return Check.passed(CheckName.TYPES, "VerifiableCredential")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _v1_issuance_check(document: Mapping[str, Any], now: datetime) -> Check:
    """Check VC 1.1 issuanceDate: present, a dateTime with a time zone, not in the future."""
    name, raw = CheckName.VALID_FROM, document.get("issuanceDate")
    start = parse_date_time_stamp(raw)
    if start is None:
        return Check.failed(name, f"issuanceDate {raw!r} is not a dateTime with a time zone")
    if start > now:
        return Check.failed(name, f"not valid before {_stamp(start)} (issuanceDate)")
    return Check.passed(name, f"issued {_stamp(start)}")


def _v1_expiration_check(document: Mapping[str, Any], now: datetime) -> Check:
    """Check VC 1.1 expirationDate, when present: a dateTime with a time zone, not passed."""
    name, raw = CheckName.VALID_UNTIL, document.get("expirationDate")
    if raw is None:
        return Check.passed(name, "the credential does not expire")
    end = parse_date_time_stamp(raw)
    if end is None:
        return Check.failed(name, f"expirationDate {raw!r} is not a dateTime with a time zone")
    if end <= now:
        return Check.failed(name, f"expired at {_stamp(end)} (expirationDate)")
    return Check.passed(name, f"valid until {_stamp(end)}")


def validity_checks(document: Mapping[str, Any], now: datetime) -> list[Check]:
    """Return the valid-from and valid-until checks for the credential's data model."""
    if data_model_of(document) is DataModel.V1_1:
        return [_v1_issuance_check(document, now), _v1_expiration_check(document, now)]
    return [valid_from_check(document, now), valid_until_check(document, now)]


def _document_checks(document: Mapping[str, Any], known: Collection[str]) -> list[Check]:
    return [
        contexts_check(document, known=known),
        types_check(document),
        data_model_check(document),
    ]


def _validity(document: Mapping[str, Any], now: datetime, _jws: object) -> list[Check]:
    return validity_checks(document, now)


GENERIC_VC = DataModelRules(
    document_checks=_document_checks, validity=_validity, check_names=GENERIC_CHECKS
)


def verify_generic_credential(
    document: Any,
    *,
    now: datetime,
    resolver: Resolver,
    canonicalizer: Canonicalizer | None = None,
) -> VerificationReport:
    """Verify a VC 2.0 or VC 1.1 credential secured with Data Integrity proofs."""
    return verify_credential(
        document, now=now, resolver=resolver, canonicalizer=canonicalizer, rules=GENERIC_VC
    )


def validity_property(document: Mapping[str, Any], check: str) -> str | None:
    """Return the property a validity check read, for the credential's data model."""
    start, end = VALIDITY_PROPERTIES[data_model_of(document) or DataModel.V2_0]
    return {str(CheckName.VALID_FROM): start, str(CheckName.VALID_UNTIL): end}.get(check)
