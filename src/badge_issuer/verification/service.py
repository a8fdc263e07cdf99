"""Verification use cases: a submitted credential, or one of ours by uuid; and the stored bytes."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.awards import repository as award_repository
from badge_issuer.awards.errors import CredentialNotFound
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.images import service as image_service
from badge_issuer.verification import presentation as presentation_rules
from badge_issuer.verification.checks_document import MAX_CREDENTIAL_BYTES, issuer_id
from badge_issuer.verification.checks_proof import proof_method_ids
from badge_issuer.verification.checks_status import status_list_urls
from badge_issuer.verification.errors import (
    CredentialTooLarge,
    NotACredential,
    UnsupportedCredentialType,
)
from badge_issuer.verification.jwt import MalformedJwt, parse_compact_jws
from badge_issuer.verification.presentation import PresentationReport, embedded_credentials
from badge_issuer.verification.report import Check, CheckName, VerificationReport
from badge_issuer.verification.resolver import Fetcher, PrefetchedResolver, ServiceResolver
from badge_issuer.verification.submission import (
    MalformedSubmission,
    Submission,
    UnsupportedSubmissionType,
    media_type_of,
    parse_submission,
)
from badge_issuer.verification.verify import verify_credential, verify_jwt

IMAGE_MEDIA_TYPES = frozenset({"image/png", "image/svg+xml"})


def verify_submission(
    session: Session,
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
        try:
            return verify_jwt(submission.token, now=now, resolver=resolver, email=submission.email)
        except MalformedJwt as error:
            raise NotACredential(str(error)) from None
    return verify_credential(
        submission.document,
        now=now,
        resolver=resolver,
        email=submission.email,
        duplicate_keys=submission.duplicate_keys,
    )


def _verify_baked_image(
    session: Session,
    *,
    body: bytes,
    content_type: str,
    settings: Settings,
    now: datetime,
    fetch: Fetcher | None,
) -> VerificationReport:
    """Verify the credential baked into a PNG or SVG; the report names the image it came from."""
    unbaked = image_service.credential_from_upload(body, content_type)
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
    lists: list[str] = []
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
            lists += status_list_urls(credential)
            issuer = issuer_id(credential)
            issuers += [issuer] if issuer else []
    return PrefetchedResolver(
        resolver,
        methods=dict.fromkeys(methods),
        lists=dict.fromkeys(lists),
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
    return presentation_rules.verify_presentation(
        presentation, challenge=challenge, domain=domain, now=now, resolver=resolver
    )


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
