"""Checks of the credential as a JSON document: json, contexts, types, schema; and its summary."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from badge_issuer.verification.data_model import as_list
from badge_issuer.verification.ob3_schema import VC_V2_CONTEXT, SchemaOnly, schema_problems
from badge_issuer.verification.report import Check, CheckName, CredentialSummary

MAX_CREDENTIAL_BYTES = 256 * 1024
MAX_DEPTH = 32
CREDENTIAL_TYPES = ("OpenBadgeCredential", "AchievementCredential")
_MAX_LISTED = 5
_SCALARS = frozenset({str, int, float, bool, type(None)})
_CONTAINERS = frozenset({dict, list})


def _depth(value: Any) -> int:
    """Return the nesting depth of a JSON value (a scalar is 1), without recursion.

    Level by level: a level counts when one of its containers has members. Scalars (most
    members of a credential are strings) are skipped, and parsed objects and arrays taken, by
    their exact type first, which is much cheaper than asking the Mapping ABC about each.
    """
    if type(value) in _SCALARS or not isinstance(value, Mapping | list):
        return 1
    deepest = 1
    level: list[Any] = [value]
    while True:
        below: list[Any] = []
        filled = False
        for node in level:
            kind = type(node)
            if kind is dict or (kind is not list and isinstance(node, Mapping)):
                children: Iterable[Any] = node.values()
            else:
                children = node
            if children:
                filled = True
                below += [
                    child
                    for child in children
                    if type(child) in _CONTAINERS
                    or (type(child) not in _SCALARS and isinstance(child, Mapping | list))
                ]
        if not filled:
            return deepest
        deepest += 1
        level = below


def json_check(document: Any, *, duplicate_keys: Sequence[str] = ()) -> Check:
    """Check that the credential is one JSON object, unambiguous, and within size limits."""
    name = CheckName.JSON
    if not isinstance(document, Mapping):
        return Check.failed(name, "the credential is not a JSON object")
    if duplicate_keys:
        listed = ", ".join(repr(key) for key in duplicate_keys[:_MAX_LISTED])
        return Check.failed(name, f"members appear twice in one object: {listed}")
    size = len(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    if size > MAX_CREDENTIAL_BYTES:
        return Check.failed(
            name, f"{size} bytes; credentials are limited to {MAX_CREDENTIAL_BYTES}"
        )
    depth = _depth(document)
    if depth > MAX_DEPTH:
        return Check.failed(name, f"nested {depth} levels deep; the limit is {MAX_DEPTH}")
    return Check.passed(name, f"well-formed JSON object of {size} bytes")


def contexts_check(document: Mapping[str, Any], *, known: Collection[str]) -> Check:
    """Check that every @context is a bundled context URL and the first is VC Data Model 2.0."""
    name = CheckName.CONTEXTS
    if "@context" not in document:
        return Check.failed(name, "the credential has no @context")
    contexts = as_list(document["@context"])
    if not contexts or contexts[0] != VC_V2_CONTEXT:
        return Check.failed(name, f"the first @context must be {VC_V2_CONTEXT}")
    inline = [index for index, context in enumerate(contexts) if not isinstance(context, str)]
    if inline:
        return Check.failed(
            name, f"@context[{inline[0]}] is an inline context; only published contexts are read"
        )
    unknown = [context for context in contexts if context not in known]
    if unknown:
        listed = ", ".join(unknown[:_MAX_LISTED])
        return Check.failed(name, f"unknown context (never fetched): {listed}")
    return Check.passed(name, f"{len(contexts)} known contexts, VC Data Model 2.0 first")


def types_check(document: Mapping[str, Any]) -> Check:
    """Check that the credential is a VerifiableCredential and an OB 3.0 achievement credential."""
    name = CheckName.TYPES
    types = [item for item in as_list(document.get("type")) if isinstance(item, str)]
    if "VerifiableCredential" not in types:
        return Check.failed(name, "type does not include VerifiableCredential")
    found = [item for item in CREDENTIAL_TYPES if item in types]
    if not found:
        return Check.failed(
            name, "type includes neither OpenBadgeCredential nor AchievementCredential"
        )
    return Check.passed(name, f"VerifiableCredential, {found[0]}")


def _listed(problems: Sequence[str]) -> str:
    more = f" (and {len(problems) - _MAX_LISTED} more)" if len(problems) > _MAX_LISTED else ""
    return "; ".join(problems[:_MAX_LISTED]) + more


def schema_check(document: Mapping[str, Any]) -> Check:
    """Check the OB 3.0 AchievementCredential structure (required properties and shapes).

    Differences the VC Data Model allows (one value where 1EdTech's schema wants an array) are
    a warning naming each schema path, as 1EdTech's validator reports them; anything else the
    OB 3.0 schema requires fails the check.
    """
    return schema_verdict(schema_problems(document), "AchievementCredential")


def schema_verdict(problems: Sequence[str], structure: str) -> Check:
    """Turn the schema problems of an OB 3.0 `structure` into the schema check.

    `SchemaOnly` problems (what 1EdTech's schema wants but the VC Data Model allows) warn;
    any other problem fails the check and the message lists both kinds.
    """
    lenient = [problem for problem in problems if isinstance(problem, SchemaOnly)]
    strict = [problem for problem in problems if not isinstance(problem, SchemaOnly)]
    if strict:
        return Check.failed(CheckName.SCHEMA, _listed([*strict, *lenient]))
    if lenient:
        return Check.warning(CheckName.SCHEMA, "1EdTech schema only: " + _listed(lenient))
    return Check.passed(CheckName.SCHEMA, f"matches the OB 3.0 {structure} structure")


def issuer_id(document: Mapping[str, Any]) -> str | None:
    """Return the issuer's id (the issuer is a URL or a Profile object)."""
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def summarise(document: Any) -> CredentialSummary:
    """Return who issued what to whom, and when it is valid, as far as the document says."""
    if not isinstance(document, Mapping):
        return CredentialSummary()
    issuer = document.get("issuer")
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    return CredentialSummary(
        id=_text(document.get("id")),
        issuer=issuer_id(document),
        claimed_issuer_name=_text(issuer.get("name")) if isinstance(issuer, Mapping) else None,
        achievement_name=(
            _text(achievement.get("name")) if isinstance(achievement, Mapping) else None
        ),
        valid_from=_text(document.get("validFrom")),
        valid_until=_text(document.get("validUntil")),
    )
