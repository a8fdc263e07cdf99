"""The in-memory Ed25519 signer: signs, fits the Signer protocol, never shows its key."""

from __future__ import annotations

import copy
import json
import pickle

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badge_issuer.credentials.proofs.multikey import encode_ed25519_public_key
from badge_issuer.credentials.proofs.signer import Signer
from badge_issuer.keys.signer import InMemoryEd25519Signer, InvalidSigningKey
from tests.shared_data import shared_path

SEED = bytes(range(32))
METHOD = "did:web:localhost%3A8000:issuers:default#key-1"


def _vector_key_pair() -> dict[str, str]:
    path = shared_path("vectors", "eddsa-rdfc-2022", "ob3-1edtech", "keyPair.json")
    data: dict[str, str] = json.loads(path.read_text())
    return data


class TestInMemoryEd25519Signer:
    def test_signature_verifies_with_its_public_key(self) -> None:
        signer = InMemoryEd25519Signer.from_seed(SEED, METHOD)
        signature = signer.sign(b"hash data")
        Ed25519PublicKey.from_public_bytes(signer.public_key).verify(signature, b"hash data")

    def test_exposes_verification_method_and_key_id(self) -> None:
        signer = InMemoryEd25519Signer.from_seed(SEED, METHOD)
        assert signer.verification_method == METHOD
        assert signer.key_id == "key-1"
        assert signer.public_key_multibase == encode_ed25519_public_key(signer.public_key)

    def test_satisfies_the_signer_protocol(self) -> None:
        signer: Signer = InMemoryEd25519Signer.from_seed(SEED, METHOD)
        assert len(signer.sign(b"x")) == 64

    def test_repr_and_str_show_no_key_material(self) -> None:
        signer = InMemoryEd25519Signer.from_seed(SEED, METHOD)
        for text in (repr(signer), str(signer), f"{signer}"):
            assert METHOD in text
            assert SEED.hex() not in text
            assert SEED.hex().upper() not in text
            assert "_private_key" not in text

    def test_cannot_be_pickled_or_copied(self) -> None:
        signer = InMemoryEd25519Signer.from_seed(SEED, METHOD)
        with pytest.raises(TypeError, match="private key"):
            pickle.dumps(signer)
        with pytest.raises(TypeError, match="private key"):
            copy.deepcopy(signer)

    def test_has_no_instance_dict_to_leak_through(self) -> None:
        signer = InMemoryEd25519Signer.from_seed(SEED, METHOD)
        assert not hasattr(signer, "__dict__")

    def test_seed_must_have_32_bytes(self) -> None:
        with pytest.raises(InvalidSigningKey, match="32 bytes"):
            InMemoryEd25519Signer.from_seed(SEED[:31], METHOD)

    def test_verification_method_needs_a_fragment(self) -> None:
        with pytest.raises(InvalidSigningKey, match="key id"):
            InMemoryEd25519Signer.from_seed(SEED, "did:web:localhost")

    def test_generated_keys_differ(self) -> None:
        first = InMemoryEd25519Signer.generate(METHOD)
        assert first.public_key != InMemoryEd25519Signer.generate(METHOD).public_key


class TestSecretKeyMultibase:
    def test_64_byte_secret_form_of_the_1edtech_vector(self) -> None:
        key_pair = _vector_key_pair()
        signer = InMemoryEd25519Signer.from_secret_multibase(
            key_pair["secretKeyMultibase"], key_pair["id"]
        )
        assert signer.public_key.hex() == key_pair["publicKeyHex"]

    def test_32_byte_seed_form_of_the_w3c_vector(self) -> None:
        path = shared_path("vectors", "eddsa-rdfc-2022", "keyPair.json")
        key_pair = json.loads(path.read_text())
        signer = InMemoryEd25519Signer.from_secret_multibase(
            key_pair["privateKeyMultibase"], "did:key:x#x"
        )
        assert signer.public_key_multibase == key_pair["publicKeyMultibase"]

    def test_seed_is_the_first_half_of_the_1edtech_private_key_hex(self) -> None:
        key_pair = _vector_key_pair()
        signer = InMemoryEd25519Signer.from_seed(
            bytes.fromhex(key_pair["privateKeyHex"])[:32], key_pair["id"]
        )
        assert signer.public_key.hex() == key_pair["publicKeyHex"]

    def test_public_key_multibase_is_not_a_secret_key(self) -> None:
        with pytest.raises(InvalidSigningKey, match="0x1300"):
            InMemoryEd25519Signer.from_secret_multibase(
                _vector_key_pair()["publicKeyMultibase"], METHOD
            )
