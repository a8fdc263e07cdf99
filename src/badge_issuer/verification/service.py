"""Verification use cases: a submitted credential, or one of ours by uuid; and the stored bytes."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from badge_issuer.awards import repository as award_repository
from badge_issuer.awards.errors import CredentialNotFound
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.images import service as image_service
from badge_issuer.verification import presentation as presentation_rules
from badge_issuer.verification import repository
from badge_issuer.verification.budget import BudgetExceeded, cpu_budget
from badge_issuer.verification.checks_document import MAX_CREDENTIAL_BYTES, issuer_id
from badge_issuer.verification.checks_proof import proof_method_ids
from badge_issuer.verification.checks_status import status_indexes, status_list_urls
from badge_issuer.verification.errors import (
    CredentialTooLarge,
    ImageWorkLimit,
    NotACredential,
    UnsupportedCredentialType,
)
from badge_issuer.verification.jwt import MalformedJwt, parse_compact_jws
from badge_issuer.verification.presentation import PresentationReport, embedded_credentials
from badge_issuer.verification.report import Check, CheckName, Format, VerificationReport
from badge_issuer.verification.resolver import Fetcher, PrefetchedResolver, ServiceResolver
from badge_issuer.verification.rules import rules_for
from badge_issuer.verification.submission import (
    MalformedSubmission,
    Submission,
    UnsupportedSubmissionType,
    media_type_of,
    parse_submission,
)
from badge_issuer.verification.verify import (
    OPEN_BADGES,
    DataModelRules,
    over_budget_report,
    verify_credential,
    verify_jwt,
)

IMAGE_MEDIA_TYPES = frozenset({"image/png", "image/svg+xml"})
# CPU one verification may spend (CONTRACT section 8: about a second per request at most).
WORK_BUDGET_SECONDS = 0.6
# Unbaking an uploaded image comes first and has its own share, so the two stay near a second.
UNBAKE_BUDGET_SECONDS = 0.4
log = structlog.get_logger(__name__)


@contextmanager
def reading(engine: Engine) -> Iterator[repository.Reader]:
    """What one POST /verify reads through, on the read-only engine (see repository.reading)."""
    with repository.reading(engine) as reader:
        yield reader


def verify_submission(
    session: repository.Reader,
    *,
    body: bytes,
    content_type: str | None,
    settings: Settings,
    now: datetime,
    fetch: Fetcher | None = None,
) -> VerificationReport:
    """Verify what a client POSTed; only a body that is not a credential at all is refused."""
    if media_type_of(content_type) in IMAGE_MEDIA_TYPES:
        # Images are larger than credentials: unbake first, then apply the credential limits.
        return _verify_baked_image(
            session,
            body=body,
            content_type=content_type or "",
            settings=settings,
            now=now,
            fetch=fetch,
        )
    if len(body) > MAX_CREDENTIAL_BYTES:
        raise CredentialTooLarge(f"Credentials are limited to {MAX_CREDENTIAL_BYTES} bytes.")
    try:
        submission = parse_submission(body, content_type)
    except MalformedSubmission as error:
        raise NotACredential(str(error)) from None
    except UnsupportedSubmissionType as error:
        raise UnsupportedCredentialType(str(error)) from None
    resolver = _prefetched(
        ServiceResolver(session, settings=settings, now=now, fetch=fetch), submission
    )
    if submission.token is not None:
        token = submission.token
        try:
            parse_compact_jws(token)
        except MalformedJwt as error:
            raise NotACredential(str(error)) from None
        return _budgeted(
            lambda: verify_jwt(token, now=now, resolver=resolver, email=submission.email),
            None,
            Format.VC_JWT,
        )
    document = submission.document
    # Badges only here: an endorsement gets its own rules, anything else the OB rules.
    rules = (
        rules_for(document, otherwise=OPEN_BADGES) if isinstance(document, Mapping) else OPEN_BADGES
    )
    return _budgeted(
        lambda: verify_credential(
            document,
            now=now,
            resolver=resolver,
            email=submission.email,
            duplicate_keys=submission.duplicate_keys,
            rules=rules,
        ),
        submission.document,
        Format.LDP_VC,
    )


def verify_document(
    session: Session,
    *,
    document: Any,
    rules: DataModelRules,
    settings: Settings,
    now: datetime,
    fetch: Fetcher | None = None,
) -> VerificationReport:
    """Verify a credential object with a rule set: pre-fetch, then the engine within budget."""
    resolver = prefetched_resolver(
        ServiceResolver(session, settings=settings, now=now, fetch=fetch), [document]
    )
    return _budgeted(
        lambda: verify_credential(document, now=now, resolver=resolver, rules=rules),
        document,
        Format.LDP_VC,
    )


def _budgeted(
    work: Callable[[], VerificationReport], document: Any, format: Format
) -> VerificationReport:
    """Run the engine within the per-request CPU budget; past it, a failed work-limit check."""
    try:
        with cpu_budget(WORK_BUDGET_SECONDS):
            return work()
    except BudgetExceeded:
        log.warning("verification.work_limit", seconds=WORK_BUDGET_SECONDS)
        return over_budget_report(document, format, WORK_BUDGET_SECONDS)


def _verify_baked_image(
    session: repository.Reader,
    *,
    body: bytes,
    content_type: str,
    settings: Settings,
    now: datetime,
    fetch: Fetcher | None,
) -> VerificationReport:
    """Verify the credential baked into a PNG or SVG; the report names the image it came from."""
    try:
        with cpu_budget(UNBAKE_BUDGET_SECONDS):
            unbaked = image_service.credential_from_upload(body, content_type)
    except BudgetExceeded:
        log.warning("verification.unbake_work_limit", seconds=UNBAKE_BUDGET_SECONDS)
        raise ImageWorkLimit(
            f"Reading the credential out of this image took more than {UNBAKE_BUDGET_SECONDS} s "
            "of CPU; badge images are small and simple, so it is refused unread."
        ) from None
    report = verify_submission(
        session,
        body=unbaked.credential_json.encode("utf-8"),
        content_type="application/json",
        settings=settings,
        now=now,
        fetch=fetch,
    )
    source = Check.passed(
        CheckName.BAKED_IMAGE,
        f"credential read from a baked {unbaked.image_format.value.upper()} image",
    )
    return replace(report, checks=(source, *report.checks))


def _prefetched(resolver: ServiceResolver, submission: Submission) -> PrefetchedResolver:
    """Resolve the keys, status lists and issuer the submitted credential names, up front."""
    return prefetched_resolver(resolver, [submission.token or submission.document])


def prefetched_resolver(resolver: ServiceResolver, documents: Sequence[Any]) -> PrefetchedResolver:
    """The one pre-fetching resolver: every key, status list and issuer the documents name.

    `documents` are credentials (objects or VC-JWTs) or presentations; a presentation's
    embedded credentials (and the VC-JWTs of enveloped ones) are included. Resolving up front
    lets the CPU-bound checks run after the database work.
    """
    methods: list[str] = []
    lists: dict[str, set[int]] = {}
    issuers: list[str] = []
    for document in _with_embedded(documents):
        credential = document
        if isinstance(document, str):
            try:
                jws = parse_compact_jws(document)
            except MalformedJwt:
                continue
            kid = jws.header.get("kid")
            methods += [kid] if isinstance(kid, str) and "#" in kid[1:] else []
            credential = jws.credential
        elif isinstance(document, Mapping):
            methods += proof_method_ids(document)
        if isinstance(credential, Mapping):
            for url in status_list_urls(credential):
                lists.setdefault(url, set())
            for url, indexes in status_indexes(credential).items():
                lists.setdefault(url, set()).update(indexes)
            issuer = issuer_id(credential)
            issuers += [issuer] if issuer else []
    return PrefetchedResolver(
        resolver,
        methods=dict.fromkeys(methods),
        lists={url: frozenset(indexes) for url, indexes in lists.items()},
        issuers=dict.fromkeys(issuers),
    )


def _with_embedded(documents: Sequence[Any]) -> list[Any]:
    found: list[Any] = []
    for document in documents:
        found.append(document)
        if isinstance(document, Mapping):
            found += embedded_credentials(document)
    return found


def verify_presentation(
    session: Session,
    *,
    presentation: Any,
    challenge: str | None,
    domain: str | None,
    settings: Settings,
    now: datetime,
    fetch: Fetcher | None = None,
) -> PresentationReport:
    """Verify a presentation (DID authentication, and the credentials it carries).

    The entry point for exchanges (wallets): `report.holder` is the DID whose key signed the
    presentation for `authentication` with this `challenge` and `domain`, set only when the
    whole report verified; `report.checks` say why not otherwise. Never raises for bad input.
    """
    resolver = prefetched_resolver(
        ServiceResolver(session, settings=settings, now=now, fetch=fetch), [presentation]
    )
    try:
        with cpu_budget(WORK_BUDGET_SECONDS):
            return presentation_rules.verify_presentation(
                presentation, challenge=challenge, domain=domain, now=now, resolver=resolver
            )
    except BudgetExceeded:
        log.warning("verification.work_limit", seconds=WORK_BUDGET_SECONDS)
        report = over_budget_report(None, Format.LDP_VC, WORK_BUDGET_SECONDS)
        return PresentationReport(report.checks, None, ())


def stored_award(session: Session, *, credential_uuid: str) -> Award:
    """Return the award behind a public credential id, or raise CredentialNotFound (404)."""
    try:
        canonical = str(uuid.UUID(credential_uuid))
    except ValueError:
        raise CredentialNotFound(f"No credential {credential_uuid!r}.") from None
    award = award_repository.get_by_uuid(session, canonical)
    if award is None or canonical != credential_uuid.lower():
        raise CredentialNotFound(f"No credential {credential_uuid!r}.")
    return award


def verify_stored(
    session: Session,
    *,
    credential_uuid: str,
    settings: Settings,
    now: datetime,
    email: str | None = None,
) -> VerificationReport:
    """Verify one of this service's credentials as stored, exactly as an employer would.

    The stable entry point for pages showing a verdict: the report of `POST /verify` for the
    stored credential with uuid `credential_uuid` (CredentialNotFound, 404, if there is none);
    with `email`, also the `recipient` check (a mismatch makes the report unverified).
    """
    award = stored_award(session, credential_uuid=credential_uuid)
    return verify_submission(
        session,
        body=_wrapped(award.document, email),
        content_type="application/json",
        settings=settings,
        now=now,
    )


def _wrapped(document: str, email: str | None) -> bytes:
    """The stored credential as a POST /verify body, wrapped with the email when there is one."""
    if email is None:
        return document.encode("utf-8")
    wrapper = '{"verifiableCredential":' + document + ',"email":' + json.dumps(email) + "}"
    return wrapper.encode("utf-8")
