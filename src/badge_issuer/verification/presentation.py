"""Verify a verifiable presentation (pure): the presentation rule set of the one engine.

A presentation is verified as VC Data Model 2.0 (and 1.1) and VC Data Integrity describe it:
- `@context` (VC 2.0 or 1.1 first, bundled contexts only), `type` including
  `VerifiablePresentation`, an optional `id` that is a URL, an optional `holder` that is a URL
  or an object whose `id` is a URL, `verifiableCredential` objects (never strings; enveloped
  credentials are objects too);
- a proof is required (unsigned presentations are refused): Data Integrity `eddsa-rdfc-2022`
  or `Ed25519Signature2020`, for `authentication`, with the verifier's `challenge` and `domain`
  when it gives them (VC Data Integrity section 4.4);
- the proof's key must be controlled by the `holder` (when the presentation names one): that
  controller is the authenticated holder (DID authentication);
- each embedded credential goes through the same engine as `POST /verify` (`verify.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer, default_canonicalizer
from badge_issuer.credentials.jsonld.strict import is_absolute_iri
from badge_issuer.credentials.proofs.result import MALFORMED_PROOF_ERROR
from badge_issuer.verification.checks_document import json_check
from badge_issuer.verification.checks_keys import KeyCache
from badge_issuer.verification.checks_proof import data_integrity_checks
from badge_issuer.verification.data_model import as_list
from badge_issuer.verification.jwt import MalformedJwt
from badge_issuer.verification.ports import ResolutionError, Resolver
from badge_issuer.verification.report import (
    Check,
    CheckLookup,
    CheckName,
    CredentialSummary,
    Format,
    VerificationReport,
    report_of,
)
from badge_issuer.verification.rules import rules_for
from badge_issuer.verification.rules_generic import contexts_check
from badge_issuer.verification.verify import verify_credential, verify_jwt

AUTHENTICATION = "authentication"
PRESENTATION_TYPE = "VerifiablePresentation"
ENVELOPED_CREDENTIAL = "EnvelopedVerifiableCredential"
_ENVELOPED_JWT_PREFIXES = ("data:application/vc+jwt,", "data:application/jwt,")
MAX_EMBEDDED_CREDENTIALS = 16

# Verifies one embedded credential (a JSON object, or a VC-JWT from an enveloped credential).
CredentialVerifier = Callable[[Mapping[str, Any] | str], VerificationReport]

PRESENTATION_CHECKS = (
    CheckName.JSON,
    CheckName.CONTEXTS,
    CheckName.TYPES,
    CheckName.PRESENTATION,
    CheckName.UNDEFINED_TERMS,
    CheckName.PROOF,
    CheckName.HOLDER,
    CheckName.CREDENTIALS,
)


@dataclass(frozen=True)
class PresentationReport(CheckLookup):
    """The presentation's checks, the holder its proof authenticates, and each credential's report.

    `verified` is true when no check failed and every embedded credential verified;
    `holder` is the DID (or URL) whose key signed the proof, set only when `verified`.
    """

    checks: tuple[Check, ...]
    authenticated: str | None
    credentials: tuple[VerificationReport, ...]

    @property
    def verified(self) -> bool:
        no_failure = all(check.status != "failed" for check in self.checks)
        return bool(self.checks) and no_failure and all(c.verified for c in self.credentials)

    @property
    def holder(self) -> str | None:
        """The authenticated holder, when the whole presentation verified."""
        return self.authenticated if self.verified else None


def _url_problem(value: Any, what: str) -> str | None:
    if not isinstance(value, str) or not is_absolute_iri(value):
        return f"{what} must be a URL, not {value!r}"
    return None


def _types_check(document: Mapping[str, Any]) -> Check:
    types = as_list(document.get("type"))
    if not all(isinstance(item, str) for item in types) or PRESENTATION_TYPE not in types:
        return Check.failed(CheckName.TYPES, f"type must include {PRESENTATION_TYPE}")
    return Check.passed(CheckName.TYPES, PRESENTATION_TYPE)


def holder_of(document: Mapping[str, Any]) -> str | None:
    """Return the presentation's holder id (the holder is a URL or an object with an id)."""
    holder = document.get("holder")
    if isinstance(holder, Mapping):
        holder = holder.get("id")
    return holder if isinstance(holder, str) else None


def _structure_check(document: Mapping[str, Any]) -> Check:
    """VC Data Model 2.0 section 4.13: the id, holder and verifiableCredential members."""
    problems = []
    if "id" in document:
        problems.append(_url_problem(document["id"], "id"))
    if "holder" in document:
        holder = document["holder"]
        if isinstance(holder, Mapping):
            problems.append(_url_problem(holder.get("id"), "holder.id"))
        else:
            problems.append(_url_problem(holder, "holder"))
    credentials = as_list(document.get("verifiableCredential", []))
    for index, credential in enumerate(credentials):
        if not isinstance(credential, Mapping):
            problems.append(f"verifiableCredential[{index}] must be an object, not a string")
    if len(credentials) > MAX_EMBEDDED_CREDENTIALS:
        problems.append(f"at most {MAX_EMBEDDED_CREDENTIALS} credentials per presentation")
    found = [problem for problem in problems if problem]
    if found:
        return Check.failed(CheckName.PRESENTATION, "; ".join(found))
    count = len(credentials)
    return Check.passed(CheckName.PRESENTATION, f"{count} embedded credential(s), members valid")


