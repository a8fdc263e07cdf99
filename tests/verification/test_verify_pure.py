"""The pure verifier with an in-memory resolver: fetched status lists, VC-JWT, hostile input."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from hypothesis import given
from hypothesis import strategies as st

from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.keys.signer import InMemoryEd25519Signer
from badge_issuer.status.document import status_list_credential
from badge_issuer.status.encoding import MIN_LIST_BITS, build_bitstring, encode_list
from badge_issuer.verification.checks_status import (
    MALFORMED_VALUE_ERROR,
    RANGE_ERROR,
    STATUS_LIST_LENGTH_ERROR,
)
from badge_issuer.verification.jwt import MalformedJwt
from badge_issuer.verification.ports import ResolvedKey
from badge_issuer.verification.report import Check, CredentialSummary, Format, report_of
from badge_issuer.verification.verify import OPEN_BADGES, verify_credential, verify_jwt
from tests.verification.factories import unsigned_credential
from tests.verification.resolvers import DictResolver

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
DID = "did:web:issuer.example.org:issuers:x"
METHOD = f"{DID}#key-1"
JWT_METHOD = f"{DID}#key-2"
LIST_URL = "https://issuer.example.org/status-lists/1"
INDEX = 4242
SIGNER = InMemoryEd25519Signer.from_seed(bytes(range(32)), METHOD)


def _key(method: str = METHOD, public_key: Any = None, **options: Any) -> ResolvedKey:
    key = public_key or Ed25519PublicKey.from_public_bytes(SIGNER.public_key)
    return ResolvedKey(id=method, controller=method.partition("#")[0], public_key=key, **options)


def _entry(index: int = INDEX, purpose: str = "revocation") -> dict[str, Any]:
    return {
        "id": f"{LIST_URL}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": LIST_URL,
    }


def _credential(entry: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    document = unsigned_credential(
        issuer_profile={"id": DID, "type": ["Profile"], "name": "Example issuer"},
        credential_id="urn:uuid:0b6f0f1c-6b57-4f0e-a6ec-4b1c4e3f8a10",
        status_entry=entry or _entry(),
        valid_from=NOW - timedelta(days=1),
        **options,
    )
    return sign_credential(document, SIGNER, NOW - timedelta(days=1))


def _status_list(
    revoked: tuple[int, ...] = (),
    *,
    issuer: str = DID,
    signer: InMemoryEd25519Signer = SIGNER,
    encoded: str | None = None,
) -> dict[str, Any]:
    unsigned = status_list_credential(
        url=LIST_URL,
        issuer=issuer,
        purpose="revocation",
        encoded_list=encoded or encode_list(build_bitstring(revoked, size=MIN_LIST_BITS)),
        valid_from=NOW - timedelta(hours=1),
    )
    return sign_credential(unsigned, signer, NOW - timedelta(hours=1))


def _resolver(status_list: dict[str, Any] | None = None, **options: Any) -> DictResolver:
    lists = {LIST_URL: status_list if status_list is not None else _status_list()}
    return DictResolver(keys={METHOD: _key()}, lists=lists, **options)


def _revocation(document: Any, resolver: DictResolver) -> Check:
    return verify_credential(document, now=NOW, resolver=resolver).check("revocation")


class TestFetchedStatusList:
    def test_a_clear_bit_passes(self) -> None:
        report = verify_credential(_credential(), now=NOW, resolver=_resolver())
        assert report.verified, report.problems
        assert report.check("revocation").status == "passed"

    def test_a_set_bit_means_revoked(self) -> None:
        check = _revocation(_credential(), _resolver(_status_list(revoked=(INDEX,))))
        assert check.status == "failed"
        assert "revoked" in check.detail

    def test_a_list_with_a_flipped_bit_after_signing_fails(self) -> None:
        forged = _status_list()
        forged["credentialSubject"]["encodedList"] = encode_list(
            build_bitstring([INDEX], size=MIN_LIST_BITS)
        )
        check = _revocation(_credential(), _resolver(forged))
        assert check.status == "failed"
        assert "proof does not verify" in check.detail

    def test_a_list_signed_by_another_key_fails(self) -> None:
        intruder = InMemoryEd25519Signer.from_seed(bytes(32), "did:web:evil.example#k")
        resolver = _resolver(_status_list(signer=intruder))
        resolver.keys["did:web:evil.example#k"] = ResolvedKey(
            id="did:web:evil.example#k",
            controller="did:web:evil.example",
            public_key=Ed25519PublicKey.from_public_bytes(intruder.public_key),
        )
        assert _revocation(_credential(), resolver).status == "failed"

    def test_a_list_of_another_issuer_fails(self) -> None:
        check = _revocation(_credential(), _resolver(_status_list(issuer="did:web:other.example")))
        assert check.status == "failed"
        assert "issued by" in check.detail

    def test_a_trusted_list_needs_no_proof(self) -> None:
        unsigned = {k: v for k, v in _status_list(revoked=(INDEX,)).items() if k != "proof"}
        check = _revocation(_credential(), _resolver(unsigned, trusted_lists=True))
        assert check.status == "failed"
        assert "revoked" in check.detail

    def test_a_list_shorter_than_131072_bits_fails(self) -> None:
        import gzip

        short = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(1024))).decode().rstrip("=")
        check = _revocation(_credential(), _resolver(_status_list(encoded=short)))
        assert (check.status, check.problem_type) == ("failed", STATUS_LIST_LENGTH_ERROR)

    def test_an_index_outside_the_list_fails(self) -> None:
        check = _revocation(_credential(_entry(index=MIN_LIST_BITS + 5)), _resolver())
        assert (check.status, check.problem_type) == ("failed", RANGE_ERROR)

    def test_a_malformed_encoded_list_fails(self) -> None:
        check = _revocation(_credential(), _resolver(_status_list(encoded="u$$$")))
        assert (check.status, check.problem_type) == ("failed", MALFORMED_VALUE_ERROR)

    def test_a_purpose_the_list_does_not_have_fails(self) -> None:
        document = _credential()
        document["credentialStatus"] = _entry(purpose="suspension")
        check = _revocation(document, _resolver())
        assert check.status == "failed"
        assert "suspension" in check.detail

    def test_an_unreachable_list_is_a_warning(self) -> None:
        resolver = DictResolver(keys={METHOD: _key()})
        check = _revocation(_credential(), resolver)
        assert check.status == "warning"
        assert "status not checked" in check.detail

    def test_a_non_numeric_index_fails(self) -> None:
        entry = _entry()
        entry["statusListIndex"] = "12a"
        document = _credential()
        document["credentialStatus"] = entry
        assert _revocation(document, _resolver()).status == "failed"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _jwt(header: dict[str, Any], payload: dict[str, Any], sign: Any) -> str:
    signing_input = (
        f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(payload).encode())}"
    )
    return f"{signing_input}.{_b64url(sign(signing_input.encode('ascii')))}"


def _vc_payload() -> dict[str, Any]:
    credential = {k: v for k, v in _credential().items() if k != "proof"}
    return {"vc": credential, "iss": DID, "nbf": int((NOW - timedelta(days=1)).timestamp())}


class TestVcJwtAlgorithms:
    def test_es256_with_a_p256_jwk_key(self) -> None:
        private = ec.generate_private_key(ec.SECP256R1())

        def sign(data: bytes) -> bytes:
            r, s = decode_dss_signature(private.sign(data, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")

        token = _jwt({"alg": "ES256", "kid": JWT_METHOD}, _vc_payload(), sign)
        resolver = _resolver()
        resolver.keys[JWT_METHOD] = _key(JWT_METHOD, public_key=private.public_key())
        report = verify_jwt(token, now=NOW, resolver=resolver)
        assert report.format is Format.VC_JWT
        assert report.verified, report.problems

    def test_rs256_with_a_2048_bit_key(self) -> None:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        token = _jwt(
            {"alg": "RS256", "kid": JWT_METHOD},
            _vc_payload(),
            lambda data: private.sign(data, padding.PKCS1v15(), hashes.SHA256()),
        )
        resolver = _resolver()
        resolver.keys[JWT_METHOD] = _key(JWT_METHOD, public_key=private.public_key())
        assert verify_jwt(token, now=NOW, resolver=resolver).verified

    def test_a_small_rsa_key_is_refused(self) -> None:
        private = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - the point of the test
        token = _jwt(
            {"alg": "RS256", "kid": JWT_METHOD},
            _vc_payload(),
            lambda data: private.sign(data, padding.PKCS1v15(), hashes.SHA256()),
        )
        resolver = _resolver()
        resolver.keys[JWT_METHOD] = _key(JWT_METHOD, public_key=private.public_key())
        check = verify_jwt(token, now=NOW, resolver=resolver).check("proof")
        assert check.status == "failed"
        assert "2048" in check.detail

    @pytest.mark.parametrize("alg", ["none", "HS256", "ES512", None])
    def test_other_algorithms_are_refused(self, alg: str | None) -> None:
        token = _jwt({"alg": alg, "kid": METHOD}, _vc_payload(), SIGNER.sign)
        check = verify_jwt(token, now=NOW, resolver=_resolver()).check("proof")
        assert check.status == "failed"
        assert "not accepted" in check.detail

    def test_an_alg_that_does_not_match_the_key_type_fails(self) -> None:
        token = _jwt({"alg": "ES256", "kid": METHOD}, _vc_payload(), SIGNER.sign)
        check = verify_jwt(token, now=NOW, resolver=_resolver()).check("proof")
        assert check.status == "failed"

    def test_a_relative_kid_is_resolved_against_iss(self) -> None:
        token = _jwt({"alg": "EdDSA", "kid": "#key-1"}, _vc_payload(), SIGNER.sign)
        assert verify_jwt(token, now=NOW, resolver=_resolver()).verified

    def test_the_payload_may_be_the_credential_itself(self) -> None:
        credential = {k: v for k, v in _credential().items() if k != "proof"}
        token = _jwt({"alg": "EdDSA", "kid": METHOD}, credential, SIGNER.sign)
        assert verify_jwt(token, now=NOW, resolver=_resolver()).verified

    def test_iss_other_than_the_issuer_fails(self) -> None:
        payload = {**_vc_payload(), "iss": "did:web:other.example"}
        token = _jwt({"alg": "EdDSA", "kid": METHOD}, payload, SIGNER.sign)
        assert verify_jwt(token, now=NOW, resolver=_resolver()).check("proof").status == "failed"

    def test_a_future_nbf_fails_valid_from(self) -> None:
        payload = {**_vc_payload(), "nbf": int((NOW + timedelta(hours=1)).timestamp())}
        token = _jwt({"alg": "EdDSA", "kid": METHOD}, payload, SIGNER.sign)
        report = verify_jwt(token, now=NOW, resolver=_resolver())
        assert report.check("valid-from").status == "failed"

    def test_a_token_that_is_not_a_jws_is_malformed(self) -> None:
        with pytest.raises(MalformedJwt):
            verify_jwt("a.b", now=NOW, resolver=_resolver())


class TestReport:
    def test_warnings_alone_leave_the_credential_verified(self) -> None:
        report = report_of(
            [Check.passed("json", "ok"), Check.warning("revocation", "no status")],
            format=Format.LDP_VC,
            credential=CredentialSummary(),
        )
        assert report.verified

    def test_a_report_without_checks_is_not_verified(self) -> None:
        report = report_of([], format=Format.LDP_VC, credential=CredentialSummary())
        assert not report.verified


_json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
_keys = st.sampled_from(
    [
        "@context",
        "type",
        "id",
        "issuer",
        "proof",
        "credentialSubject",
        "validFrom",
        "validUntil",
        "credentialStatus",
        "achievement",
        "statusListIndex",
        "x",
    ]
)
_json = st.recursive(
    _json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_keys, children, max_size=5),
    max_leaves=25,
)


class TestHostileInput:
    @given(_json)
    def test_never_raises_on_arbitrary_json(self, value: Any) -> None:
        report = verify_credential(value, now=NOW, resolver=DictResolver())
        assert report.checks[0].check == "json"

    @given(st.dictionaries(_keys, _json, max_size=8))
    def test_mutated_credentials_never_raise(self, changes: dict[str, Any]) -> None:
        document = {**_credential(), **changes}
        report = verify_credential(document, now=NOW, resolver=_resolver())
        assert [check.check for check in report.checks] == list(OPEN_BADGES.check_names)
