"""sign_credential / verify_credential_proof: the calls the issuer and the verifier make."""

from __future__ import annotations

import copy
import re
from datetime import datetime
from typing import Any

import pytest

from badge_issuer.credentials.didkey import did_key_verification_method_id
from badge_issuer.credentials.jsonld.strict import JsonLdRejected
from badge_issuer.credentials.proofs import registry
from badge_issuer.credentials.proofs.data_integrity import (
    DocumentAlreadySigned,
    sign_credential,
    verify_credential_proof,
)
from badge_issuer.credentials.proofs.eddsa_rdfc_2022 import ProofGenerationError
from badge_issuer.credentials.proofs.result import (
    DATA_LOSS_DETECTION_ERROR,
    INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
    INVALID_VERIFICATION_METHOD,
    MALFORMED_PROOF_ERROR,
    MISMATCHED_PROOF_PURPOSE_ERROR,
    PROOF_VERIFICATION_ERROR,
)
from badge_issuer.credentials.proofs.verification_methods import (
    KeyResolutionError,
    VerificationMethod,
)
from badge_issuer.keys.signer import InMemoryEd25519Signer
from tests.credentials.factories import (
    SIGNED_AT,
    make_credential,
    make_signer,
    resolver_for,
)

SIGNER = make_signer()
RESOLVE = resolver_for(SIGNER)


@pytest.fixture
def signed() -> dict[str, Any]:
    return sign_credential(make_credential(), SIGNER, SIGNED_AT)


def _failed(document: dict[str, Any], **kwargs: Any) -> dict[str, str | None]:
    result = verify_credential_proof(document, kwargs.pop("resolve_key", RESOLVE), **kwargs)
    assert not result.verified
    return {check.check: check.problem_type for check in result.problems}


class TestSignCredential:
    def test_adds_a_proof_array_with_one_data_integrity_proof(self, signed: dict[str, Any]) -> None:
        (proof,) = signed["proof"]
        assert proof["type"] == "DataIntegrityProof"
        assert proof["cryptosuite"] == "eddsa-rdfc-2022"
        assert proof["proofPurpose"] == "assertionMethod"
        assert proof["verificationMethod"] == SIGNER.verification_method
        assert proof["created"] == "2026-11-20T01:00:05Z"
        assert re.fullmatch(r"z[1-9A-HJ-NP-Za-km-z]{86,88}", proof["proofValue"])

    def test_leaves_the_input_unchanged(self) -> None:
        credential = make_credential()
        before = copy.deepcopy(credential)
        sign_credential(credential, SIGNER, SIGNED_AT)
        assert credential == before

    def test_is_deterministic(self) -> None:
        first = sign_credential(make_credential(), SIGNER, SIGNED_AT)
        assert sign_credential(make_credential(), SIGNER, SIGNED_AT) == first

    def test_refuses_an_already_signed_document(self, signed: dict[str, Any]) -> None:
        with pytest.raises(DocumentAlreadySigned):
            sign_credential(signed, SIGNER, SIGNED_AT)

    def test_refuses_undefined_terms_naming_their_path(self) -> None:
        credential = make_credential()
        credential["credentialSubject"]["achievement"]["foo"] = "bar"
        with pytest.raises(JsonLdRejected, match=r"credentialSubject\.achievement\.foo"):
            sign_credential(credential, SIGNER, SIGNED_AT)

    def test_refuses_relative_ids(self) -> None:
        credential = make_credential()
        credential["evidence"][0]["id"] = "cert/123"
        with pytest.raises(JsonLdRejected, match=r"evidence\[0\]\.id"):
            sign_credential(credential, SIGNER, SIGNED_AT)

    def test_refuses_an_absurdly_deep_document(self) -> None:
        credential = make_credential()
        nested: dict[str, Any] = {"name": "x"}
        for _ in range(900):
            nested = {"description": [nested]}
        credential["evidence"][0]["narrative"] = nested
        with pytest.raises(JsonLdRejected, match="nested too deeply"):
            sign_credential(credential, SIGNER, SIGNED_AT)

    def test_refuses_a_naive_creation_time(self) -> None:
        with pytest.raises(ProofGenerationError, match="timezone"):
            sign_credential(make_credential(), SIGNER, datetime(2026, 1, 1))

    def test_refuses_an_unknown_cryptosuite(self) -> None:
        with pytest.raises(registry.UnknownCryptosuite):
            sign_credential(make_credential(), SIGNER, SIGNED_AT, cryptosuite="ecdsa-rdfc-2019")


