"""Pure email handling: normalisation, a plausibility check, and the keyed hash of learners."""

from __future__ import annotations

import hashlib
import hmac
import re

MAX_EMAIL_LENGTH = 254
_LOCAL_PART = re.compile(r"[^\s@\x00-\x1f\x7f]{1,64}")
_DOMAIN_LABEL = re.compile(r"[^\s@.\x00-\x1f\x7f_]{1,63}")


def normalise_email(email: str) -> str:
    """Trim and lower-case an email: one learner, whatever case a provider sends."""
    return email.strip().lower()


def email_problem(normalised: str) -> str | None:
    """Say why a normalised email is not plausible, or None when it is."""
    if not normalised:
        return "email is empty"
    if len(normalised) > MAX_EMAIL_LENGTH:
        return f"email is longer than {MAX_EMAIL_LENGTH} characters"
    local, at, domain = normalised.rpartition("@")
    if not at or not _LOCAL_PART.fullmatch(local):
        return "email needs one local part before a single @"
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        return "email domain must be dot-separated labels, like example.jp"
    if any(label.startswith("-") or label.endswith("-") for label in labels):
        return "email domain labels cannot start or end with a hyphen"
    return None


def email_hash(normalised: str, *, secret: bytes) -> str:
    """HMAC-SHA256 of the normalised email, hex: matches a learner without storing the email."""
    return hmac.new(secret, normalised.encode("utf-8"), hashlib.sha256).hexdigest()
