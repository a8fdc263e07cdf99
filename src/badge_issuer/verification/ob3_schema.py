"""The structural rules of the OB 3.0 AchievementCredential JSON Schema, as plain functions.

The 1EdTech schema (`achievementcredential.json`, draft 2019-09) is not shipped with the
service; these rules restate the parts of it that a credential's meaning rests on: required
properties, array-valued `type`s with their required members, the shapes of the subject,
achievement, issuer, identity objects, images, evidence, proofs and status, and date-times.
Tests check these rules against the real schema.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from badge_issuer.verification.data_model import VC_V2_CONTEXT as VC_V2_CONTEXT

_OB_CONTEXT = re.compile(r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$")
# RFC 3339 date-time: the `format` of validFrom, validUntil, awardedDate.
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_IDENTITY_OBJECT_KEYS = frozenset({"type", "hashed", "identityHash", "identityType", "salt"})
_IMAGE_KEYS = frozenset({"id", "type", "caption"})

Problems = Iterator[str]
Rule = Callable[[Any, str], Problems]
# Checks the members of a node already known to be an object.
MemberRule = Callable[[Mapping[str, Any], str], Problems]


def schema_problems(credential: Mapping[str, Any]) -> list[str]:
    """Return every way the credential departs from the OB 3.0 AchievementCredential schema."""
    return list(_credential(credential, ""))


def _at(path: str, key: str | int) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key)


def _required(node: Mapping[str, Any], path: str, keys: tuple[str, ...]) -> Problems:
    for key in keys:
        if key not in node:
            yield f"{_at(path, key)}: is required"


def _optional(node: Mapping[str, Any], path: str, key: str, rule: Rule) -> Problems:
    if key in node:
        yield from rule(node[key], _at(path, key))


def _object_with(*required: str) -> Callable[[MemberRule], Rule]:
    """Make a rule for an object node from the checks of its members.

    The node must be an object holding the `required` members; the member checks run only on
    an object, after the problems with its required members.
    """

    def wrap(members: MemberRule) -> Rule:
        @functools.wraps(members)
        def rule(node: Any, path: str) -> Problems:
            yield from _object(path, node)
            if isinstance(node, Mapping):
                yield from _required(node, path, required)
                yield from members(node, path)

        return rule

    return wrap


def _string(value: Any, path: str) -> Problems:
    if not isinstance(value, str):
        yield f"{path}: must be a string"


def _boolean(value: Any, path: str) -> Problems:
    if not isinstance(value, bool):
        yield f"{path}: must be true or false"


def _date_time(value: Any, path: str) -> Problems:
    if not isinstance(value, str) or not _DATE_TIME.match(value):
        yield f"{path}: must be an RFC 3339 date-time with a time zone"
        return
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        yield f"{path}: is not a real date and time"


def _object(path: str, value: Any) -> Problems:
    if not isinstance(value, Mapping):
        yield f"{path}: must be an object"


class SchemaOnly(str):
    """A difference from the 1EdTech JSON Schema that the VC Data Model and JSON-LD allow.

    1EdTech's validator reports these as warnings (it falls back to the lenient JSON-LD
    schema): one value where the schema wants an array (a single `proof` object, as vc.js
    signs, or one `type` string).
    """

    __slots__ = ()


def _single(path: str) -> SchemaOnly:
    return SchemaOnly(
        f"{path}: is one value where the 1EdTech schema wants an array "
        "(the VC Data Model allows either)"
    )


def _type_array(*alternatives: str) -> Rule:
    """A `type` that is an array of strings containing one of `alternatives`."""

    def rule(value: Any, path: str) -> Problems:
        if isinstance(value, str):
            yield _single(path)
            value = [value]
        if not isinstance(value, list) or not value:
            yield f"{path}: must be a non-empty array"
            return
        if not all(isinstance(item, str) for item in value):
            yield f"{path}: items must be strings"
        if not any(item in alternatives for item in value):
            yield f"{path}: must contain {' or '.join(repr(a) for a in alternatives)}"

    return rule


def _array_of(rule: Rule) -> Rule:
    def each(value: Any, path: str) -> Problems:
        if not isinstance(value, list):
            yield _single(path)
            yield from rule(value, path)
            return
        for index, item in enumerate(value):
            yield from rule(item, _at(path, index))

    return each


def _context(value: Any, path: str) -> Problems:
    if not isinstance(value, list) or len(value) < 2:
        yield f"{path}: must be an array of at least two contexts"
        return
    if value[0] != VC_V2_CONTEXT:
        yield f"{_at(path, 0)}: must be {VC_V2_CONTEXT}"
    if not isinstance(value[1], str) or not _OB_CONTEXT.match(value[1]):
        yield f"{_at(path, 1)}: must be an Open Badges 3.0 context URL"
    for index, item in enumerate(value[2:], start=2):
        if not isinstance(item, str | Mapping):
            yield f"{_at(path, index)}: must be a URL or an object"


def _credential(node: Any, path: str) -> Problems:
    yield from _object("$", node)
    if not isinstance(node, Mapping):
        return
    yield from _required(
        node, path, ("@context", "id", "type", "credentialSubject", "issuer", "validFrom")
    )
    yield from _optional(node, path, "@context", _context)
    yield from _optional(node, path, "type", _credential_type)
    for key in ("id", "name", "description"):
        yield from _optional(node, path, key, _string)
    for key in ("validFrom", "validUntil", "awardedDate"):
        yield from _optional(node, path, key, _date_time)
    yield from _optional(node, path, "image", _image)
    yield from _optional(node, path, "credentialSubject", _achievement_subject)
    yield from _optional(node, path, "issuer", _profile_ref)
    yield from _optional(node, path, "proof", _array_of(_proof))
    yield from _optional(node, path, "credentialStatus", _credential_status)
    yield from _optional(node, path, "evidence", _array_of(_evidence))
    yield from _optional(node, path, "termsOfUse", _array_of(_typed(("type",))))
    yield from _optional(node, path, "refreshService", _typed(("id", "type")))
    yield from _optional(node, path, "credentialSchema", _array_of(_typed(("id", "type"))))


def _credential_type(value: Any, path: str) -> Problems:
    yield from _type_array("VerifiableCredential")(value, path)
    yield from _type_array("AchievementCredential", "OpenBadgeCredential")(value, path)


@_object_with("type", "achievement")
def _achievement_subject(node: Mapping[str, Any], path: str) -> Problems:
    yield from _optional(node, path, "id", _string)
    yield from _optional(node, path, "type", _type_array("AchievementSubject"))
    yield from _optional(node, path, "achievement", _achievement)
    yield from _optional(node, path, "identifier", _array_of(_identity_object))


@_object_with("id", "type", "criteria", "description", "name")
def _achievement(node: Mapping[str, Any], path: str) -> Problems:
    for key in ("id", "name", "description"):
        yield from _optional(node, path, key, _string)
    yield from _optional(node, path, "type", _type_array("Achievement"))
    yield from _optional(node, path, "criteria", lambda value, at: _object(at, value))
    yield from _optional(node, path, "image", _image)
    yield from _optional(node, path, "creator", _profile)


@_object_with("type", "hashed", "identityHash", "identityType")
def _identity_object(node: Mapping[str, Any], path: str) -> Problems:
    if "type" in node and node["type"] != "IdentityObject":
        yield f"{_at(path, 'type')}: must be 'IdentityObject'"
    yield from _optional(node, path, "hashed", _boolean)
    for key in ("identityHash", "identityType", "salt"):
        yield from _optional(node, path, key, _string)
    for key in sorted(set(node) - _IDENTITY_OBJECT_KEYS):
        yield f"{_at(path, key)}: is not allowed in an IdentityObject"


def _profile_ref(value: Any, path: str) -> Problems:
    if isinstance(value, str):
        return
    yield from _profile(value, path)


def _profile(node: Any, path: str) -> Problems:
    if not isinstance(node, Mapping):
        yield f"{path}: must be a URL or a Profile object"
        return
    yield from _required(node, path, ("id", "type"))
    yield from _optional(node, path, "id", _string)
    yield from _optional(node, path, "type", _type_array("Profile"))
    yield from _optional(node, path, "image", _image)


@_object_with("id", "type")
def _image(node: Mapping[str, Any], path: str) -> Problems:
    yield from _optional(node, path, "id", _string)
    if "type" in node and node["type"] != "Image":
        yield f"{_at(path, 'type')}: must be 'Image'"
    for key in sorted(set(node) - _IMAGE_KEYS):
        yield f"{_at(path, key)}: is not allowed in an Image"


@_object_with("type")
def _proof(node: Mapping[str, Any], path: str) -> Problems:
    yield from _optional(node, path, "type", _string)


@_object_with("id", "type")
def _credential_status(node: Mapping[str, Any], path: str) -> Problems:
    yield from _optional(node, path, "id", _string)
    yield from _optional(node, path, "type", _string)


@_object_with("type")
def _evidence(node: Mapping[str, Any], path: str) -> Problems:
    yield from _optional(node, path, "type", _type_array("Evidence"))


def _typed(required: tuple[str, ...]) -> Rule:
    """An object with these required members and a string `type` (TermsOfUse, RefreshService,
    CredentialSchema in the canonical schema)."""

    @_object_with(*required)
    def rule(node: Mapping[str, Any], path: str) -> Problems:
        for key in required:
            yield from _optional(node, path, key, _string)

    return rule
