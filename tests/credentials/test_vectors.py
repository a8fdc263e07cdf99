"""The published eddsa-rdfc-2022 vectors, reproduced byte for byte (W3C alumni, employ; 1EdTech)."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer
from badge_issuer.credentials.proofs import eddsa_rdfc_2022
from badge_issuer.credentials.proofs.data_integrity import (
    sign_credential,
    verify_credential_proof,
)
from badge_issuer.credentials.proofs.multikey import encode_base58btc
from badge_issuer.credentials.proofs.verification_methods import KeyResolver
from badge_issuer.keys.signer import InMemoryEd25519Signer
from tests.credentials.shared_vectors import (
    static_resolver,
    vector_canonicalizer,
    vector_json,
    vector_loader,
    vector_text,
)


@dataclass(frozen=True)
class VectorSet:
    """Everything one published vector fixes, read from ../shared."""

    unsigned: dict[str, Any]
    proof_options: dict[str, Any]
    canonical_document: str
    canonical_proof_config: str
    document_hash: str
    proof_hash: str
    hash_data: str
    signature: str
    proof_value: str
    signed: dict[str, Any]
    signer: InMemoryEd25519Signer
    resolver: KeyResolver


def _w3c(folder: str, unsigned_file: str) -> VectorSet:
    """Return a W3C vc-di-eddsa vector set (alumni or employ), signed with the did:key pair."""
    key_pair = vector_json("keyPair.json")
    public = key_pair["publicKeyMultibase"]
    method = f"did:key:{public}#{public}"
    options = vector_json(folder, "proofConfigDataInt.json")
    return VectorSet(
        unsigned=vector_json(unsigned_file),
        proof_options={key: value for key, value in options.items() if key != "@context"},
        canonical_document=vector_text(folder, "canonDocDataInt.txt"),
        canonical_proof_config=vector_text(folder, "proofCanonDataInt.txt"),
        document_hash=vector_text(folder, "docHashDataInt.txt").strip(),
        proof_hash=vector_text(folder, "proofHashDataInt.txt").strip(),
        hash_data=vector_text(folder, "combinedHashDataInt.txt").strip(),
        signature=vector_text(folder, "sigHexDataInt.txt").strip(),
        proof_value=vector_text(folder, "sigBTC58DataInt.txt").strip(),
        signed=vector_json(folder, "signedDataInt.json"),
        signer=InMemoryEd25519Signer.from_secret_multibase(key_pair["privateKeyMultibase"], method),
        resolver=static_resolver(method, f"did:key:{public}", public),
    )


def _one_edtech() -> VectorSet:
    """Return 1EdTech's OB 3.0 vector (https verification method, 64-byte secret key form)."""
    key_pair = vector_json("ob3-1edtech", "keyPair.json")
    expected = vector_json("ob3-1edtech", "expected.json")
    return VectorSet(
        unsigned=vector_json("ob3-1edtech", "unsigned.json"),
        proof_options=vector_json("ob3-1edtech", "proofOptions.json"),
        canonical_document=vector_text("ob3-1edtech", "document-canon.txt"),
        canonical_proof_config=vector_text("ob3-1edtech", "proof-canon.txt"),
        document_hash=expected["documentHashHex"],
        proof_hash=expected["proofHashHex"],
        hash_data=expected["dataToSignHex"],
        signature=expected["signatureHex"],
        proof_value=expected["proofValue"],
        signed=vector_json("ob3-1edtech", "signed.json"),
        signer=InMemoryEd25519Signer.from_secret_multibase(
            key_pair["secretKeyMultibase"], key_pair["id"]
        ),
        resolver=static_resolver(
            key_pair["id"], key_pair["controller"], key_pair["publicKeyMultibase"]
        ),
    )


VECTOR_SETS: dict[str, Callable[[], VectorSet]] = {
    "w3c-alumni": lambda: _w3c("alumni", "unsigned.json"),
    "w3c-employ": lambda: _w3c("employ", "employmentAuth.json"),
    "1edtech-ob3": _one_edtech,
}


@pytest.fixture(params=sorted(VECTOR_SETS))
def vector(request: pytest.FixtureRequest) -> VectorSet:
    return VECTOR_SETS[request.param]()


