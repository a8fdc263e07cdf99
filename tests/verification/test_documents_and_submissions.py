"""Pure helpers: did:web documents, and what a POST /verify body may hold."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badge_issuer.credentials.proofs.multikey import encode_ed25519_public_key
from badge_issuer.verification.did_documents import (
    did_web_url,
    key_from_did_document,
    public_key_of_jwk,
)
from badge_issuer.verification.ports import ResolutionError
from badge_issuer.verification.submission import (
    MalformedSubmission,
    UnsupportedSubmissionType,
    parse_submission,
)

DID = "did:web:example.org:issuers:x"
PUBLIC = bytes(range(32))


def _b64url_int(value: int, length: int) -> str:
    return base64.urlsafe_b64encode(value.to_bytes(length, "big")).rstrip(b"=").decode()


def _document(**extra: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": [
            {
                "id": "#key-1",
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": encode_ed25519_public_key(PUBLIC),
            }
        ],
        "assertionMethod": ["#key-1"],
        **extra,
    }


class TestDidWebUrl:
    @pytest.mark.parametrize(
        ("did", "url"),
        [
            ("did:web:example.org", "https://example.org/.well-known/did.json"),
            ("did:web:example.org:issuers:x", "https://example.org/issuers/x/did.json"),
            ("did:web:example.org%3A8443:a:b", "https://example.org:8443/a/b/did.json"),
        ],
    )
    def test_maps_the_did_to_its_document_url(self, did: str, url: str) -> None:
        assert did_web_url(did) == url

    @pytest.mark.parametrize(
        "did", ["did:key:z6Mk", "did:web:", "did:web:a::b", "did:web:a#frag", "did:web:a/b"]
    )
    def test_refuses_what_is_not_a_did_web(self, did: str) -> None:
        with pytest.raises(ResolutionError):
            did_web_url(did)


class TestKeyFromDidDocument:
    def test_reads_a_multikey_listed_for_assertion(self) -> None:
        key = key_from_did_document(
            _document(), did=DID, method_id=f"{DID}#key-1", source="https://example.org"
        )
        assert key.controller == DID
        assert key.relationships == frozenset({"assertionMethod"})
        method = key.ed25519_method()
        assert method is not None
        assert method.public_key == PUBLIC

    def test_a_key_not_listed_for_assertion_has_no_such_relationship(self) -> None:
        key = key_from_did_document(
            _document(assertionMethod=[]), did=DID, method_id=f"{DID}#key-1", source="s"
        )
        assert key.relationships == frozenset()

    def test_refuses_a_document_of_another_did(self) -> None:
        with pytest.raises(ResolutionError, match="not the document"):
            key_from_did_document(
                _document(id="did:web:evil.example"), did=DID, method_id=f"{DID}#key-1", source="s"
            )

    def test_refuses_an_unlisted_method(self) -> None:
        with pytest.raises(ResolutionError, match="does not list"):
            key_from_did_document(_document(), did=DID, method_id=f"{DID}#key-9", source="s")

    def test_reads_a_p256_jwk(self) -> None:
        numbers = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()
        jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": _b64url_int(numbers.x, 32),
            "y": _b64url_int(numbers.y, 32),
        }
        assert isinstance(public_key_of_jwk(jwk), ec.EllipticCurvePublicKey)

    def test_reads_an_ed25519_jwk(self) -> None:
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": base64.urlsafe_b64encode(PUBLIC).decode()}
        assert isinstance(public_key_of_jwk(jwk), Ed25519PublicKey)

    def test_refuses_a_published_private_key(self) -> None:
        with pytest.raises(ResolutionError, match="private key"):
            public_key_of_jwk({"kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "AA"})

    def test_refuses_unsupported_curves(self) -> None:
        with pytest.raises(ResolutionError, match="not supported"):
            public_key_of_jwk({"kty": "EC", "crv": "secp256k1", "x": "AA", "y": "AA"})


CREDENTIAL = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["X"]}
JWS = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl"


class TestParseSubmission:
    def test_a_bare_credential(self) -> None:
        submission = parse_submission(json.dumps(CREDENTIAL).encode(), "application/json")
        assert submission.document == CREDENTIAL
        assert submission.email is None

    def test_a_wrapper_with_an_email(self) -> None:
        body = {"verifiableCredential": CREDENTIAL, "email": "a@example.jp"}
        submission = parse_submission(json.dumps(body).encode(), "application/json; charset=utf-8")
        assert submission.document == CREDENTIAL
        assert submission.email == "a@example.jp"

    def test_a_jwt_body(self) -> None:
        submission = parse_submission(f" {JWS}\n".encode(), "application/vc+jwt")
        assert submission.token == JWS

    def test_a_jwt_as_a_json_string_or_in_the_wrapper(self) -> None:
        assert parse_submission(json.dumps(JWS).encode(), None).token == JWS
        wrapped = {"verifiableCredential": JWS}
        assert parse_submission(json.dumps(wrapped).encode(), None).token == JWS

    def test_records_duplicate_members(self) -> None:
        body = b'{"@context": [], "type": ["A"], "type": ["B"]}'
        assert parse_submission(body, "application/json").duplicate_keys == ("type",)

    def test_records_each_repetition_in_order_and_keeps_the_last_value(self) -> None:
        body = b'{"@context": [], "b": 1, "a": {"x": 1, "x": 2}, "b": 2, "a": 3, "b": 4}'
        submission = parse_submission(body, "application/json")
        assert submission.duplicate_keys == ("x", "b", "a", "b")
        assert submission.document == {"@context": [], "b": 4, "a": 3}

    def test_a_credential_with_verifiable_credential_member_is_not_a_wrapper(self) -> None:
        body = {**CREDENTIAL, "verifiableCredential": "x"}
        assert parse_submission(json.dumps(body).encode(), None).document == body

    @pytest.mark.parametrize(
        "body",
        [
            b"",
            b"{",
            b"[]",
            b"42",
            b"Infinity",
            b'{"id": "x"}',
            b'"not a jwt"',
            b'{"verifiableCredential": [], "email": "a@example.jp"}',
            b'{"verifiableCredential": {"verifiableCredential": {}}}',
            b"[" * 100_000,
        ],
    )
    def test_refuses_what_is_not_a_credential(self, body: bytes) -> None:
        with pytest.raises(MalformedSubmission):
            parse_submission(body, "application/json")

    def test_refuses_other_media_types(self) -> None:
        with pytest.raises(UnsupportedSubmissionType):
            parse_submission(b"x", "text/html")