class TestVerifyCredentialProof:
    def test_signed_credential_verifies_with_every_check_passed(
        self, signed: dict[str, Any]
    ) -> None:
        result = verify_credential_proof(signed, RESOLVE)
        assert result.verified
        assert [check.check for check in result.checks] == [
            "proof-type",
            "proof-value",
            "proof-created",
            "proof-purpose",
            "verification-method",
            "verification-relationship",
            "document-json-ld",
            "proof-options-json-ld",
            "signature",
        ]
        assert {check.status for check in result.checks} == {"passed"}
        assert [method.id for method in result.verification_methods] == [SIGNER.verification_method]

    def test_single_object_proof_verifies(self, signed: dict[str, Any]) -> None:
        signed["proof"] = signed["proof"][0]
        assert verify_credential_proof(signed, RESOLVE).verified

    def test_did_key_is_resolved_without_a_resolver(self) -> None:
        seed = bytes(range(1, 33))
        public = InMemoryEd25519Signer.from_seed(seed, "x#y").public_key
        signer = InMemoryEd25519Signer.from_seed(seed, did_key_verification_method_id(public))
        signed = sign_credential(make_credential(), signer, SIGNED_AT)
        assert verify_credential_proof(signed).verified

    def test_missing_proof_is_a_failed_check(self) -> None:
        assert _failed(make_credential()) == {"proof": MALFORMED_PROOF_ERROR}

    def test_unknown_key_fails_and_the_signature_is_not_checked(
        self, signed: dict[str, Any]
    ) -> None:
        assert _failed(signed, resolve_key=resolver_for()) == {
            "verification-method": INVALID_VERIFICATION_METHOD,
            "signature": PROOF_VERIFICATION_ERROR,
        }

    def test_revoked_key_reason_is_reported(self, signed: dict[str, Any]) -> None:
        def revoked(method_id: str) -> VerificationMethod:
            raise KeyResolutionError(f"{method_id} was revoked: key compromise")

        result = verify_credential_proof(signed, revoked)
        details = {check.check: check.detail for check in result.problems}
        assert "key compromise" in details["verification-method"]

    def test_other_signers_key_fails_the_signature(self, signed: dict[str, Any]) -> None:
        impostor = make_signer(seed=bytes(32))
        assert _failed(signed, resolve_key=resolver_for(impostor)) == {
            "signature": PROOF_VERIFICATION_ERROR
        }

    def test_unexpected_proof_purpose_fails(self, signed: dict[str, Any]) -> None:
        assert _failed(signed, expected_proof_purpose="authentication") == {
            "proof-purpose": MISMATCHED_PROOF_PURPOSE_ERROR
        }

    def test_key_not_authorised_for_assertions_fails(self, signed: dict[str, Any]) -> None:
        method = RESOLVE(SIGNER.verification_method)

        def authentication_only(method_id: str) -> VerificationMethod:
            return VerificationMethod(
                method.id, method.controller, method.public_key, frozenset({"authentication"})
            )

        assert _failed(signed, resolve_key=authentication_only) == {
            "verification-relationship": INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD
        }

    def test_malformed_proof_value_fails(self, signed: dict[str, Any]) -> None:
        signed["proof"][0]["proofValue"] = "zNotBase58!!"
        assert _failed(signed) == {
            "proof-value": MALFORMED_PROOF_ERROR,
            "signature": PROOF_VERIFICATION_ERROR,
        }

    def test_invalid_created_fails(self, signed: dict[str, Any]) -> None:
        signed["proof"][0]["created"] = "yesterday"
        assert _failed(signed) == {
            "proof-created": MALFORMED_PROOF_ERROR,
            "signature": MALFORMED_PROOF_ERROR,
        }

    def test_undefined_term_added_after_signing_is_named(self, signed: dict[str, Any]) -> None:
        signed["credentialSubject"]["nickname"] = "hanako"
        result = verify_credential_proof(signed, RESOLVE)
        problems = {check.check: check for check in result.problems}
        assert problems["document-json-ld"].problem_type == DATA_LOSS_DETECTION_ERROR
        assert "credentialSubject.nickname" in problems["document-json-ld"].detail
        assert set(problems) == {"document-json-ld"}

    def test_unknown_context_is_reported_not_raised(self, signed: dict[str, Any]) -> None:
        signed["@context"] = [*signed["@context"], "https://example.com/unknown-context"]
        failed = _failed(signed)
        assert failed["document-json-ld"] == DATA_LOSS_DETECTION_ERROR
        assert failed["signature"] == PROOF_VERIFICATION_ERROR

    def test_wrong_proof_type_fails(self, signed: dict[str, Any]) -> None:
        signed["proof"][0]["type"] = "Ed25519Signature2020"
        assert _failed(signed) == {"proof-type": MALFORMED_PROOF_ERROR}

    def test_only_unsupported_proofs_fail(self, signed: dict[str, Any]) -> None:
        signed["proof"][0]["cryptosuite"] = "bbs-2023"
        assert _failed(signed) == {"proof": PROOF_VERIFICATION_ERROR}

    def test_every_proof_of_a_proof_set_is_checked(self, signed: dict[str, Any]) -> None:
        second = sign_credential(make_credential(), make_signer(bytes(32), "key-2"), SIGNED_AT)
        signed["proof"].append(second["proof"][0])
        assert _failed(signed) == {
            "proof[1].verification-method": INVALID_VERIFICATION_METHOD,
            "proof[1].signature": PROOF_VERIFICATION_ERROR,
        }

    def test_absurdly_deep_document_is_reported_not_raised(self, signed: dict[str, Any]) -> None:
        nested: dict[str, Any] = {"name": "x"}
        for _ in range(900):
            nested = {"description": [nested]}
        signed["evidence"][0]["narrative"] = nested
        failed = _failed(signed)
        assert failed["document-json-ld"] == DATA_LOSS_DETECTION_ERROR

    @pytest.mark.parametrize(
        ("field", "value"),
        [("created", 12), ("verificationMethod", ["a"]), ("proofValue", 5), ("type", None)],
    )
    def test_proof_fields_of_the_wrong_json_type_fail(
        self, signed: dict[str, Any], field: str, value: object
    ) -> None:
        signed["proof"][0][field] = value
        assert not verify_credential_proof(signed, RESOLVE).verified

    @pytest.mark.parametrize("proof", ["x", [1, 2], {"type": 5}, None, {}])
    def test_garbage_proofs_never_raise(self, proof: object) -> None:
        document = {**make_credential(), "proof": proof}
        assert not verify_credential_proof(document, RESOLVE).verified


class TestRegistry:
    def test_eddsa_rdfc_2022_is_registered(self) -> None:
        assert "eddsa-rdfc-2022" in registry.registered_names()
        assert registry.suite_for("eddsa-rdfc-2022") is registry.EDDSA_RDFC_2022

    def test_unknown_name_is_refused(self) -> None:
        with pytest.raises(registry.UnknownCryptosuite, match="eddsa-2022"):
            registry.suite_for("eddsa-2022")

    def test_a_name_cannot_be_taken_twice(self) -> None:
        impostor = registry.Cryptosuite(
            name="eddsa-rdfc-2022",
            proof_type="DataIntegrityProof",
            proof_options=registry.EDDSA_RDFC_2022.proof_options,
            create_proof=registry.EDDSA_RDFC_2022.create_proof,
            verify_proof=registry.EDDSA_RDFC_2022.verify_proof,
        )
        with pytest.raises(ValueError, match="already registered"):
            registry.register(impostor)
