"""Verify a credential (pure): the document, `now` and a Resolver in, a VerificationReport out.

Every check runs and is reported by name, in a fixed order; a check that cannot run because an
earlier one failed is a warning that says so. `verified` is true when no check failed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from badge_issuer.credentials.identity import EMAIL_IDENTITY_TYPE, credential_matches_email
from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer, default_canonicalizer
from badge_issuer.credentials.jsonld.strict import find_problems
from badge_issuer.verification.checks_document import (
    contexts_check,
    issuer_id,
    json_check,
    schema_check,
    summarise,
    types_check,
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


def verify_credential(
    document: Any,
    *,
    now: datetime,
    resolver: Resolver,
    email: str | None = None,
    duplicate_keys: Sequence[str] = (),
    canonicalizer: Canonicalizer | None = None,
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
    duplicate_keys: Sequence[str] = (),
    jws: CompactJws | None = None,
) -> VerificationReport:
    json = json_check(document, duplicate_keys=duplicate_keys)
    if json.status == "failed" or not isinstance(document, Mapping):
        later = [name for name in CheckName if name is not CheckName.JSON]
        skipped = [
            Check.skipped(name, "the credential is not a usable JSON object") for name in later
        ]
        return report_of([json, *skipped], format=format, credential=summarise(document))
    keys = KeyCache(resolver)
    issuer = issuer_id(document)
    contexts = contexts_check(document, known=canonicalizer.loader.urls)
    checks = [json, contexts, types_check(document), schema_check(document)]
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
    checks += [
        issuer_key_check(method_ids, issuer, keys),
        key_not_revoked_check(method_ids, keys),
        valid_from_check(document, now, not_before=jws.time_claim("nbf") if jws else None),
        valid_until_check(document, now, expires=jws.time_claim("exp") if jws else None),
        revocation_check(document, issuer=issuer, keys=keys, now=now),
    ]
    recipient = recipient_match(document, email) if email is not None else None
    return report_of(checks, format=format, credential=summarise(document), recipient=recipient)


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
