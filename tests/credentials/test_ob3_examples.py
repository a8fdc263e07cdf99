"""1EdTech's OB 3.0 examples: which signed ones verify, and why the others cannot."""

from __future__ import annotations

import pytest

from badge_issuer.credentials.jsonld.strict import find_problems
from badge_issuer.credentials.proofs.data_integrity import verify_credential_proof
from badge_issuer.credentials.proofs.multikey import decode_ed25519_public_key
from badge_issuer.credentials.proofs.verification_methods import VerificationMethod
from tests.credentials.shared_vectors import example_json, static_resolver

# Every signed example of 1EdTech's validator test suite uses the public test key of the OB 3.0
# implementation guide, under several https controller documents that are not published.
VALIDATOR_TEST_KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def _validator_key(method_id: str) -> VerificationMethod:
    """Resolve any verification method of the validator examples to the test key."""
    return VerificationMethod(
        id=method_id,
        controller=method_id.split("#")[0],
        public_key=decode_ed25519_public_key(VALIDATOR_TEST_KEY),
    )


class TestValidatorExamples:
    @pytest.mark.parametrize(
        "name",
        [
            "validator_simple.json",
            "validator_bit-string-list_credential-status-revoked.json",
            "validator_bitstring_status_list_credential.json",
        ],
    )
    def test_signed_example_verifies(self, name: str) -> None:
        result = verify_credential_proof(example_json(name), _validator_key)
        assert result.verified, result.problems

    def test_example_with_an_unsupported_second_proof_verifies_with_a_warning(self) -> None:
        result = verify_credential_proof(
            example_json("validator_simple-multiple-proofs.json"), _validator_key
        )
        assert result.verified
        warnings = [check for check in result.checks if check.status == "warning"]
        assert [check.check for check in warnings] == ["proof[0].proof-type"]
        assert "SomeProofType" in warnings[0].detail

    def test_signed_example_key_is_controlled_by_its_issuer(self) -> None:
        document = example_json("validator_simple.json")
        result = verify_credential_proof(document, _validator_key)
        assert result.verification_methods[0].controller == document["issuer"]["id"]

    def test_spec_complete_example_cannot_verify_it_is_unsigned(self) -> None:
        result = verify_credential_proof(
            example_json("spec_complete_openbadgecredential.json"), _validator_key
        )
        assert not result.verified
        assert [check.check for check in result.problems] == ["proof"]

    def test_spec_complete_example_needs_a_context_that_is_not_bundled(self) -> None:
        problems = find_problems(example_json("spec_complete_openbadgecredential.json"))
        assert [problem.kind for problem in problems] == ["invalid-json-ld"]
        assert "extensions.json" in problems[0].detail


class TestImplementationGuideVector:
    def test_vector_document_verifies_when_signed_as_published(self) -> None:
        vector = example_json("1edtech_eddsa_rdfc_2022_test_vector.json")
        signed = {
            **vector["unsignedCredential"],
            "proof": [{**vector["proofOptions"], "proofValue": vector["proofValue"]}],
        }
        resolver = static_resolver(
            vector["verificationMethod"],
            vector["verificationMethod"].split("#")[0],
            vector["publicKeyMultibase"],
        )
        assert verify_credential_proof(signed, resolver).verified
