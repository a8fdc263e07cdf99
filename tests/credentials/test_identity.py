"""Recipient identity: salted, hashed email and the check that a credential names an email."""

from __future__ import annotations

import hashlib
import re

import pytest

from badge_issuer.credentials.identity import (
    credential_matches_email,
    email_identity,
    email_identity_hash,
)
from badge_issuer.credentials.salt import new_salt
from badge_issuer.learners.identity import normalise_email
from tests.credentials.factories import make_credential

SALT = "8f14e45fceea167a5a36dedd4bea2543"


class TestEmailIdentity:
    def test_hash_is_sha256_of_normalised_email_then_salt(self) -> None:
        expected = hashlib.sha256(b"sato.hanako@example.jp" + SALT.encode()).hexdigest()
        assert email_identity_hash(" Sato.Hanako@Example.JP\n", SALT) == f"sha256${expected}"

    def test_identity_object_is_hashed_email_address_with_its_salt(self) -> None:
        identity = email_identity("sato.hanako@example.jp", SALT)
        assert identity.to_jsonld() == {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "identityHash": email_identity_hash("sato.hanako@example.jp", SALT),
            "salt": SALT,
        }

    def test_empty_salt_is_refused(self) -> None:
        with pytest.raises(ValueError, match="salt"):
            email_identity("sato.hanako@example.jp", "")

    def test_normalisation_trims_and_lower_cases(self) -> None:
        assert normalise_email("  Takahashi.KEN@Example.jp ") == "takahashi.ken@example.jp"

    def test_same_email_with_different_salts_gives_unlinkable_hashes(self) -> None:
        assert email_identity_hash("a@example.jp", "s1") != email_identity_hash(
            "a@example.jp", "s2"
        )


class TestNewSalt:
    def test_salts_are_fresh_hex_strings(self) -> None:
        salts = {new_salt() for _ in range(20)}
        assert len(salts) == 20
        assert all(re.fullmatch("[0-9a-f]{32}", salt) for salt in salts), salts


class TestCredentialMatchesEmail:
    def test_recipient_email_matches_in_any_case_and_spacing(self) -> None:
        credential = make_credential(email="sato.hanako@example.jp")
        assert credential_matches_email("  SATO.hanako@example.jp", credential)

    def test_other_email_does_not_match(self) -> None:
        credential = make_credential(email="sato.hanako@example.jp")
        assert not credential_matches_email("takahashi.ken@example.jp", credential)

    def test_upper_case_hex_hash_matches(self) -> None:
        credential = make_credential(email="sato.hanako@example.jp")
        identity = credential["credentialSubject"]["identifier"][0]
        identity["identityHash"] = "sha256$" + identity["identityHash"][7:].upper()
        assert credential_matches_email("sato.hanako@example.jp", credential)

    def test_unhashed_identity_compares_normalised_plain_text(self) -> None:
        credential = make_credential()
        credential["credentialSubject"]["identifier"] = [
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": False,
                "identityHash": "Sato.Hanako@example.jp",
            }
        ]
        assert credential_matches_email("sato.hanako@example.jp", credential)

    def test_credential_without_identifier_matches_nothing(self) -> None:
        credential = make_credential()
        del credential["credentialSubject"]["identifier"]
        assert not credential_matches_email("sato.hanako@example.jp", credential)

    def test_other_identity_types_are_ignored(self) -> None:
        credential = make_credential(email="sato.hanako@example.jp")
        credential["credentialSubject"]["identifier"][0]["identityType"] = "userName"
        assert not credential_matches_email("sato.hanako@example.jp", credential)
