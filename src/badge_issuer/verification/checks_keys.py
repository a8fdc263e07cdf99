"""Key checks: is the proof's key the issuer's own assertion key, and is it still trusted?"""

from __future__ import annotations

from collections.abc import Sequence

from badge_issuer.credentials.proofs.verification_methods import (
    ASSERTION_METHOD,
    KeyResolutionError,
    KeyResolver,
    VerificationMethod,
)
from badge_issuer.verification.ports import ResolutionError, ResolvedKey, Resolver
from badge_issuer.verification.report import Check, CheckName


class KeyCache:
    """Resolves each verification method once per verification, failures included."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self._seen: dict[str, ResolvedKey | ResolutionError] = {}

    @property
    def resolver(self) -> Resolver:
        """The resolver behind the cache (status lists are resolved through it too)."""
        return self._resolver

    def get(self, method_id: str) -> ResolvedKey:
        """Return the resolved method, or raise the ResolutionError saying why not."""
        if method_id not in self._seen:
            try:
                self._seen[method_id] = self._resolver.resolve_key(method_id)
            except ResolutionError as error:
                self._seen[method_id] = error
        known = self._seen[method_id]
        if isinstance(known, ResolutionError):
            raise known
        return known

    def failure(self, method_id: str) -> str | None:
        """Return why `method_id` did not resolve, or None if it did (or was never asked)."""
        known = self._seen.get(method_id)
        return str(known) if isinstance(known, ResolutionError) else None

    def ed25519_resolver(self) -> KeyResolver:
        """Return the resolver callback the Data Integrity suite takes."""

        def resolve(method_id: str) -> VerificationMethod:
            try:
                key = self.get(method_id)
            except ResolutionError as error:
                raise KeyResolutionError(str(error)) from None
            method = key.ed25519_method()
            if method is None:
                raise KeyResolutionError(f"{method_id} is not an Ed25519 key")
            return method

        return resolve


def _keys_or_reason(
    method_ids: Sequence[str], keys: KeyCache
) -> tuple[list[ResolvedKey], str | None]:
    """Return the keys that resolved, or the reason none did."""
    resolved: list[ResolvedKey] = []
    reasons: list[str] = []
    for method_id in dict.fromkeys(method_ids):
        try:
            resolved.append(keys.get(method_id))
        except ResolutionError as error:
            reasons.append(str(error))
    if resolved:
        return resolved, None
    return [], "; ".join(reasons) or "the credential names no verification method"


def issuer_key_check(method_ids: Sequence[str], issuer: str | None, keys: KeyCache) -> Check:
    """Check that each proof key is listed by the issuer for assertionMethod and it controls it."""
    name = CheckName.ISSUER_KEY
    resolved, reason = _keys_or_reason(method_ids, keys)
    if reason is not None:
        return Check.skipped(name, f"no key resolved: {reason}")
    if issuer is None:
        return Check.failed(name, "the credential names no issuer id")
    for key in resolved:
        did = key.id.partition("#")[0]
        if key.controller != issuer or did != issuer:
            return Check.failed(
                name, f"{key.id} is controlled by {key.controller}, not by the issuer {issuer}"
            )
        if ASSERTION_METHOD not in key.relationships:
            return Check.failed(name, f"{issuer} does not list {key.id} under assertionMethod")
    listed = ", ".join(key.id for key in resolved)
    return Check.passed(name, f"{listed} is an assertionMethod key of {issuer}")


def key_not_revoked_check(method_ids: Sequence[str], keys: KeyCache) -> Check:
    """Check that no proof key was revoked by its controller."""
    name = CheckName.KEY_NOT_REVOKED
    resolved, reason = _keys_or_reason(method_ids, keys)
    if reason is not None:
        return Check.skipped(name, f"no key resolved: {reason}")
    revoked = [key.id for key in resolved if key.revoked]
    if revoked:
        return Check.failed(name, f"{revoked[0]} was revoked by its issuer")
    sources = ", ".join(sorted({key.source for key in resolved if key.source}))
    return Check.passed(name, "not revoked" + (f" ({sources})" if sources else ""))
