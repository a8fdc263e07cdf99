"""Email normalisation, plausibility and the keyed hash (pure)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from badge_issuer.learners import identity


class TestNormaliseEmail:
    def test_trims_and_lower_cases(self) -> None:
        assert identity.normalise_email("  Sato.Hanako@Example.JP\n") == "sato.hanako@example.jp"

    def test_is_idempotent(self) -> None:
        once = identity.normalise_email(" A@B.example ")
        assert identity.normalise_email(once) == once


class TestEmailProblem:
    @pytest.mark.parametrize(
        "email",
        ["a@example.jp", "first.last+tag@sub.example.co.jp", "佐藤@例え.jp", "x@a-b.example"],
    )
    def test_plausible_addresses_pass(self, email: str) -> None:
        assert identity.email_problem(email) is None

    @pytest.mark.parametrize(
        "email",
        [
            "",
            "no-at-sign",
            "@example.jp",
            "a@",
            "a@localhost",
            "a@b@example.jp",
            "a b@example.jp",
            "a@exa mple.jp",
            "a@example..jp",
            "a@-example.jp",
            "a@example.jp-",
            "a\x00@example.jp",
            "x" * 65 + "@example.jp",
            "a@" + "b" * 250 + ".jp",
        ],
    )
    def test_implausible_addresses_are_explained(self, email: str) -> None:
        assert identity.email_problem(email)


class TestEmailHash:
    def test_is_hmac_sha256_hex_of_the_normalised_email(self) -> None:
        expected = hmac.new(b"k", b"a@example.jp", hashlib.sha256).hexdigest()
        assert identity.email_hash("a@example.jp", secret=b"k") == expected

    def test_depends_on_the_secret(self) -> None:
        one = identity.email_hash("a@example.jp", secret=b"one")
        assert one != identity.email_hash("a@example.jp", secret=b"two")
