"""Credential assembly: ../shared/CONTRACT.md section 3, and 1EdTech's canonical JSON schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import jsonschema
import pytest

from badge_issuer.credentials.assembly import (
    CREDENTIAL_CONTEXT,
    Assembler,
    InvalidCredentialInput,
    assemble_credential,
    revocation_entry,
)
from badge_issuer.credentials.identity import email_identity
from badge_issuer.credentials.jsonld.strict import find_problems
from badge_issuer.credentials.ob3 import AchievementSubject, OpenBadgeCredential, Result
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from tests.credentials.factories import (
    ISSUER_DID,
    SIGNED_AT,
    VALID_FROM,
    make_achievement,
    make_credential,
    make_evidence,
    make_issuer,
    make_signer,
)
from tests.shared_data import shared_path


def achievement_credential_validator() -> jsonschema.Draft201909Validator:
    """Return a validator for 1EdTech's canonical AchievementCredential schema, formats on."""
    path = shared_path("ob3-schemas", "1edtech-gh-pages", "achievementcredential.json")
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )


def _assemble(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "credential_id": "http://localhost:8000/credentials/1",
        "issuer": make_issuer(),
        "achievement": make_achievement(),
        "recipient": email_identity("a@example.jp", "salt"),
        "valid_from": VALID_FROM,
        "credential_status": revocation_entry("http://localhost:8000/status-lists/1", 0),
        **overrides,
    }
    return assemble_credential(**arguments)


class TestAssembleCredential:
    def test_contexts_are_vc_v2_then_ob_303(self) -> None:
        assert make_credential()["@context"] == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]

    def test_types_and_subject_follow_the_contract(self) -> None:
        credential = make_credential(credential_uuid="abc")
        assert credential["id"] == "http://localhost:8000/credentials/abc"
        assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert credential["issuer"]["id"] == ISSUER_DID
        subject = credential["credentialSubject"]
        assert subject["type"] == ["AchievementSubject"]
        assert "id" not in subject
        assert [identity["identityType"] for identity in subject["identifier"]] == ["emailAddress"]
        assert subject["identifier"][0]["hashed"] is True

    def test_status_is_one_revocation_entry(self) -> None:
        assert make_credential(status_index=7)["credentialStatus"] == {
            "id": "http://localhost:8000/status-lists/1#7",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "7",
            "statusListCredential": "http://localhost:8000/status-lists/1",
        }

    def test_dates_are_utc_date_time_stamps(self) -> None:
        credential = make_credential()
        assert credential["validFrom"] == "2026-11-20T01:00:00Z"
        assert credential["validUntil"] == "2029-11-20T01:00:00Z"

    def test_valid_until_is_omitted_when_the_achievement_does_not_expire(self) -> None:
        assert "validUntil" not in _assemble()

    def test_empty_evidence_and_results_are_omitted(self) -> None:
        credential = make_credential(evidence=[], results=[])
        assert "evidence" not in credential
        assert "result" not in credential["credentialSubject"]

    def test_name_defaults_to_the_achievement_name(self) -> None:
        assert make_credential()["name"] == make_achievement().name

    def test_credential_expiring_before_it_starts_is_refused(self) -> None:
        with pytest.raises(InvalidCredentialInput, match="validUntil"):
            _assemble(valid_until=VALID_FROM)

    def test_naive_datetime_is_refused(self) -> None:
        with pytest.raises(InvalidCredentialInput, match="timezone"):
            _assemble(valid_from=datetime(2026, 1, 1))

    def test_relative_credential_id_is_refused(self) -> None:
        with pytest.raises(InvalidCredentialInput, match="absolute IRI"):
            _assemble(credential_id="/credentials/1")

    def test_status_entry_with_another_purpose_is_refused(self) -> None:
        entry = revocation_entry("http://localhost:8000/status-lists/1", 0)
        entry.status_purpose = "suspension"
        with pytest.raises(InvalidCredentialInput, match="revocation"):
            _assemble(credential_status=entry)

    def test_assembled_credential_is_strict_json_ld(self) -> None:
        assert find_problems(make_credential()) == []

    def test_input_datetime_in_another_zone_is_written_in_utc(self) -> None:
        jst = timezone(timedelta(hours=9))
        credential = _assemble(valid_from=datetime(2026, 11, 20, 10, 0, tzinfo=jst))
        assert credential["validFrom"] == "2026-11-20T01:00:00Z"
        assert datetime.fromisoformat(credential["validFrom"]) == datetime(
            2026, 11, 20, 1, tzinfo=UTC
        )


