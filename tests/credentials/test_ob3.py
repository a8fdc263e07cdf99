"""OB 3.0 models: camelCase on the wire, arrays where the spec says many, no nulls or empties."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from badge_issuer.credentials.ob3 import (
    Achievement,
    BitstringStatusListEntry,
    CredentialStatus,
    Criteria,
    DataIntegrityProof,
    Evidence,
    OpenBadgeCredential,
    Profile,
    Proof,
)
from tests.credentials.factories import make_achievement, make_credential
from tests.credentials.shared_vectors import example_json, vector_json


class TestSerialisation:
    def test_names_are_camel_case_on_the_wire(self) -> None:
        wire = make_achievement().to_jsonld()
        assert "achievementType" in wire
        assert "resultDescription" in wire
        assert wire["resultDescription"][0]["resultType"] == "Percent"

    def test_nulls_and_empty_arrays_are_omitted(self) -> None:
        wire = Evidence(name="certificate").to_jsonld()
        assert wire == {"type": ["Evidence"], "name": "certificate"}

    def test_multi_valued_properties_are_arrays(self) -> None:
        wire = Profile(id="did:example:1", type="Profile").to_jsonld()
        assert wire["type"] == ["Profile"]

    def test_snake_case_names_are_accepted_too(self) -> None:
        achievement = Achievement.model_validate(
            {
                "id": "https://example.com/a",
                "name": "n",
                "description": "d",
                "criteria": {"narrative": "c"},
                "achievement_type": "Badge",
            }
        )
        assert achievement.achievement_type == "Badge"

    def test_relative_ids_are_refused(self) -> None:
        with pytest.raises(ValidationError, match="absolute IRI"):
            Criteria(id="criteria/1")


class TestReadingCredentials:
    def test_assembled_credential_round_trips_exactly(self) -> None:
        credential = make_credential()
        assert OpenBadgeCredential.model_validate(credential).to_jsonld() == credential

    def test_spec_example_with_every_field_round_trips_exactly(self) -> None:
        example = example_json("spec_complete_openbadgecredential.json")
        assert OpenBadgeCredential.model_validate(example).to_jsonld() == example

    def test_single_object_proof_is_read_and_written_as_an_array(self) -> None:
        signed = vector_json("ob3-1edtech", "signed.json")
        model = OpenBadgeCredential.model_validate(signed)
        assert isinstance(model.proof[0], DataIntegrityProof)
        assert model.to_jsonld()["proof"] == [signed["proof"]]

    def test_proof_created_keeps_the_exact_signed_string(self) -> None:
        proof = DataIntegrityProof.model_validate(
            {
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "created": "2010-01-01T19:23:24.000+00:00",
                "verificationMethod": "did:key:z#z",
                "proofPurpose": "assertionMethod",
            }
        )
        assert proof.to_jsonld()["created"] == "2010-01-01T19:23:24.000+00:00"

    def test_other_proof_types_are_read(self) -> None:
        example = example_json("validator_simple-multiple-proofs.json")
        model = OpenBadgeCredential.model_validate(example)
        assert type(model.proof[0]) is Proof
        assert isinstance(model.proof[1], DataIntegrityProof)

    def test_bitstring_status_entry_is_typed(self) -> None:
        model = OpenBadgeCredential.model_validate(make_credential(status_index=23))
        assert isinstance(model.credential_status, BitstringStatusListEntry)
        assert model.credential_status.status_list_index == "23"

    def test_status_entry_with_a_numeric_index_is_read_as_a_generic_status(self) -> None:
        # Bitstring Status List v1.0 wants the index as a base-10 string; 1EdTech's sample has
        # the number 23, so it is not taken for a conforming BitstringStatusListEntry.
        example = example_json("validator_bit-string-list_credential-status-revoked.json")
        model = OpenBadgeCredential.model_validate(example)
        assert type(model.credential_status) is CredentialStatus
        assert model.to_jsonld()["credentialStatus"] == example["credentialStatus"]

    def test_other_status_types_are_read(self) -> None:
        credential = make_credential()
        credential["credentialStatus"] = {"id": "https://example.com/s#1", "type": "Other"}
        model = OpenBadgeCredential.model_validate(credential)
        assert type(model.credential_status) is CredentialStatus

    def test_issuer_may_be_a_url(self) -> None:
        credential = make_credential()
        credential["issuer"] = "https://example.com/issuer"
        assert OpenBadgeCredential.model_validate(credential).issuer == credential["issuer"]
