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

from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer, default_canonicalizer
from badge_issuer.vcapi.rules import (
    VALIDITY_PROPERTIES,
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
    DataModel,
    data_model_of,
    parse_date_time_stamp,
)
from badge_issuer.verification.checks_document import issuer_id, json_check, summarise
from badge_issuer.verification.checks_keys import (
    KeyCache,
    issuer_key_check,
    key_not_revoked_check,
)
from badge_issuer.verification.checks_proof import data_integrity_checks, proof_method_ids
from badge_issuer.verification.checks_status import revocation_check
from badge_issuer.verification.checks_validity import valid_from_check, valid_until_check
from badge_issuer.verification.ports import Resolver
from badge_issuer.verification.report import (
    Check,
    CheckName,
    Format,
    VerificationReport,
    report_of,
)

# The checks of `verify_credential` without the OB schema, in the same order.
GENERIC_CHECKS = (
    CheckName.JSON,
    CheckName.CONTEXTS,
    CheckName.TYPES,
    CheckName.UNDEFINED_TERMS,
    CheckName.PROOF,
    CheckName.ISSUER_KEY,
    CheckName.KEY_NOT_REVOKED,
    CheckName.VALID_FROM,
    CheckName.VALID_UNTIL,
    CheckName.REVOCATION,
)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def contexts_check(document: Mapping[str, Any], *, known: Collection[str]) -> Check:
    """Check that the first @context is VC 2.0 or VC 1.1 and every URL is a bundled context."""
    name = CheckName.CONTEXTS
    contexts = _as_list(document.get("@context"))
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
    if "VerifiableCredential" not in _as_list(document.get("type")):
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


def _skipped_after_json(document: Any, json: Check) -> VerificationReport:
    reason = "the credential is not a usable JSON object"
    later = [Check.skipped(name, reason) for name in GENERIC_CHECKS[1:]]
    return report_of([json, *later], format=Format.LDP_VC, credential=summarise(document))


def verify_generic_credential(
    document: Any,
    *,
    now: datetime,
    resolver: Resolver,
    canonicalizer: Canonicalizer | None = None,
) -> VerificationReport:
    """Verify a VC 2.0 or VC 1.1 credential secured with Data Integrity proofs."""
    canonicalizer = canonicalizer or default_canonicalizer()
    json = json_check(document)
    if json.status == "failed" or not isinstance(document, Mapping):
        return _skipped_after_json(document, json)
    keys = KeyCache(resolver)
    issuer = issuer_id(document)
    contexts = contexts_check(document, known=canonicalizer.loader.urls)
    checks = [json, contexts, types_check(document)]
    if contexts.status == "failed":
        reason = "the contexts are not all known, so the JSON-LD is not processed"
        checks += [Check.skipped(CheckName.UNDEFINED_TERMS, reason)]
        checks += [Check.skipped(CheckName.PROOF, reason)]
        method_ids = proof_method_ids(document)
    else:
        outcome = data_integrity_checks(document, keys, canonicalizer)
        checks += [outcome.undefined_terms, outcome.proof]
        method_ids = outcome.method_ids
    checks += [
        issuer_key_check(method_ids, issuer, keys),
        key_not_revoked_check(method_ids, keys),
        *validity_checks(document, now),
        revocation_check(document, issuer=issuer, keys=keys, now=now),
    ]
    return report_of(checks, format=Format.LDP_VC, credential=summarise(document))


def validity_property(document: Mapping[str, Any], check: str) -> str | None:
    """Return the property a validity check read, for the credential's data model."""
    start, end = VALIDITY_PROPERTIES[data_model_of(document) or DataModel.V2_0]
    return {str(CheckName.VALID_FROM): start, str(CheckName.VALID_UNTIL): end}.get(check)
