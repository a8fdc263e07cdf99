"""POST /verify's answer: `report_json` writes exactly what the report's response model writes."""

from __future__ import annotations

import json
from dataclasses import fields

from hypothesis import given, settings
from hypothesis import strategies as st

from badge_issuer.credentials.proofs.result import Check
from badge_issuer.verification.report import (
    CheckName,
    CredentialSummary,
    Format,
    RecipientMatch,
    VerificationReport,
)
from badge_issuer.verification.schemas import VerificationReportRead, report_json

# Any text the model can write: every code point but lone surrogates (which it cannot encode).
_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
_maybe = st.none() | _text
_SUMMARY_FIELDS = [field.name for field in fields(CredentialSummary)]
_checks = st.builds(
    Check,
    check=st.sampled_from(list(CheckName)) | _text,
    status=st.sampled_from(["passed", "failed", "warning"]),
    detail=_text,
    problem_type=_maybe,
)
_reports = st.builds(
    VerificationReport,
    format=st.sampled_from(list(Format)),
    checks=st.lists(_checks, max_size=6).map(tuple),
    credential=st.builds(CredentialSummary, **dict.fromkeys(_SUMMARY_FIELDS, _maybe)),
    recipient=st.none() | st.builds(RecipientMatch, matched=st.booleans(), detail=_text),
)


class TestReportJson:
    @settings(max_examples=400, deadline=None)
    @given(_reports)
    def test_writes_the_models_bytes(self, report: VerificationReport) -> None:
        model = VerificationReportRead.of(report).model_dump_json().encode("utf-8")
        assert report_json(report) == model

    def test_control_and_non_ascii_characters_as_the_model_writes_them(self) -> None:
        detail = 'a\x00\x1f\x7f\t\n"\\/é\u2028北海道\U0001f600'
        report = VerificationReport(
            Format.VC_JWT, (Check.failed(CheckName.PROOF, detail, "urn:x"),), CredentialSummary()
        )
        assert report_json(report) == VerificationReportRead.of(report).model_dump_json().encode()

    def test_a_lone_surrogate_is_escaped_not_an_error(self) -> None:
        # The model cannot write it at all; the answer stays JSON that reads back the same.
        report = VerificationReport(
            Format.LDP_VC,
            (Check.passed(CheckName.JSON, "x"),),
            CredentialSummary(id="urn:\ud800", achievement_name="名\udfff"),
        )
        written = report_json(report)
        written.decode("ascii")  # escaped, so the bytes are plain ASCII
        read = json.loads(written)
        assert read["credential"]["id"] == "urn:\ud800"
        assert read["credential"]["achievementName"] == "名\udfff"
        assert read["checks"] == [{"check": "json", "status": "passed", "detail": "x"}]