def _arguments(**overrides: Any) -> dict[str, Any]:
    return {
        "credential_id": "http://localhost:8000/credentials/1",
        "issuer": make_issuer(),
        "achievement": make_achievement(),
        "recipient": email_identity("a@example.jp", "salt"),
        "valid_from": VALID_FROM,
        "credential_status": revocation_entry("http://localhost:8000/status-lists/1", 3),
        **overrides,
    }


def _model_dump(arguments: dict[str, Any]) -> dict[str, Any]:
    """The credential as `ob3.OpenBadgeCredential` validates and serialises the same inputs."""
    given = {"evidence": (), "results": (), "name": None, "description": None, **arguments}
    return OpenBadgeCredential(
        context=list(CREDENTIAL_CONTEXT),
        id=given["credential_id"],
        issuer=given["issuer"],
        name=given["name"] or given["achievement"].name,
        description=given["description"],
        valid_from=given["valid_from"],
        valid_until=given.get("valid_until"),
        credential_subject=AchievementSubject(
            id=given.get("subject_id"),
            identifier=[given["recipient"]],
            achievement=given["achievement"],
            result=list(given["results"]),
        ),
        evidence=list(given["evidence"]),
        credential_status=given["credential_status"],
    ).to_jsonld()


_VARIANTS: dict[str, dict[str, Any]] = {
    "minimal": {},
    "full": {
        "valid_until": VALID_FROM + timedelta(days=365, microseconds=5),
        "evidence": [make_evidence(), make_evidence("二つ目", "https://lms.example.jp/cert/9")],
        "results": [Result(value="92", result_description="urn:x:score")],
        "name": "名前",
        "description": "",
        "subject_id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    },
    "empty name and only evidence": {"name": "", "evidence": [make_evidence()]},
}


class TestSameAsTheModelsDump:
    """The assembled dict is the one `OpenBadgeCredential.to_jsonld()` gives: same keys in the
    same order (a stored document's text), so signatures and stored rows are unchanged."""

    @pytest.mark.parametrize("variant", sorted(_VARIANTS))
    def test_assembled_as_the_model_serialises(self, variant: str) -> None:
        arguments = _arguments(**_VARIANTS[variant])
        assembled = assemble_credential(**arguments)
        assert json.dumps(assembled) == json.dumps(_model_dump(arguments))

    def test_an_assembler_shares_the_parts_and_changes_nothing_else(self) -> None:
        assembler = Assembler()
        issuer, achievement = make_issuer(), make_achievement()
        documents = [
            assemble_credential(
                **_arguments(
                    issuer=issuer,
                    achievement=achievement,
                    credential_id=f"http://localhost:8000/credentials/{n}",
                    recipient=email_identity(f"{n}@example.jp", f"salt{n}"),
                ),
                assembler=assembler,
            )
            for n in range(3)
        ]
        assert (
            documents[0]["credentialSubject"]["achievement"]
            is (documents[2]["credentialSubject"]["achievement"])
        )
        for n, document in enumerate(documents):
            alone = _arguments(
                credential_id=f"http://localhost:8000/credentials/{n}",
                recipient=email_identity(f"{n}@example.jp", f"salt{n}"),
            )
            assert json.dumps(document) == json.dumps(_model_dump(alone))

    def test_a_relative_subject_id_is_refused(self) -> None:
        with pytest.raises(InvalidCredentialInput, match="absolute IRI"):
            assemble_credential(**_arguments(subject_id="wallet-1"))


class TestAchievementCredentialSchema:
    def test_signed_credential_validates(self) -> None:
        signed = sign_credential(make_credential(), make_signer(), SIGNED_AT)
        achievement_credential_validator().validate(signed)

    def test_minimal_signed_credential_validates(self) -> None:
        signed = sign_credential(_assemble(), make_signer(), SIGNED_AT)
        achievement_credential_validator().validate(signed)

    def test_schema_rejects_a_single_object_proof(self) -> None:
        signed = sign_credential(make_credential(), make_signer(), SIGNED_AT)
        signed["proof"] = signed["proof"][0]
        assert not achievement_credential_validator().is_valid(signed)
