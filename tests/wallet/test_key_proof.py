"""Key proofs (OpenID4VCI 1.0 Appendix F.1), pure: every way a proof is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from badge_issuer.wallet.key_proof import KeyProofInvalid, check_key_proof
from tests.wallet.wallet_client import DidKeyHolder, b64url, key_proof_jwt

AUD = "https://badges.example.jp"
NOW = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)


def _forged(header: dict[str, object], claims: dict[str, object], holder: DidKeyHolder) -> str:
    signing_input = ".".join(b64url(json.dumps(part).encode()) for part in (header, claims))
    return f"{signing_input}.{b64url(holder.sign(signing_input.encode()))}"


class TestCheckKeyProof:
    def test_valid_did_key_proof(self) -> None:
        holder = DidKeyHolder()
        proof = key_proof_jwt(holder, audience=AUD, nonce="n1", issued_at=NOW)
        checked = check_key_proof(proof, audience=AUD, now=NOW)
        assert checked.holder_did == holder.did
        assert checked.nonce == "n1"

    def test_audience_may_be_a_list(self) -> None:
        holder = DidKeyHolder()
        header = {"alg": "EdDSA", "typ": "openid4vci-proof+jwt", "kid": holder.verification_method}
        claims = {"aud": ["x", AUD], "iat": int(NOW.timestamp()), "nonce": "n"}
        assert check_key_proof(_forged(header, claims, holder), audience=AUD, now=NOW)

    @pytest.mark.parametrize(
        ("header_change", "message"),
        [
            ({"alg": "HS256"}, "EdDSA"),
            ({"alg": "none"}, "EdDSA"),
            ({"typ": "JWT"}, "typ"),
            ({"kid": "https://example.org/key"}, "did:key or did:jwk"),
            ({"kid": "did:key:z6MkBad#z6MkBad"}, "kid"),
            ({"jwk": {"kty": "OKP"}}, "kid DID URL only"),
        ],
    )
    def test_header_refusals(self, header_change: dict[str, object], message: str) -> None:
        holder = DidKeyHolder()
        header = {"alg": "EdDSA", "typ": "openid4vci-proof+jwt", "kid": holder.verification_method}
        claims = {"aud": AUD, "iat": int(NOW.timestamp()), "nonce": "n"}
        with pytest.raises(KeyProofInvalid, match=message):
            check_key_proof(_forged(header | header_change, claims, holder), audience=AUD, now=NOW)

    @pytest.mark.parametrize(
        ("claims_change", "message", "error"),
        [
            ({"aud": "https://other.example"}, "aud", "invalid_proof"),
            ({"iat": "yesterday"}, "iat", "invalid_proof"),
            ({"iat": 10**20}, "iat", "invalid_proof"),
            ({"iat": int(NOW.timestamp()) - 3600}, "recent", "invalid_proof"),
            ({"iat": int(NOW.timestamp()) + 3600}, "recent", "invalid_proof"),
            ({"nonce": ""}, "c_nonce", "invalid_nonce"),
            ({"nonce": None}, "c_nonce", "invalid_nonce"),
        ],
    )
    def test_claim_refusals(
        self, claims_change: dict[str, object], message: str, error: str
    ) -> None:
        holder = DidKeyHolder()
        header = {"alg": "EdDSA", "typ": "openid4vci-proof+jwt", "kid": holder.verification_method}
        claims = {"aud": AUD, "iat": int(NOW.timestamp()), "nonce": "n"} | claims_change
        with pytest.raises(KeyProofInvalid, match=message) as refused:
            check_key_proof(_forged(header, claims, holder), audience=AUD, now=NOW)
        assert refused.value.error == error

    @pytest.mark.parametrize("proof", [None, 5, "", "a.b", "a.b.c", "x" * 9000])
    def test_not_a_jws(self, proof: object) -> None:
        with pytest.raises(KeyProofInvalid):
            check_key_proof(proof, audience=AUD, now=NOW)

    def test_did_jwk_with_a_private_key_is_refused(self) -> None:
        holder = DidKeyHolder()
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(holder.public_bytes), "d": "secret"}
        did = "did:jwk:" + b64url(json.dumps(jwk).encode())
        proof = key_proof_jwt(holder, audience=AUD, nonce="n", issued_at=NOW, kid=f"{did}#0")
        with pytest.raises(KeyProofInvalid, match="private"):
            check_key_proof(proof, audience=AUD, now=NOW)

    def test_did_jwk_of_another_curve_is_refused(self) -> None:
        holder = DidKeyHolder()
        jwk = {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}
        did = "did:jwk:" + b64url(json.dumps(jwk).encode())
        proof = key_proof_jwt(holder, audience=AUD, nonce="n", issued_at=NOW, kid=f"{did}#0")
        with pytest.raises(KeyProofInvalid, match="Ed25519"):
            check_key_proof(proof, audience=AUD, now=NOW)
