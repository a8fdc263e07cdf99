"""What a client sent to POST /verify: a credential (JSON-LD or VC-JWT) and maybe an email.

Accepted bodies:
- a credential as the JSON body (application/json, application/ld+json, application/vc+ld+json);
- a VC-JWT as the body (application/vc+jwt, application/jwt), or as a JSON string;
- a wrapper `{"verifiableCredential": <credential or VC-JWT>, "email": "<recipient email>"}`.
Anything else is a malformed request (not JSON, not a credential at all), never a report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from badge_issuer.verification.jwt import looks_like_compact_jws
from badge_issuer.verification.unicode_text import has_lone_surrogate

JSON_MEDIA_TYPES = frozenset(
    {"application/json", "application/ld+json", "application/vc+ld+json", "application/vc"}
)
JWT_MEDIA_TYPES = frozenset({"application/vc+jwt", "application/jwt"})
WRAPPER_KEYS = frozenset({"verifiableCredential", "email"})
MAX_EMAIL_LENGTH = 254


class MalformedSubmission(ValueError):
    """The request body is not a credential at all (or the wrapper around one is wrong)."""


class UnsupportedSubmissionType(ValueError):
    """The request's media type is neither JSON nor JWT."""


@dataclass(frozen=True)
class Submission:
    """The credential as a JSON object (`document`) or a compact JWS (`token`), and an email."""

    document: Mapping[str, Any] | None = None
    token: str | None = None
    email: str | None = None
    duplicate_keys: tuple[str, ...] = ()


def media_type_of(content_type: str | None) -> str:
    """Return the bare media type of a Content-Type header (JSON when absent)."""
    if not content_type:
        return "application/json"
    return content_type.split(";", 1)[0].strip().lower()


def parse_submission(body: bytes, content_type: str | None) -> Submission:
    """Parse a POST /verify body, or raise MalformedSubmission / UnsupportedSubmissionType."""
    media_type = media_type_of(content_type)
    if media_type in JWT_MEDIA_TYPES:
        return Submission(token=_jwt_text(body))
    if media_type not in JSON_MEDIA_TYPES:
        raise UnsupportedSubmissionType(
            f"send the credential as JSON or as a VC-JWT (application/vc+jwt), not {media_type}"
        )
    value, duplicates = _load_json(body)
    return _from_json(value, duplicates, email=None, wrapped=False)


def _jwt_text(body: bytes) -> str:
    try:
        text = body.decode("ascii").strip()
    except UnicodeDecodeError:
        raise MalformedSubmission("a VC-JWT body is ASCII text") from None
    if not looks_like_compact_jws(text):
        raise MalformedSubmission("the body is not a compact JWS (header.payload.signature)")
    return text


def _load_json(body: bytes) -> tuple[Any, tuple[str, ...]]:
    """Parse JSON, recording keys repeated within one object (parsers disagree on those)."""
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(items)  # the last of repeated keys wins, as json.loads would have it
        if len(result) < len(items):  # rare: then name each repetition, in order
            seen: set[str] = set()
            for key, _ in items:
                if key in seen:
                    duplicates.append(key)
                seen.add(key)
        return result

    def refuse_constant(name: str) -> Any:
        raise MalformedSubmission(f"{name} is not JSON")

    try:
        value = json.loads(body, object_pairs_hook=pairs, parse_constant=refuse_constant)
    except MalformedSubmission:
        raise
    except ValueError as error:  # not JSON, not UTF-8, or a number of more than 4,300 digits
        raise MalformedSubmission(f"the body is not JSON: {error}") from None
    except RecursionError:
        raise MalformedSubmission("the body is nested too deeply") from None
    if has_lone_surrogate(body, value):
        raise MalformedSubmission("the body is not JSON text: a string holds a lone surrogate")
    return value, tuple(duplicates)


def _from_json(
    value: Any, duplicates: tuple[str, ...], *, email: str | None, wrapped: bool
) -> Submission:
    if isinstance(value, str):
        if not looks_like_compact_jws(value):
            raise MalformedSubmission("a string credential must be a VC-JWT (compact JWS)")
        return Submission(token=value.strip(), email=email)
    if not isinstance(value, Mapping):
        raise MalformedSubmission("the credential must be a JSON object or a VC-JWT string")
    if not wrapped and "verifiableCredential" in value and "@context" not in value:
        return _unwrap(value, duplicates)
    if "@context" not in value and "type" not in value:
        raise MalformedSubmission("not a verifiable credential: it has no @context and no type")
    return Submission(document=value, email=email, duplicate_keys=duplicates)


def _unwrap(wrapper: Mapping[str, Any], duplicates: tuple[str, ...]) -> Submission:
    extra = sorted(set(wrapper) - WRAPPER_KEYS)
    if extra:
        raise MalformedSubmission(f"unexpected member(s) beside verifiableCredential: {extra}")
    email = wrapper.get("email")
    if email is not None and (not isinstance(email, str) or not 0 < len(email) <= MAX_EMAIL_LENGTH):
        raise MalformedSubmission(f"email must be a string of 1 to {MAX_EMAIL_LENGTH} characters")
    return _from_json(wrapper["verifiableCredential"], duplicates, email=email, wrapped=True)
