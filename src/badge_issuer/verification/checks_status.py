"""The revocation check: the credential's bit in its issuer's Bitstring Status List.

Bitstring Status List v1.0 section 3.2 (Validate Algorithm): the status list credential must
verify, be issued by the credential's issuer, carry the entry's statusPurpose, decode to at
least 131,072 bits (STATUS_LIST_LENGTH_ERROR) with the index inside it (RANGE_ERROR); a set bit
means revoked (or suspended).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from badge_issuer.credentials.proofs.data_integrity import verify_credential_proof
from badge_issuer.status.encoding import MIN_LIST_BITS, EncodedListError, bit_is_set, decode_list
from badge_issuer.verification.checks_keys import KeyCache
from badge_issuer.verification.checks_validity import parse_datetime
from badge_issuer.verification.data_model import member_strings
from badge_issuer.verification.ports import ResolutionError, ResolvedStatusList
from badge_issuer.verification.report import Check, CheckName

STATUS_VOCAB = "https://www.w3.org/ns/credentials/status#"
STATUS_RETRIEVAL_ERROR = STATUS_VOCAB + "STATUS_RETRIEVAL_ERROR"
STATUS_VERIFICATION_ERROR = STATUS_VOCAB + "STATUS_VERIFICATION_ERROR"
STATUS_LIST_LENGTH_ERROR = STATUS_VOCAB + "STATUS_LIST_LENGTH_ERROR"
RANGE_ERROR = STATUS_VOCAB + "RANGE_ERROR"
MALFORMED_VALUE_ERROR = STATUS_VOCAB + "MALFORMED_VALUE_ERROR"
ENTRY_TYPE = "BitstringStatusListEntry"
_SET_MEANS = {"revocation": "revoked", "suspension": "suspended"}
NAME = CheckName.REVOCATION


@dataclass(frozen=True)
class _Entry:
    purpose: str
    index: int
    list_url: str


class _StatusProblem(Exception):
    """Ends the check early with the check to report."""

    def __init__(self, check: Check) -> None:
        super().__init__(check.detail)
        self.check = check


def status_list_urls(document: object) -> tuple[str, ...]:
    """Return the statusListCredential URL of every status entry of a credential."""
    if not isinstance(document, Mapping):
        return ()
    return member_strings(document, "credentialStatus", "statusListCredential")


def status_indexes(document: object) -> dict[str, frozenset[int]]:
    """Return, per status list URL, the indexes a credential's well-formed status entries name.

    The revocation check reads exactly these bits, so a list can be read at these indexes only
    (see `ResolvedStatusList.covers`); a malformed entry fails before any bit is read.
    """
    raw = document.get("credentialStatus") if isinstance(document, Mapping) else None
    found: dict[str, set[int]] = {}
    for raw_entry in raw if isinstance(raw, list) else [raw]:
        try:
            entry = _parse_entry(raw_entry)
        except _StatusProblem:
            continue
        found.setdefault(entry.list_url, set()).add(entry.index)
    return {url: frozenset(indexes) for url, indexes in found.items()}


def revocation_check(
    document: Mapping[str, Any], *, issuer: str | None, keys: KeyCache, now: datetime
) -> Check:
    """Check the credential's status entries against their status lists."""
    raw = document.get("credentialStatus")
    if raw is None:
        return Check.warning(NAME, "the credential has no credentialStatus: it cannot be revoked")
    entries = raw if isinstance(raw, list) else [raw]
    results: list[Check] = []
    for raw_entry in entries:
        try:
            results.append(_check_entry(raw_entry, issuer=issuer, keys=keys, now=now))
        except _StatusProblem as problem:
            results.append(problem.check)
    for status in ("failed", "warning"):
        found = [check for check in results if check.status == status]
        if found:
            return found[0]
    return results[0] if results else Check.warning(NAME, "credentialStatus is empty")


def _check_entry(raw: Any, *, issuer: str | None, keys: KeyCache, now: datetime) -> Check:
    entry = _parse_entry(raw)
    try:
        resolved = keys.resolver.resolve_status_list(entry.list_url)
    except ResolutionError as error:
        raise _StatusProblem(Check.warning(NAME, f"status not checked: {error}")) from None
    if resolved.covers is not None and entry.index not in resolved.covers:
        # A list read at other indexes only says nothing about this one: never a false "not
        # revoked". The pre-fetch reads every entry's own index, so this does not happen.
        detail = f"status not checked: index {entry.index} of {entry.list_url} was not read"
        raise _StatusProblem(Check.failed(NAME, detail, STATUS_RETRIEVAL_ERROR))
    subject = _list_subject(resolved, entry, issuer=issuer, keys=keys, now=now)
    bits = _decode(subject.get("encodedList"), own=resolved.trusted)
    if entry.index >= len(bits) * 8:
        detail = f"statusListIndex {entry.index} is outside the {len(bits) * 8}-bit list"
        return Check.failed(NAME, detail, RANGE_ERROR)
    if bit_is_set(bits, entry.index):
        meaning = _SET_MEANS.get(entry.purpose, f"flagged ({entry.purpose})")
        return Check.failed(NAME, f"the issuer has {meaning} this credential")
    return Check.passed(NAME, f"not {_SET_MEANS.get(entry.purpose, 'flagged')} ({entry.list_url})")


