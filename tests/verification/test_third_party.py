"""Credentials from elsewhere through the whole engine: lenient where the standards are lenient.

1EdTech's validator examples (../shared/ob3-schemas/examples) and credentials signed the way
Digital Bazaar's vc.js signs them (one `proof` object, which VC Data Model 2.0 allows and the
1EdTech JSON Schema does not) verify; the schema-only difference is a warning naming its path.
The VC Data Model MUSTs stay errors.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.credentials.proofs.multikey import decode_ed25519_public_key
from badge_issuer.verification.checks_data_model import data_model_problems
from badge_issuer.verification.ports import DidKeyResolver, ResolvedKey
from badge_issuer.verification.report import VerificationReport
from badge_issuer.verification.rules_generic import GENERIC_VC
from badge_issuer.verification.verify import verify_credential
from tests.credentials.shared_vectors import example_json
from tests.verification.factories import did_key_credential, did_key_signer
from tests.verification.resolvers import DictResolver

NOW = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
VALIDATOR_TEST_KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def _validator_resolver(document: dict[str, Any]) -> DictResolver:
    """The validator examples' issuer key (its controller documents are not published)."""
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    public = Ed25519PublicKey.from_public_bytes(decode_ed25519_public_key(VALIDATOR_TEST_KEY))
    keys = {
        proof["verificationMethod"]: ResolvedKey(
            id=proof["verificationMethod"],
            controller=proof["verificationMethod"].partition("#")[0],
            public_key=public,
        )
        for proof in proofs
        if "verificationMethod" in proof
    }
    return DictResolver(keys=keys)


def _failed(report: VerificationReport) -> set[str]:
    return {check.check for check in report.problems}


class TestValidatorExamples:
    @pytest.mark.parametrize(
        "name", ["validator_simple.json", "validator_simple-multiple-proofs.json"]
    )
    def test_signed_examples_verify(self, name: str) -> None:
        document = example_json(name)
        report = verify_credential(document, now=NOW, resolver=_validator_resolver(document))
        assert report.verified, report.problems
        assert report.check("schema").status == "passed"
        assert report.check("data-model").status == "passed"

    def test_a_single_proof_object_is_a_schema_warning_with_its_path(self) -> None:
        name = "validator_bit-string-list_credential-status-revoked.json"
        document = example_json(name)
        report = verify_credential(document, now=NOW, resolver=_validator_resolver(document))
        assert report.check("proof").status == "passed"
        schema = report.check("schema")
        assert schema.status == "warning"
        assert "proof: is one value where the 1EdTech schema wants an array" in schema.detail
        # Its status list is on a host this verifier may not fetch: not a verified credential,
        # but for that reason only (the list is named in the revocation check).
        assert _failed(report) <= {"revocation"}

    def test_a_vc_only_example_gets_the_generic_rule_set(self) -> None:
        document = example_json("validator_bitstring_status_list_credential.json")
        report = verify_credential(
            document, now=NOW, resolver=_validator_resolver(document), rules=GENERIC_VC
        )
        assert report.check("proof").status == "passed"
        assert report.check("data-model").status == "passed"


class TestVcJsSingleProof:
    def _single_proof(self) -> dict[str, Any]:
        credential = did_key_credential(did_key_signer(), now=NOW)
        return {**credential, "proof": credential["proof"][0]}

    def test_a_single_proof_object_verifies(self) -> None:
        report = verify_credential(self._single_proof(), now=NOW, resolver=DidKeyResolver())
        assert report.verified, report.problems
        assert report.check("schema").status == "warning"
        assert report.check("schema").detail.startswith("1EdTech schema only: proof:")

    def test_a_single_type_string_on_a_subobject_is_a_warning_too(self) -> None:
        document = self._single_proof()
        signer = did_key_signer()
        unsigned = {k: v for k, v in document.items() if k != "proof"}
        subject = dict(unsigned["credentialSubject"])
        subject["type"] = "AchievementSubject"
        signed = sign_credential({**unsigned, "credentialSubject": subject}, signer, NOW)
        report = verify_credential(signed, now=NOW, resolver=DidKeyResolver())
        assert report.verified, report.problems
        assert "credentialSubject.type: is one value" in report.check("schema").detail

    def test_a_missing_achievement_still_fails_the_schema(self) -> None:
        document = self._single_proof()
        del document["credentialSubject"]["achievement"]
        report = verify_credential(document, now=NOW, resolver=DidKeyResolver())
        assert report.check("schema").status == "failed"
        assert "credentialSubject.achievement: is required" in report.check("schema").detail


