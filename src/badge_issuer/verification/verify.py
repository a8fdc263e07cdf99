"""Verify a credential (pure): the document, `now` and a Resolver in, a VerificationReport out.

Every check runs and is reported by name, in a fixed order; a check that cannot run because an
earlier one failed is a warning that says so. `verified` is true when no check failed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from badge_issuer.credentials.identity import EMAIL_IDENTITY_TYPE, credential_matches_email
from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer, default_canonicalizer
from badge_issuer.credentials.jsonld.strict import find_problems
from badge_issuer.verification.checks_data_model import data_model_check
from badge_issuer.verification.checks_document import (
    contexts_check,
    issuer_id,
    json_check,
    schema_check,
    summarise,
    types_check,
)
from badge_issuer.verification.checks_issuer import (
    claimed_issuer_name,
    issuer_recognized_check,
    recipient_check,
)
from badge_issuer.verification.checks_keys import KeyCache, issuer_key_check, key_not_revoked_check
from badge_issuer.verification.checks_proof import (
    ProofOutcome,
    data_integrity_checks,
    proof_method_ids,
    undefined_terms_check,
)
from badge_issuer.verification.checks_status import revocation_check
from badge_issuer.verification.checks_validity import valid_from_check, valid_until_check
from badge_issuer.verification.jwt import CompactJws, jws_proof_check, parse_compact_jws
from badge_issuer.verification.ports import Resolver
from badge_issuer.verification.report import (
    Check,
    CheckName,
    Format,
    RecipientMatch,
    VerificationReport,
    report_of,
)

# Runs the proof and strictness checks of one presentation format.
ProofStrategy = Callable[[Mapping[str, Any], KeyCache, str | None], ProofOutcome]


@dataclass(frozen=True)
class DataModelRules:
    """The checks that depend on which credentials are accepted; every other check is shared.

    `document_checks` returns the contexts check first, then type/schema checks; `validity`
    returns the valid-from and valid-until checks. Open Badges 3.0 is the default; the VC API
    passes rules for plain VC 2.0 / VC 1.1 credentials.
    """

    document_checks: Callable[[Mapping[str, Any], Collection[str]], list[Check]]
    validity: Callable[[Mapping[str, Any], datetime, CompactJws | None], list[Check]]
    check_names: tuple[CheckName, ...]


DocumentCheck = Callable[[Mapping[str, Any]], Check]


def ob3_document_checks(
    types: DocumentCheck, schema: DocumentCheck
) -> Callable[[Mapping[str, Any], Collection[str]], list[Check]]:
    """Return the document checks of one kind of OB 3.0 credential, given its types and schema.

    Every kind shares the contexts and data-model checks, in this order.
    """

    def document_checks(document: Mapping[str, Any], known: Collection[str]) -> list[Check]:
        return [
            contexts_check(document, known=known),
            types(document),
            data_model_check(document),
            schema(document),
        ]

    return document_checks


def _ob3_validity(
    document: Mapping[str, Any], now: datetime, jws: CompactJws | None
) -> list[Check]:
    return [
        valid_from_check(document, now, not_before=jws.time_claim("nbf") if jws else None),
        valid_until_check(document, now, expires=jws.time_claim("exp") if jws else None),
    ]


OPEN_BADGES = DataModelRules(
    document_checks=ob3_document_checks(types_check, schema_check),
    validity=_ob3_validity,
    check_names=(
        CheckName.JSON,
        CheckName.CONTEXTS,
        CheckName.TYPES,
        CheckName.DATA_MODEL,
        CheckName.SCHEMA,
        CheckName.UNDEFINED_TERMS,
        CheckName.PROOF,
        CheckName.ISSUER_KEY,
        CheckName.KEY_NOT_REVOKED,
        CheckName.VALID_FROM,
        CheckName.VALID_UNTIL,
        CheckName.REVOCATION,
        CheckName.ISSUER_RECOGNIZED,
    ),
)


def verify_credential(
    document: Any,
    *,
    now: datetime,
    resolver: Resolver,
    email: str | None = None,
    duplicate_keys: Sequence[str] = (),
    canonicalizer: Canonicalizer | None = None,
    rules: DataModelRules = OPEN_BADGES,
) -> VerificationReport:
    """Verify a credential secured with Data Integrity proofs (`ldp_vc`)."""
    canonicalizer = canonicalizer or default_canonicalizer()

    def strategy(doc: Mapping[str, Any], keys: KeyCache, _issuer: str | None) -> ProofOutcome:
        return data_integrity_checks(doc, keys, canonicalizer)

    return _verify(
        document,
        Format.LDP_VC,
        strategy,
        now=now,
        resolver=resolver,
        email=email,
        duplicate_keys=duplicate_keys,
        canonicalizer=canonicalizer,
        rules=rules,
    )


def verify_jwt(
    token: str,
    *,
    now: datetime,
    resolver: Resolver,
    email: str | None = None,
    canonicalizer: Canonicalizer | None = None,
) -> VerificationReport:
    """Verify a credential presented as a VC-JWT; raise MalformedJwt if it is not a JWS."""
    jws = parse_compact_jws(token)
    canonicalizer = canonicalizer or default_canonicalizer()

    def strategy(doc: Mapping[str, Any], keys: KeyCache, issuer: str | None) -> ProofOutcome:
        proof, method_ids = jws_proof_check(jws, issuer, keys)
        unsecured = {key: value for key, value in doc.items() if key != "proof"}
        terms = undefined_terms_check(find_problems(unsecured, canonicalizer.loader))
        return ProofOutcome(terms, proof, method_ids)

    return _verify(
        jws.credential,
        Format.VC_JWT,
        strategy,
        now=now,
        resolver=resolver,
        email=email,
        canonicalizer=canonicalizer,
        jws=jws,
        rules=OPEN_BADGES,
    )


def _verify(
    document: Any,
    format: Format,
    strategy: ProofStrategy,
    *,
    now: datetime,
    resolver: Resolver,
    email: str | None,
    canonicalizer: Canonicalizer,
    rules: DataModelRules,
    duplicate_keys: Sequence[str] = (),
    jws: CompactJws | None = None,
) -> VerificationReport:
    json = json_check(document, duplicate_keys=duplicate_keys)
    if json.status == "failed" or not isinstance(document, Mapping):
        later = [name for name in rules.check_names if name is not CheckName.JSON]
        skipped = [
            Check.skipped(name, "the credential is not a usable JSON object") for name in later
        ]
        return report_of([json, *skipped], format=format, credential=summarise(document))
    keys = KeyCache(resolver)
    issuer = issuer_id(document)
    document_checks = rules.document_checks(document, canonicalizer.loader.urls)
    contexts = document_checks[0]
    checks = [json, *document_checks]
    if contexts.status == "failed":
        reason = "the contexts are not all known, so the JSON-LD is not processed"
        checks += [Check.skipped(CheckName.UNDEFINED_TERMS, reason)]
        checks += [Check.skipped(CheckName.PROOF, reason)]
        # Keys resolve without JSON-LD processing, so the key checks still run.
        method_ids = proof_method_ids(document)
    else:
        outcome = strategy(document, keys, issuer)
        checks += [outcome.undefined_terms, outcome.proof]
        method_ids = outcome.method_ids
    issuer_key = issuer_key_check(method_ids, issuer, keys)
    checks += [
        issuer_key,
        key_not_revoked_check(method_ids, keys),
        *rules.validity(document, now, jws),
        revocation_check(document, issuer=issuer, keys=keys, now=now),
    ]
    known = resolver.recognize_issuer(issuer) if issuer is not None else None
    signed = issuer_key.status == "passed" and _passed(checks, CheckName.PROOF)
    claimed = claimed_issuer_name(document)
    checks.append(issuer_recognized_check(issuer, known, claimed, signed_by_issuer=signed))
    recipient = recipient_match(document, email) if email is not None else None
    if recipient is not None:
        checks.append(recipient_check(recipient))
    summary = replace(
        summarise(document), issuer_name=known.name if known is not None and signed else None
    )
    return report_of(checks, format=format, credential=summary, recipient=recipient)


def _passed(checks: Sequence[Check], name: CheckName) -> bool:
    return any(check.check == name and check.status == "passed" for check in checks)


def over_budget_report(document: Any, format: Format, seconds: float) -> VerificationReport:
    """The report of a document whose verification needed more CPU than one request may use."""
    detail = (
        f"verifying this document needs more than {seconds:g} s of CPU, the limit per request; "
        "it is refused (documents built to exhaust verifiers look like this)"
    )
    return report_of(
        [Check.failed(CheckName.WORK_LIMIT, detail)],
        format=format,
        credential=summarise(document),
    )


def recipient_match(document: Mapping[str, Any], email: str) -> RecipientMatch:
    """Say whether the credential's recipient identity is this email (the email is not echoed)."""
    if credential_matches_email(email, document):
        return RecipientMatch(True, "the credential was issued to this email address")
    if not _has_email_identity(document):
        return RecipientMatch(False, "the credential does not identify its recipient by email")
    return RecipientMatch(False, "the credential was not issued to this email address")


def _has_email_identity(document: Mapping[str, Any]) -> bool:
    """Return whether any subject carries an emailAddress IdentityObject."""
    subjects = document.get("credentialSubject")
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        identifiers = subject.get("identifier") if isinstance(subject, Mapping) else None
        for identity in identifiers if isinstance(identifiers, list) else [identifiers]:
            if (
                isinstance(identity, Mapping)
                and identity.get("identityType") == EMAIL_IDENTITY_TYPE
            ):
                return True
    return False