def _parse_entry(raw: Any) -> _Entry:
    """Read one BitstringStatusListEntry; other status types are reported, not guessed at."""
    if not isinstance(raw, Mapping):
        raise _StatusProblem(Check.failed(NAME, "credentialStatus is not an object"))
    if raw.get("type") != ENTRY_TYPE:
        detail = f"status type {raw.get('type')!r} is not supported; status not checked"
        raise _StatusProblem(Check.warning(NAME, detail))
    purpose, index, url = (
        raw.get("statusPurpose"),
        raw.get("statusListIndex"),
        raw.get("statusListCredential"),
    )
    if not isinstance(index, str) or not index.isdigit() or not index.isascii():
        detail = f"statusListIndex {index!r} is not a non-negative integer string"
        raise _StatusProblem(Check.failed(NAME, detail, MALFORMED_VALUE_ERROR))
    if not isinstance(purpose, str) or not isinstance(url, str):
        detail = "statusPurpose and statusListCredential must be strings"
        raise _StatusProblem(Check.failed(NAME, detail, MALFORMED_VALUE_ERROR))
    if raw.get("statusSize", 1) != 1:
        raise _StatusProblem(Check.warning(NAME, "statusSize other than 1 is not supported"))
    return _Entry(purpose=purpose, index=int(index), list_url=url)


def _list_subject(
    resolved: ResolvedStatusList,
    entry: _Entry,
    *,
    issuer: str | None,
    keys: KeyCache,
    now: datetime,
) -> Mapping[str, Any]:
    """Return the list's credentialSubject after checking the list credential itself."""
    document = resolved.document
    types = document.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        raise _problem("the status list is not a BitstringStatusListCredential")
    list_issuer = document.get("issuer")
    list_issuer = list_issuer.get("id") if isinstance(list_issuer, Mapping) else list_issuer
    if list_issuer != issuer:
        raise _problem(f"the status list is issued by {list_issuer!r}, not by {issuer!r}")
    if not resolved.trusted:
        _verify_list_proof(document, list_issuer, keys)
    _check_list_validity(document, now)
    subject = document.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != "BitstringStatusList":
        raise _problem("the status list's credentialSubject is not a BitstringStatusList")
    purposes = subject.get("statusPurpose")
    purposes = purposes if isinstance(purposes, list) else [purposes]
    if entry.purpose not in purposes:
        raise _problem(f"the status list is not for statusPurpose {entry.purpose!r}")
    return subject


def _problem(detail: str) -> _StatusProblem:
    return _StatusProblem(Check.failed(NAME, detail, STATUS_VERIFICATION_ERROR))


def _verify_list_proof(document: Mapping[str, Any], list_issuer: Any, keys: KeyCache) -> None:
    """Verify a fetched list's proof, made by a key its issuer controls."""
    try:
        result = verify_credential_proof(document, keys.ed25519_resolver())
    except Exception as error:
        raise _problem(
            f"the status list's proof cannot be processed ({type(error).__name__})"
        ) from None
    if not result.verified:
        reasons = "; ".join(f"{check.check}: {check.detail}" for check in result.problems)
        raise _problem(f"the status list's proof does not verify ({reasons or 'no proof'})")
    for method in result.verification_methods:
        if method.controller != list_issuer:
            raise _problem(f"the status list is signed by {method.id}, not by its issuer")


def _check_list_validity(document: Mapping[str, Any], now: datetime) -> None:
    """Refuse a list that is not valid yet or any more: its bits cannot be relied on."""
    start, end = (
        parse_datetime(document.get("validFrom")),
        parse_datetime(document.get("validUntil")),
    )
    if start is not None and start > now:
        raise _StatusProblem(Check.warning(NAME, "the status list is not valid yet"))
    if end is not None and end <= now:
        raise _StatusProblem(Check.warning(NAME, "the status list has expired; status unknown"))


def _decode(encoded: Any, *, own: bool) -> bytes:
    """Decode the list; this service's own lists (a few, of bounded size) are decoded once."""
    if not isinstance(encoded, str):
        raise _StatusProblem(Check.failed(NAME, "encodedList is missing", MALFORMED_VALUE_ERROR))
    try:
        bits = _decode_own(encoded) if own else decode_list(encoded)
    except EncodedListError as error:
        raise _StatusProblem(Check.failed(NAME, str(error), MALFORMED_VALUE_ERROR)) from None
    if len(bits) * 8 < MIN_LIST_BITS:
        detail = f"the status list has {len(bits) * 8} bits, fewer than {MIN_LIST_BITS}"
        raise _StatusProblem(Check.failed(NAME, detail, STATUS_LIST_LENGTH_ERROR))
    return bits


@lru_cache(maxsize=32)
def _decode_own(encoded: str) -> bytes:
    # Keyed by the encoded text itself, so a revocation (new text) is never answered from here.
    return decode_list(encoded)