BASE = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "credentialSubject": {"id": "did:example:subject"},
}


class TestDataModelRules:
    """VC Data Model 2.0 MUSTs (the W3C VC 2.0 test suite's cases): errors, with their path."""

    @pytest.mark.parametrize(
        ("member", "value", "path"),
        [
            ("credentialStatus", {"id": "https://s.example/1"}, "credentialStatus.type"),
            ("termsOfUse", {"id": "https://t.example/1"}, "termsOfUse.type"),
            ("evidence", [{"id": "https://e.example/1"}], "evidence[0].type"),
            ("refreshService", {"id": "https://r.example/1"}, "refreshService.type"),
            ("credentialSchema", {"id": "https://c.example/1"}, "credentialSchema.type"),
            (
                "credentialSchema",
                {"id": "not a url", "type": "JsonSchema"},
                "credentialSchema.id",
            ),
            ("relatedResource", ["https://x.example"], "relatedResource[0]"),
            ("relatedResource", [{"id": "rel", "digestSRI": "sha384-x"}], "relatedResource[0].id"),
            ("relatedResource", [{"id": "https://x.example/a"}], "relatedResource[0]"),
            ("id", "relative", "id"),
            ("issuer", {"name": "no id"}, "issuer.id"),
            ("credentialSubject", [], "credentialSubject"),
        ],
    )
    def test_each_must_is_an_error_at_its_path(self, member: str, value: Any, path: str) -> None:
        problems = data_model_problems({**BASE, member: value})
        assert path in {found for found, _ in problems}

    def test_duplicate_related_resource_ids_are_an_error(self) -> None:
        item = {"id": "https://x.example/a", "digestSRI": "sha384-abc"}
        problems = data_model_problems({**BASE, "relatedResource": [item, item]})
        assert problems == [("relatedResource[1].id", "https://x.example/a is listed twice")]

    def test_objects_with_their_type_pass(self) -> None:
        document = {
            **BASE,
            "credentialStatus": {"id": "https://s.example/1#3", "type": "BitstringStatusListEntry"},
            "termsOfUse": [{"type": "TrustFramework"}],
            "evidence": {"type": ["Evidence"]},
            "refreshService": {
                "id": "https://r.example",
                "type": "VerifiableCredentialRefreshService2021",
            },
            "credentialSchema": [{"id": "https://c.example/s.json", "type": "JsonSchema"}],
            "relatedResource": [{"id": "https://x.example/a", "digestMultibase": "uEiBZ"}],
        }
        assert data_model_problems(document) == []

    def test_a_signed_credential_breaking_a_must_does_not_verify(self) -> None:
        signer = did_key_signer()
        did = signer.verification_method.partition("#")[0]
        document = {
            **BASE,
            "@context": [*BASE["@context"], "https://www.w3.org/ns/credentials/examples/v2"],
            "issuer": did,
            "termsOfUse": {"id": "https://t.example/1"},
        }
        signed = sign_credential(document, signer, NOW)
        report = verify_credential(signed, now=NOW, resolver=DidKeyResolver(), rules=GENERIC_VC)
        assert report.check("proof").status == "passed"
        assert report.check("data-model").status == "failed"
        assert not report.verified
