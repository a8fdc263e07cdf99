"""Pure VC API parts: issuance rules, request parsing, JSON pointers, result mapping."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from badge_issuer.credentials.jsonld.loader import default_loader
from badge_issuer.vcapi import request, rules
from badge_issuer.vcapi.problem_details import json_pointer, pointer_of_path
from badge_issuer.vcapi.results import verification_result
from badge_issuer.verification import data_model
from badge_issuer.verification.report import Check, CredentialSummary, Format, VerificationReport
from badge_issuer.verification.rules_generic import (
    GENERIC_CHECKS,
    contexts_check,
    validity_checks,
    verify_generic_credential,
)
from tests.vcapi.factories import DATA_INTEGRITY_V2, VC_V1, VC_V2, vc2, vc11

ISSUER = "did:web:localhost%3A8000:issuers:sapporo"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _pointers(document: dict[str, Any]) -> list[str]:
    problems = rules.credential_problems(document, known_contexts=default_loader().urls)
    return [found.pointer for found in problems]


class TestCredentialRules:
    def test_a_test_suite_credential_has_no_problem(self) -> None:
        assert _pointers(vc2(ISSUER)) == []

    def test_a_vc11_credential_has_no_problem(self) -> None:
        assert _pointers(vc11({"id": ISSUER})) == []

    @pytest.mark.parametrize(
        "value",
        [
            "2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00.123456789+09:00",
            "2024-02-29T23:59:59-05:00",
        ],
    )
    def test_accepts_date_time_stamps(self, value: str) -> None:
        assert data_model.parse_date_time_stamp(value) is not None

    @pytest.mark.parametrize(
        "value",
        ["2024-01-01", "2024-01-01T00:00:00", "2024-01-01t00:00:00z", "2023-02-29T00:00:00Z", ""],
    )
    def test_refuses_other_dates(self, value: str) -> None:
        assert data_model.parse_date_time_stamp(value) is None

    def test_vc11_validity_properties_are_its_own(self) -> None:
        document = vc11(ISSUER, validUntil="not checked in 1.1", expirationDate="soon")
        assert _pointers(document) == ["/credential/expirationDate"]

    def test_first_context_must_be_a_base_context(self) -> None:
        document = vc2(ISSUER)
        document["@context"] = [{"@vocab": "https://example.org/"}, VC_V2]
        assert _pointers(document) == ["/credential/@context/0"]

    def test_missing_context(self) -> None:
        document = vc2(ISSUER)
        del document["@context"]
        assert _pointers(document) == ["/credential/@context"]

    def test_empty_subject_list(self) -> None:
        assert _pointers(vc2(ISSUER, credentialSubject=[])) == ["/credential/credentialSubject"]

    def test_empty_subject_in_a_list_is_named_by_index(self) -> None:
        document = vc2(ISSUER, credentialSubject=[{"id": "did:example:1"}, {}])
        assert _pointers(document) == ["/credential/credentialSubject/1"]

    def test_adds_data_integrity_context_to_vc11_only(self) -> None:
        assert rules.with_proof_context(vc11(ISSUER))["@context"] == [VC_V1, DATA_INTEGRITY_V2]
        assert rules.with_proof_context(vc2(ISSUER))["@context"] == vc2(ISSUER)["@context"]

    def test_string_vc11_context_is_completed(self) -> None:
        document = {**vc11(ISSUER), "@context": VC_V1}
        assert rules.with_proof_context(document)["@context"] == [VC_V1, DATA_INTEGRITY_V2]

    def test_jsonld_problems_point_at_the_property(self) -> None:
        document = vc2(ISSUER, credentialSubject=[{"id": "did:example:1", "nick": "Yu"}])
        document["@context"] = [VC_V2]
        problems = rules.jsonld_problems(document, default_loader())
        assert [found.pointer for found in problems] == ["/credential/credentialSubject/0/nick"]


class TestRequestParsing:
    def test_parses_an_issue_request(self) -> None:
        parsed = request.parse_issue_request(b'{"credential": {"a": 1}, "options": {}}')
        assert parsed.credential == {"a": 1}

    @pytest.mark.parametrize(
        "body",
        [b"", b"[]", b'{"credential": 1}', b'{"credential": {}, "extra": 1}', b"\xff"],
    )
    def test_refuses_malformed_bodies(self, body: bytes) -> None:
        with pytest.raises(request.MalformedRequest):
            request.parse_issue_request(body)

    def test_refuses_infinity(self) -> None:
        with pytest.raises(request.MalformedRequest, match="not JSON"):
            request.parse_issue_request(b'{"credential": {"x": Infinity}}')

    def test_refuses_nesting_deeper_than_the_parser(self) -> None:
        body = b'{"credential": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        with pytest.raises(request.MalformedRequest, match="nested"):
            request.parse_issue_request(body)

    def test_names_unknown_options(self) -> None:
        parsed = request.parse_verify_request(
            b'{"verifiableCredential": {}, "options": {"checks": ["proof"], "domain": "x"}}'
        )
        assert [found.pointer for found in request.unknown_options(parsed.options)] == [
            "/options/domain"
        ]


class TestPointers:
    def test_escapes_reference_tokens(self) -> None:
        assert json_pointer("/credential", "a/b", "c~d", 0) == "/credential/a~1b/c~0d/0"

    def test_converts_core_paths(self) -> None:
        assert pointer_of_path("/c", "credentialSubject[0].achievement.name") == (
            "/c/credentialSubject/0/achievement/name"
        )
        assert pointer_of_path("/c", "$") == "/c"


class TestGenericChecks:
    def test_contexts_check_accepts_inline_objects(self) -> None:
        document = {"@context": [VC_V1, DATA_INTEGRITY_V2, {"x": "https://example.org/x"}]}
        assert contexts_check(document, known=default_loader().urls).status == "passed"

    def test_vc11_issuance_date_in_the_future_fails(self) -> None:
        document = vc11(ISSUER, issuanceDate="2030-01-01T00:00:00Z")
        assert [check.status for check in validity_checks(document, NOW)] == ["failed", "passed"]

    def test_result_maps_failures_warnings_and_passes(self) -> None:
        report = VerificationReport(
            Format.LDP_VC,
            (
                Check.passed("proof", "ok"),
                Check.failed("valid-from", "not valid before 2030"),
                Check.warning("revocation", "no credentialStatus"),
            ),
            CredentialSummary(),
        )
        result = verification_result(report, vc11(ISSUER), type_base="https://p.example/")
        assert result.verified is False
        assert result.checks == ("proof",)
        [error] = result.errors
        assert error.type == "https://www.w3.org/TR/vc-data-model#RANGE_ERROR"
        assert error.pointer == "/verifiableCredential/issuanceDate"
        [warning] = result.warnings
        assert warning.type == "https://p.example/verification-warning"

    def test_a_credential_that_is_not_an_object_skips_every_later_check(self) -> None:
        report = verify_generic_credential([], now=NOW, resolver=_NoResolver())
        assert [check.check for check in report.checks] == list(GENERIC_CHECKS)
        assert [check.status for check in report.checks][:2] == ["failed", "warning"]


class _NoResolver:
    """A resolver that is never asked (the checks stop before any key is needed)."""

    def resolve_key(self, verification_method: str) -> Any:
        raise AssertionError(verification_method)

    def resolve_status_list(self, url: str) -> Any:
        raise AssertionError(url)
