"""Pure email handling: the one normalisation, a plausibility check, the keyed learner hash.

One learner is one address, however a provider or an admin types it:
- surrounding whitespace is dropped and the text is Unicode NFKC-normalised, so full-width
  `ＳＡＴＯ.hanako@…` and compatibility forms become their plain characters;
- everything is lower-cased (as before, so learners stored earlier keep their hash);
- the domain is written with Unicode labels: a punycode `xn--` label (IDNA) is decoded, so
  `user@例え.jp` and `user@xn--r8jz45g.jp` are the same learner. Unicode, not punycode, is the
  canonical form because that is what was hashed for such domains before.
Zero-width characters and bidirectional controls are refused (`email_problem`), never dropped:
an address that displays like another must not silently become it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

import idna

MAX_EMAIL_LENGTH = 254
_LOCAL_PART = re.compile(r"[^\s@\x00-\x1f\x7f]{1,64}")
_DOMAIN_LABEL = re.compile(r"[^\s@.\x00-\x1f\x7f_]{1,63}")
# Zero-width (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen, Mongolian vowel separator) and
# bidirectional controls (LRM, RLM, ALM, embeddings, overrides, isolates).
_INVISIBLE = re.compile(
    "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff]"
)


def normalise_email(email: str) -> str:
    """Return the one form an email is stored and hashed in (see the module docstring)."""
    text = unicodedata.normalize("NFKC", email.strip()).lower()
    local, at, domain = text.rpartition("@")
    if not at or not domain:
        return text
    return f"{local}@{_unicode_domain(domain)}"


def _unicode_domain(domain: str) -> str:
    if domain.isascii() and "xn--" not in domain:
        return domain
    try:
        return str(idna.decode(domain, uts46=True))
    except (idna.IDNAError, UnicodeError, ValueError):
        return domain  # left as typed: email_problem explains why it is refused


def email_problem(normalised: str) -> str | None:
    """Say why a normalised email is not plausible, or None when it is."""
    if not normalised:
        return "email is empty"
    invisible = _INVISIBLE.search(normalised)
    if invisible:
        return (
            f"email contains the invisible or direction-changing character "
            f"U+{ord(invisible.group()):04X}"
        )
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
    if not domain.isascii() or "xn--" in domain:
        try:
            idna.encode(domain, uts46=True)
        except (idna.IDNAError, UnicodeError, ValueError):
            return "email domain is not a valid internationalised domain name (IDNA)"
    return None


def email_hash(normalised: str, *, secret: bytes) -> str:
    """HMAC-SHA256 of the normalised email, hex: matches a learner without storing the email."""
    return hmac.new(secret, normalised.encode("utf-8"), hashlib.sha256).hexdigest()
