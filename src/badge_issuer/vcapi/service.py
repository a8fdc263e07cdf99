"""VC API use cases: issue a credential for one of our issuers, verify any credential."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import structlog
from sqlalchemy.orm import Session

from badge_issuer.audit import service as audit
from badge_issuer.config import Settings
from badge_issuer.credentials.jsonld.canonicalizer import default_canonicalizer
from badge_issuer.credentials.jsonld.strict import JsonLdRejected
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.credentials.proofs.verification_methods import ASSERTION_METHOD
from badge_issuer.problems import ProblemError
from badge_issuer.vcapi import identities, request, rules
from badge_issuer.vcapi.errors import (
    CredentialNotVerified,
    CredentialRejected,
    InvalidVcApiRequest,
    PresentationNotVerified,
    UnsupportedOption,
)
from badge_issuer.vcapi.problem_details import MALFORMED_VALUE_ERROR, json_pointer, problem
from badge_issuer.vcapi.results import (
    PresentationResult,
    VerificationResult,
    presentation_result,
    verification_result,
)
from badge_issuer.vcapi.schemas import (
    IssueOptions,
    IssueRequest,
    VerifyOptions,
    VerifyPresentationRequest,
    VerifyRequest,
)
from badge_issuer.verification import data_model
from badge_issuer.verification import service as verification_service
from badge_issuer.verification.checks_document import issuer_id
from badge_issuer.verification.rules import is_open_badge, rules_for

log = structlog.get_logger(__name__)
Parsed = TypeVar("Parsed")

AUDIT_ACTION = "vcapi.issue"
AUDIT_TARGET_TYPE = "credential"
_MAX_TARGET_ID = 200


def _parsed(parse: Callable[[bytes], Parsed], body: bytes) -> Parsed:
    """Run one of `request`'s parsers; its problems become one 422 naming each."""
    try:
        return parse(body)
    except request.MalformedRequest as error:
        raise InvalidVcApiRequest.of(error.problems) from None


def parse_issue_request(body: bytes) -> IssueRequest:
    """Return the issue request in a raw body, or raise InvalidVcApiRequest (422)."""
    return _parsed(request.parse_issue_request, body)


def parse_verify_request(body: bytes) -> VerifyRequest:
    """Return the verify request in a raw body, or raise InvalidVcApiRequest (422)."""
    return _parsed(request.parse_verify_request, body)


def parse_verify_presentation_request(body: bytes) -> VerifyPresentationRequest:
    """Return the presentation verify request in a raw body, or raise InvalidVcApiRequest."""
    return _parsed(request.parse_verify_presentation_request, body)


def _check_issue_options(options: IssueOptions) -> None:
    problems = request.unknown_options(options)
    if options.mandatory_pointers:
        detail = "eddsa-rdfc-2022 proofs have no selective disclosure: send no mandatoryPointers"
        pointer = json_pointer("/options", "mandatoryPointers")
        problems.append(problem(MALFORMED_VALUE_ERROR, pointer=pointer, detail=detail))
    if problems:
        raise UnsupportedOption.of(problems)


def _prepared_credential(credential: Mapping[str, Any]) -> dict[str, Any]:
    """Return the credential ready to sign, or raise CredentialRejected naming every problem."""
    loader = default_canonicalizer().loader
    problems = rules.credential_problems(credential, known_contexts=loader.urls)
    if problems:
        raise CredentialRejected.of(problems)
    prepared = rules.with_proof_context(credential)
    problems = rules.jsonld_problems(prepared, loader)
    if problems:
        raise CredentialRejected.of(problems)
    return prepared


def issue_credential(
    session: Session, *, body: IssueRequest, settings: Settings, actor: str, now: datetime
) -> dict[str, Any]:
    """Sign a credential with the active key of the issuer it names, and audit it.

    A refusal signs nothing; it is logged (the audit row would roll back with the request).
    """
    try:
        return _issue(session, body=body, settings=settings, actor=actor, now=now)
    except ProblemError as refusal:
        log.warning(
            "vcapi.issue.refused",
            actor=actor,
            problem=refusal.slug,
            issuer=(issuer_id(body.credential) or "")[:_MAX_TARGET_ID],
            detail=refusal.detail,
        )
        raise


