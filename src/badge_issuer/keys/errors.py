"""Signing key problems. None of them ever carries key material."""

from __future__ import annotations

from badge_issuer.problems import Conflict, NotFound, ProblemError


class KeyNotFound(NotFound):
    slug = "key-not-found"
    title = "Signing key not found"


class KeyStateConflict(Conflict):
    slug = "key-state-conflict"
    title = "The signing key is not in a state that allows this"


class KeyRevoked(KeyStateConflict):
    slug = "key-revoked"
    title = "Signing key is revoked"


class ConcurrentActivation(Conflict):
    slug = "concurrent-activation"
    title = "Another key was activated at the same time"


class NoActiveKey(Conflict):
    slug = "no-active-key"
    title = "The issuer has no active signing key"


class KeyUnavailable(ProblemError):
    """The wrapped key does not open: wrong KEK file, or the row was altered or moved."""

    slug = "signing-key-unavailable"
    title = "Signing key cannot be unwrapped"
    status = 503