@pytest.fixture(scope="module")
def canonicalizer() -> Canonicalizer:
    return vector_canonicalizer()


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TestEddsaRdfc2022Vectors:
    def test_canonical_document_is_byte_identical(
        self, vector: VectorSet, canonicalizer: Canonicalizer
    ) -> None:
        form = eddsa_rdfc_2022.transformation(vector.unsigned, vector.proof_options, canonicalizer)
        assert form.nquads == vector.canonical_document
        assert form.problems == ()

    def test_canonical_proof_configuration_is_byte_identical(
        self, vector: VectorSet, canonicalizer: Canonicalizer
    ) -> None:
        form = eddsa_rdfc_2022.proof_configuration(
            vector.unsigned, vector.proof_options, canonicalizer
        )
        assert form.nquads == vector.canonical_proof_config

    def test_document_and_proof_hashes_match(self, vector: VectorSet) -> None:
        assert _sha256_hex(vector.canonical_document) == vector.document_hash
        assert _sha256_hex(vector.canonical_proof_config) == vector.proof_hash

    def test_hash_data_is_proof_hash_then_document_hash(self, vector: VectorSet) -> None:
        hash_data = eddsa_rdfc_2022.hashing(
            vector.canonical_document, vector.canonical_proof_config
        )
        assert hash_data.hex() == vector.hash_data

    def test_signature_and_proof_value_match(self, vector: VectorSet) -> None:
        signature = eddsa_rdfc_2022.proof_serialization(
            bytes.fromhex(vector.hash_data), vector.signer
        )
        assert signature.hex() == vector.signature
        assert encode_base58btc(signature) == vector.proof_value

    def test_create_proof_reproduces_the_published_proof(
        self, vector: VectorSet, canonicalizer: Canonicalizer
    ) -> None:
        proof = eddsa_rdfc_2022.create_proof(
            vector.unsigned, vector.proof_options, vector.signer, canonicalizer
        )
        published = vector.signed["proof"]
        published = published[0] if isinstance(published, list) else published
        assert proof == published

    def test_sign_credential_gives_the_published_proof_value(
        self, vector: VectorSet, canonicalizer: Canonicalizer
    ) -> None:
        created = datetime.fromisoformat(vector.proof_options["created"])
        signed = sign_credential(
            vector.unsigned, vector.signer, created, canonicalizer=canonicalizer
        )
        assert signed["proof"][0]["proofValue"] == vector.proof_value

    def test_published_signed_document_verifies(
        self, vector: VectorSet, canonicalizer: Canonicalizer
    ) -> None:
        result = verify_credential_proof(
            vector.signed, vector.resolver, canonicalizer=canonicalizer
        )
        assert result.verified, result.problems
        assert [method.id for method in result.verification_methods] == [
            vector.signer.verification_method
        ]

    def test_templates_reproduce_the_vector_once_learned(self, vector: VectorSet) -> None:
        learning = Canonicalizer(vector_loader(), build_after=1)
        learning.canonical_form(vector.unsigned)
        form = learning.canonical_form(vector.unsigned)
        assert form.from_template
        assert form.nquads == vector.canonical_document


def _first_proof(document: dict[str, Any]) -> dict[str, Any]:
    proof = document["proof"]
    return proof[0] if isinstance(proof, list) else proof


TAMPERINGS: dict[str, Callable[[dict[str, Any]], None]] = {
    "name": lambda doc: doc.update(name=doc.get("name", "") + "!"),
    "validFrom": lambda doc: doc.update(validFrom="2030-01-01T00:00:00Z"),
    "issuer": lambda doc: doc.update(issuer="https://attacker.example/issuer"),
    "proof.created": lambda doc: _first_proof(doc).update(created="2024-01-01T00:00:00Z"),
    "proof.proofValue": lambda doc: _first_proof(doc).update(
        proofValue=_first_proof(doc)["proofValue"][:-2] + "11"
    ),
}


class TestTamperedVectors:
    @pytest.mark.parametrize("field", sorted(TAMPERINGS))
    def test_tampered_copy_fails_the_signature_check(
        self, vector: VectorSet, canonicalizer: Canonicalizer, field: str
    ) -> None:
        tampered = copy.deepcopy(vector.signed)
        TAMPERINGS[field](tampered)
        result = verify_credential_proof(tampered, vector.resolver, canonicalizer=canonicalizer)
        assert not result.verified
        assert "signature" in {check.check for check in result.problems}