def _holder_check(
    document: Mapping[str, Any], method_ids: Sequence[str], keys: KeyCache, proof: Check
) -> tuple[Check, str | None]:
    """Check that the holder controls the proof's key; return the authenticated controller."""
    name = CheckName.HOLDER
    if proof.status != "passed":
        return Check.skipped(name, "the presentation's proof did not verify"), None
    controllers = []
    for method_id in dict.fromkeys(method_ids):
        try:
            controllers.append(keys.get(method_id).controller)
        except ResolutionError as error:
            return Check.failed(name, str(error)), None
    holder = holder_of(document)
    if holder is None:
        signer = controllers[0] if len(set(controllers)) == 1 else None
        if signer is None:
            return Check.failed(name, "no holder is named and several keys signed"), None
        return Check.passed(name, f"no holder is named; {signer} signed the presentation"), signer
    strangers = [controller for controller in controllers if controller != holder]
    if strangers:
        detail = f"the proof's key is controlled by {strangers[0]}, not by the holder {holder}"
        return Check.failed(name, detail, MALFORMED_PROOF_ERROR), None
    return Check.passed(name, f"{holder} signed the presentation (DID authentication)"), holder


def _credentials_check(reports: Sequence[VerificationReport]) -> Check:
    name = CheckName.CREDENTIALS
    failed = [
        f"verifiableCredential[{index}]: " + ", ".join(c.check for c in report.problems)
        for index, report in enumerate(reports)
        if not report.verified
    ]
    if failed:
        return Check.failed(name, "credentials that do not verify: " + "; ".join(failed))
    return Check.passed(name, f"{len(reports)} embedded credential(s) verify")


def embedded_credentials(document: Mapping[str, Any]) -> list[Mapping[str, Any] | str]:
    """Return the embedded credentials: objects, or the VC-JWT inside an enveloped one."""
    found: list[Mapping[str, Any] | str] = []
    for credential in as_list(document.get("verifiableCredential", [])):
        if not isinstance(credential, Mapping):
            continue
        types = as_list(credential.get("type"))
        identifier = credential.get("id")
        if ENVELOPED_CREDENTIAL in types and isinstance(identifier, str):
            token = next(
                (identifier[len(p) :] for p in _ENVELOPED_JWT_PREFIXES if identifier.startswith(p)),
                None,
            )
            found.append(token if token is not None else credential)
        else:
            found.append(credential)
    return found


def engine_credential_verifier(
    *, now: datetime, resolver: Resolver, canonicalizer: Canonicalizer
) -> CredentialVerifier:
    """Return the embedded-credential verifier: the engine with the rule set each one needs."""

    def verify(credential: Mapping[str, Any] | str) -> VerificationReport:
        if isinstance(credential, str):
            try:
                return verify_jwt(
                    credential, now=now, resolver=resolver, canonicalizer=canonicalizer
                )
            except MalformedJwt as error:
                failed = Check.failed(CheckName.JSON, f"enveloped credential: {error}")
                return report_of([failed], format=Format.VC_JWT, credential=CredentialSummary())
        return verify_credential(
            credential,
            now=now,
            resolver=resolver,
            canonicalizer=canonicalizer,
            rules=rules_for(credential),
        )

    return verify


def verify_presentation(
    presentation: Any,
    *,
    challenge: str | None,
    domain: str | None,
    now: datetime,
    resolver: Resolver,
    duplicate_keys: Sequence[str] = (),
    canonicalizer: Canonicalizer | None = None,
) -> PresentationReport:
    """Verify a presentation and the credentials it carries; never raises for bad input."""
    canonicalizer = canonicalizer or default_canonicalizer()
    json = json_check(presentation, duplicate_keys=duplicate_keys)
    if json.status == "failed" or not isinstance(presentation, Mapping):
        reason = "the presentation is not a usable JSON object"
        skipped = [Check.skipped(name, reason) for name in PRESENTATION_CHECKS[1:]]
        return PresentationReport((json, *skipped), None, ())
    keys = KeyCache(resolver)
    contexts = contexts_check(presentation, known=canonicalizer.loader.urls)
    checks = [json, contexts, _types_check(presentation), _structure_check(presentation)]
    if "proof" not in presentation:
        unsigned = "the presentation has no proof: unsigned presentations are refused"
        checks += [
            Check.skipped(CheckName.UNDEFINED_TERMS, "the presentation has no proof"),
            Check.failed(CheckName.PROOF, unsigned, MALFORMED_PROOF_ERROR),
            Check.skipped(CheckName.HOLDER, "the presentation has no proof"),
        ]
        authenticated = None
    elif contexts.status == "failed":
        reason = "the contexts are not all known, so the JSON-LD is not processed"
        checks += [Check.skipped(n, reason) for n in PRESENTATION_CHECKS[4:7]]
        authenticated = None
    else:
        outcome = data_integrity_checks(
            presentation,
            keys,
            canonicalizer,
            purpose=AUTHENTICATION,
            challenge=challenge,
            domain=domain,
        )
        holder, authenticated = _holder_check(presentation, outcome.method_ids, keys, outcome.proof)
        checks += [outcome.undefined_terms, outcome.proof, holder]
    verify = engine_credential_verifier(now=now, resolver=resolver, canonicalizer=canonicalizer)
    reports = tuple(verify(credential) for credential in embedded_credentials(presentation))
    checks.append(_credentials_check(reports))
    return PresentationReport(tuple(checks), authenticated, reports)
