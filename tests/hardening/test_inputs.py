"""Inputs: email normalisation, skill map control characters and dates, bounded file reads,
JSON-LD errors in plain words."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest

from badge_issuer.credentials.identity import email_identity_hash
from badge_issuer.credentials.jsonld.strict import find_problems
from badge_issuer.kit.files import InputFileError, read_bounded
from badge_issuer.learners import identity
from badge_issuer.skillmap.validation import load_skill_map
from tests.harness import Harness
from tests.providers.factories import completion_body

V2 = "https://www.w3.org/ns/credentials/v2"


class TestOneLearnerPerAddress:
    @pytest.mark.parametrize(
        "typed",
        [
            "ＳＡＴＯ.hanako@example.jp",  # full-width
            "sato.hanako@ＥＸＡＭＰＬＥ.jp",
            " Sato.Hanako@Example.JP ",
        ],
    )
    def test_width_and_case_variants_are_one_learner(self, typed: str) -> None:
        assert identity.normalise_email(typed) == "sato.hanako@example.jp"

    def test_unicode_and_punycode_domains_are_one_learner(self) -> None:
        unicode_form = identity.normalise_email("sato@例え.jp")
        assert identity.normalise_email("sato@xn--r8jz45g.jp") == unicode_form
        assert identity.normalise_email("SATO@XN--R8JZ45G.JP") == unicode_form
        assert identity.email_problem(unicode_form) is None

    @pytest.mark.parametrize(
        ("typed", "code"),
        [
            ("sato\u200b.hanako@example.jp", "U+200B"),  # zero-width space
            ("sato.hanako@exa\u200dmple.jp", "U+200D"),  # zero-width joiner
            ("\u202esato.hanako@example.jp", "U+202E"),  # right-to-left override
            ("sato.hanako@example.jp\u2066", "U+2066"),  # isolate
            ("sato\ufeff@example.jp", "U+FEFF"),
        ],
    )
    def test_invisible_and_bidi_characters_are_refused(self, typed: str, code: str) -> None:
        problem = identity.email_problem(identity.normalise_email(typed))
        assert problem is not None
        assert code in problem

    def test_learners_already_stored_keep_their_hash(self) -> None:
        # Before: strip + lower. For every address that form already had, nothing changes.
        secret = b"s" * 32
        for stored in [
            "sato.hanako@example.jp",
            "佐藤@例え.jp",
            "first.last+tag@sub.example.co.jp",
        ]:
            before = hmac.new(secret, stored.encode(), hashlib.sha256).hexdigest()
            after = identity.email_hash(identity.normalise_email(stored), secret=secret)
            assert after == before, stored

    def test_credential_recipient_hashes_use_the_same_normalisation(self) -> None:
        salt = "0" * 32
        assert email_identity_hash("ＳＡＴＯ@xn--r8jz45g.jp", salt) == email_identity_hash(
            "sato@例え.jp", salt
        )

    def test_a_webhook_with_a_zero_width_email_is_422(self, harness: Harness) -> None:
        body = completion_body(course_id="X", certificate_url=None)
        body["learner"]["email"] = "sato\u200b@example.jp"
        answer = harness.post_completion("manabi-portal", body)
        assert answer.status_code == 422
        assert "U+200B" in answer.text


class TestSkillMapText:
    def test_a_control_character_is_refused_with_its_path(self) -> None:
        checked = load_skill_map('version: "1"\nskills:\n  - id: dx\n    name: "DX\\0入門"\n')
        assert not checked.ok
        assert [str(e) for e in checked.errors] == [
            "skills[0].name: contains the control character U+0000"
        ]

    def test_an_escape_in_a_nested_value_is_found(self) -> None:
        checked = load_skill_map('{"achievements": [{"criteria": {"narrative": "a\\u001bb"}}]}')
        assert "achievements[0].criteria.narrative" in str(checked.errors[0])

    def test_line_breaks_in_descriptions_are_text(self) -> None:
        checked = load_skill_map('version: "1"\nskills:\n  - id: dx\n    name: "a\\nb\\tc"\n')
        assert all("control character" not in str(e) for e in checked.errors)

    def test_an_impossible_date_is_an_error_not_an_exception(self) -> None:
        checked = load_skill_map("version: 2026-02-30\n")
        assert not checked.ok
        assert "day is out of range" in str(checked.errors[0])


class TestBoundedReads:
    def test_dev_zero_is_refused_at_once(self) -> None:
        with pytest.raises(InputFileError, match="not a regular file"):
            read_bounded(Path("/dev/zero"), max_bytes=1000)

    def test_a_large_file_is_refused_after_reading_the_cap(self, tmp_path: Path) -> None:
        big = tmp_path / "big"
        big.write_bytes(b"x" * 5000)
        with pytest.raises(InputFileError, match="larger than 1000 bytes"):
            read_bounded(big, max_bytes=1000)

    def test_missing_and_directory(self, tmp_path: Path) -> None:
        with pytest.raises(InputFileError, match="does not exist"):
            read_bounded(tmp_path / "nope", max_bytes=10)
        with pytest.raises(InputFileError, match="is a directory"):
            read_bounded(tmp_path, max_bytes=10)


def test_json_ld_errors_are_reported_in_plain_words() -> None:
    cyclic = {"@context": [V2, {"a": {"@id": "a:b", "@context": {"@import": 1}}}], "a": 1}
    problems = find_problems(cyclic)
    assert problems
    detail = problems[0].detail
    assert detail == "Cyclical context definition detected (cyclic IRI mapping)"
    for internal in ("jsonld.", "Type:", "Details", "{"):
        assert internal not in detail