def _issue(
    session: Session, *, body: IssueRequest, settings: Settings, actor: str, now: datetime
) -> dict[str, Any]:
    _check_issue_options(body.options)
    prepared = _prepared_credential(body.credential)
    signer = identities.signer_for_issuer(
        session, issuer_id=issuer_id(prepared) or "", settings=settings
    )
    try:
        signed = sign_credential(prepared, signer, now)
    except JsonLdRejected as error:
        # Only the proof options can get here: the document passed the same check above.
        raise CredentialRejected.of(rules.jsonld_problem_details(error.problems)) from None
    if not is_open_badge(signed):
        # One proof as an object, as the W3C test suites expect; the OB 3.0 schema wants an array.
        signed["proof"] = signed["proof"][0]
    _audit(session, signed, options=body.options, actor=actor, now=now)
    return signed


def _audit(
    session: Session,
    signed: Mapping[str, Any],
    *,
    options: IssueOptions,
    actor: str,
    now: datetime,
) -> None:
    credential_id = signed.get("id") if isinstance(signed.get("id"), str) else None
    reference = credential_id or options.credential_id
    proofs = signed["proof"] if isinstance(signed["proof"], list) else [signed["proof"]]
    details = {
        "credential_id": credential_id,
        "options_credential_id": options.credential_id,
        "issuer": issuer_id(signed),
        "verification_method": proofs[0]["verificationMethod"],
        "data_model": str(data_model.data_model_of(signed)),
    }
    audit.record(
        session,
        actor=actor,
        action=AUDIT_ACTION,
        target_type=AUDIT_TARGET_TYPE,
        target_id=(reference or "(no id)")[:_MAX_TARGET_ID],
        now=now,
        details=details,
    )
    log.info(AUDIT_ACTION, actor=actor, **details)


def _check_verify_options(options: VerifyOptions) -> None:
    problems = request.unknown_options(options)
    purpose = options.expected_proof_purpose
    if purpose is not None and purpose != ASSERTION_METHOD:
        detail = f"credential proofs are verified for {ASSERTION_METHOD}, not {purpose!r}"
        pointer = json_pointer("/options", "expectedProofPurpose")
        problems.append(problem(MALFORMED_VALUE_ERROR, pointer=pointer, detail=detail))
    if problems:
        raise UnsupportedOption.of(problems)


def verify_credential_request(
    session: Session, *, body: VerifyRequest, settings: Settings, now: datetime
) -> VerificationResult:
    """Verify a credential; raise CredentialNotVerified (400, with the result) if it fails.

    The engine's rule set follows the credential: Open Badges get exactly the checks of
    `POST /verify`, other credentials the data-model-level checks (VC 1.1 included).
    """
    _check_verify_options(body.options)
    credential = body.verifiable_credential
    report = verification_service.verify_document(
        session, document=credential, rules=rules_for(credential), settings=settings, now=now
    )
    result = verification_result(report, credential, type_base=settings.problem_type_base)
    if not result.verified:
        failed = ", ".join(dict.fromkeys(error.check or "?" for error in result.errors))
        raise CredentialNotVerified(f"Failed checks: {failed}.", **result.as_json())
    return result


def verify_presentation_request(
    session: Session, *, body: VerifyPresentationRequest, settings: Settings, now: datetime
) -> PresentationResult:
    """Verify a presentation; raise PresentationNotVerified (400, with the result) if it fails."""
    problems = request.unknown_options(body.options)
    if problems:
        raise UnsupportedOption.of(problems)
    presentation = body.verifiable_presentation
    report = verification_service.verify_presentation(
        session,
        presentation=presentation,
        challenge=body.options.challenge,
        domain=body.options.domain,
        settings=settings,
        now=now,
    )
    result = presentation_result(report, presentation, type_base=settings.problem_type_base)
    if not result.verified:
        failed = ", ".join(dict.fromkeys(error.check or "?" for error in result.errors))
        raise PresentationNotVerified(
            f"Failed checks: {failed or 'credentials'}.", **result.as_json()
        )
    return result
