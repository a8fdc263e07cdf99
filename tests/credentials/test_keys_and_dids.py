"""Multikey encoding and did:key resolution for Ed25519."""

from __future__ import annotations

import base58
import pytest

from badge_issuer.credentials.didkey import (
    did_key_for,
    did_key_verification_method_id,
    resolve_did_key,
)
from badge_issuer.credentials.proofs.multikey import (
    InvalidMultikey,
    decode_ed25519_public_key,
    encode_ed25519_public_key,
)
from badge_issuer.credentials.proofs.verification_methods import (
    KeyResolutionError,
    chain_resolvers,
)
from tests.credentials.shared_vectors import vector_json


class TestMultikey:
    def test_vector_public_key_round_trips(self) -> None:
        key_pair = vector_json("ob3-1edtech", "keyPair.json")
        raw = bytes.fromhex(key_pair["publicKeyHex"])
        assert encode_ed25519_public_key(raw) == key_pair["publicKeyMultibase"]
        assert decode_ed25519_public_key(key_pair["publicKeyMultibase"]) == raw

    def test_ed25519_keys_start_with_z6mk(self) -> None:
        assert encode_ed25519_public_key(bytes(32)).startswith("z6Mk")

    def test_other_multicodec_is_refused(self) -> None:
        p256 = "z" + base58.b58encode(b"\x80\x24" + bytes(33)).decode()
        with pytest.raises(InvalidMultikey, match="0xed01"):
            decode_ed25519_public_key(p256)

    def test_other_multibase_is_refused(self) -> None:
        with pytest.raises(InvalidMultikey, match="base58-btc"):
            decode_ed25519_public_key("u7QE")

    def test_wrong_length_is_refused(self) -> None:
        short = "z" + base58.b58encode(b"\xed\x01" + bytes(31)).decode()
        with pytest.raises(InvalidMultikey, match="32 bytes"):
            decode_ed25519_public_key(short)


class TestDidKey:
    def test_vector_verification_method_resolves_to_its_key(self) -> None:
        public = vector_json("keyPair.json")["publicKeyMultibase"]
        method = resolve_did_key(f"did:key:{public}#{public}")
        assert method.controller == f"did:key:{public}"
        assert method.public_key_multibase == public
        assert "assertionMethod" in method.relationships

    def test_did_and_method_id_are_derived_from_the_key(self) -> None:
        raw = bytes(range(32))
        multibase = encode_ed25519_public_key(raw)
        assert did_key_for(raw) == f"did:key:{multibase}"
        assert did_key_verification_method_id(raw) == f"did:key:{multibase}#{multibase}"
        assert resolve_did_key(did_key_verification_method_id(raw)).public_key == raw

    def test_fragment_must_be_the_key(self) -> None:
        raw = encode_ed25519_public_key(bytes(32))
        with pytest.raises(KeyResolutionError, match="did:key:X#X"):
            resolve_did_key(f"did:key:{raw}#key-1")

    def test_non_ed25519_did_key_is_refused(self) -> None:
        method = "did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76"
        with pytest.raises(KeyResolutionError, match="0xed01"):
            resolve_did_key(f"{method}#zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76")

    def test_other_did_methods_are_not_resolved(self) -> None:
        with pytest.raises(KeyResolutionError, match="not a did:key"):
            resolve_did_key("did:web:example.com#key-1")

    def test_chained_resolvers_fall_through_to_did_key(self) -> None:
        def own_keys(method_id: str) -> None:
            raise KeyResolutionError(f"{method_id} is not ours")

        raw = bytes(range(32))
        resolve = chain_resolvers(own_keys, resolve_did_key)  # type: ignore[arg-type]
        assert resolve(did_key_verification_method_id(raw)).public_key == raw
        with pytest.raises(KeyResolutionError, match="not a did:key"):
            resolve("https://example.com/keys/1")
