"""Recipient identity: a salted SHA-256 hash of the learner's email, and the check against it.

OB 3.0 IdentityObject with `identityType` `emailAddress`, `hashed` true and `identityHash` =
`sha256$` + hex(SHA-256(normalised email + salt)), the salt carried in the credential so that
whoever is given the email can check it. A fresh salt per credential (see `salt.new_salt`)
keeps one learner's credentials unlinkable by hash. The email is normalised by the one
`learners.identity.normalise_email` (NFKC, lower case, Unicode domain), as for learners.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Mapping
from typing import Any

from badge_issuer.credentials.ob3 import IdentityObject
from badge_issuer.learners.identity import normalise_email

EMAIL_IDENTITY_TYPE = "emailAddress"
SHA256_PREFIX = "sha256$"


def email_identity_hash(email: str, salt: str) -> str:
    """Return `sha256$` + hex SHA-256 of the normalised email followed by the salt (UTF-8)."""
    digest = hashlib.sha256((normalise_email(email) + salt).encode("utf-8")).hexdigest()
    return SHA256_PREFIX + digest


def email_identity(email: str, salt: str) -> IdentityObject:
    """Return the hashed `emailAddress` IdentityObject of a recipient."""
    if not salt:
        raise ValueError("a recipient identity needs a non-empty salt")
    return IdentityObject(
        identity_type=EMAIL_IDENTITY_TYPE,
        hashed=True,
        identity_hash=email_identity_hash(email, salt),
        salt=salt,
    )


def _email_identifiers(credential: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Yield the `emailAddress` identity objects of a credential's subject(s)."""
    subjects = credential.get("credentialSubject")
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        if not isinstance(subject, Mapping):
            continue
        identifiers = subject.get("identifier")
        for identity in identifiers if isinstance(identifiers, list) else [identifiers]:
            if (
                isinstance(identity, Mapping)
                and identity.get("identityType") == EMAIL_IDENTITY_TYPE
            ):
                yield identity


def _identity_matches(email: str, identity: Mapping[str, Any]) -> bool:
    """Return whether one emailAddress IdentityObject identifies `email`."""
    claimed = identity.get("identityHash")
    if not isinstance(claimed, str):
        return False
    if identity.get("hashed") is not True:
        return hmac.compare_digest(
            normalise_email(claimed).encode(), normalise_email(email).encode()
        )
    salt = identity.get("salt") or ""
    if not isinstance(salt, str) or not claimed.lower().startswith(SHA256_PREFIX):
        return False
    # OB 3.0 allows upper- or lower-case hex in identityHash.
    expected = email_identity_hash(email, salt)
    return hmac.compare_digest(claimed.lower().encode(), expected.encode())


def credential_matches_email(email: str, credential: Mapping[str, Any]) -> bool:
    """Return whether the credential's recipient is identified by `email`."""
    return any(_identity_matches(email, identity) for identity in _email_identifiers(credential))
