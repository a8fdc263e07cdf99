"""Presentations (pure): DID authentication by did:key holders, with both suites wallets use."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from badge_issuer.credentials.proofs.data_integrity import sign_presentation
from badge_issuer.keys.signer import InMemoryEd25519Signer
from badge_issuer.verification.ports import DidKeyResolver
from badge_issuer.verification.presentation import PresentationReport, verify_presentation
from badge_issuer.verification.report import Format
from tests.verification.factories import did_key_credential, did_key_signer

NOW = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
CHALLENGE = "c0ffee-4c1e-49a2-9d2f-5b6f1b0e7a11"
DOMAIN = "https://badges.example.jp"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
SUITES = ("Ed25519Signature2020", "eddsa-rdfc-2022")


def _holder(seed: int = 7) -> InMemoryEd25519Signer:
    return did_key_signer(bytes([seed]) * 32)


def _did(signer: InMemoryEd25519Signer) -> str:
    return signer.verification_method.partition("#")[0]


def _contexts(suite: str, base: str = VC_V2) -> list[str]:
    if suite == "Ed25519Signature2020":
        return [base, ED25519_2020]
    return [base] if base == VC_V2 else [base, DATA_INTEGRITY_V2]


def did_auth(
    suite: str,
    signer: InMemoryEd25519Signer,
    *,
    base: str = VC_V2,
    challenge: str | None = CHALLENGE,
    domain: str | None = DOMAIN,
    **members: Any,
) -> dict[str, Any]:
    """A DID-authentication presentation as the Learner Credential Wallet sends it."""
    presentation = {
        "@context": _contexts(suite, base),
        "type": ["VerifiablePresentation"],
        "holder": _did(signer),
        **members,
    }
    return sign_presentation(
        presentation, signer, NOW, challenge=challenge, domain=domain, cryptosuite=suite
    )


def _verify(
    presentation: Any, *, challenge: str | None = CHALLENGE, domain: str | None = DOMAIN
) -> PresentationReport:
    return verify_presentation(
        presentation, challenge=challenge, domain=domain, now=NOW, resolver=DidKeyResolver()
    )


@pytest.mark.parametrize("suite", SUITES)
class TestDidAuthentication:
    def test_a_signed_presentation_authenticates_its_holder(self, suite: str) -> None:
        signer = _holder()
        report = _verify(did_auth(suite, signer))
        assert report.verified, report.checks
        assert report.holder == _did(signer)
        assert report.check("proof").status == "passed"
        assert "authentication" in report.check("proof").detail

    def test_vc_1_1_presentations_verify_too(self, suite: str) -> None:
        signer = _holder()
        report = _verify(did_auth(suite, signer, base=VC_V1))
        assert report.verified, report.checks

    def test_a_holder_object_with_an_id_is_accepted(self, suite: str) -> None:
        signer = _holder()
        presentation = {
            "@context": _contexts(suite),
            "type": ["VerifiablePresentation"],
            "holder": {"id": _did(signer)},
        }
        signed = sign_presentation(
            presentation, signer, NOW, challenge=CHALLENGE, domain=DOMAIN, cryptosuite=suite
        )
        assert _verify(signed).holder == _did(signer)

    def test_another_challenge_is_refused(self, suite: str) -> None:
        report = _verify(did_auth(suite, _holder()), challenge="another")
        assert not report.verified
        assert report.holder is None
        assert "challenge" in report.check("proof").detail

    def test_another_domain_is_refused(self, suite: str) -> None:
        report = _verify(did_auth(suite, _holder()), domain="https://evil.example")
        assert not report.verified
        assert "domain" in report.check("proof").detail

    def test_a_proof_without_challenge_is_refused_when_one_was_issued(self, suite: str) -> None:
        report = _verify(did_auth(suite, _holder(), challenge=None))
        assert not report.verified

    def test_a_changed_challenge_breaks_the_signature(self, suite: str) -> None:
        presentation = did_auth(suite, _holder())
        presentation["proof"]["challenge"] = "forged"
        report = _verify(presentation, challenge="forged")
        assert not report.verified
        assert "signature" in report.check("proof").detail

    def test_a_holder_that_did_not_sign_is_refused(self, suite: str) -> None:
        signer, other = _holder(7), _holder(8)
        presentation = {
            "@context": _contexts(suite),
            "type": ["VerifiablePresentation"],
            "holder": _did(other),
        }
        signed = sign_presentation(
            presentation, signer, NOW, challenge=CHALLENGE, domain=DOMAIN, cryptosuite=suite
        )
        report = _verify(signed)
        assert not report.verified
        assert report.holder is None
        assert report.check("holder").status == "failed"

    def test_an_assertion_proof_does_not_authenticate(self, suite: str) -> None:
        presentation = did_auth(suite, _holder())
        presentation["proof"]["proofPurpose"] = "assertionMethod"
        assert not _verify(presentation).verified

    def test_an_unsigned_presentation_is_refused(self, suite: str) -> None:
        presentation = did_auth(suite, _holder())
        del presentation["proof"]
        report = _verify(presentation)
        assert not report.verified
        assert "unsigned" in report.check("proof").detail


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _vc_jose(signer: InMemoryEd25519Signer, *, now: datetime = NOW) -> str:
    """A VC-JOSE-COSE credential (`vc+jwt`, the credential is the payload) signed by a did:key."""
    credential = {k: v for k, v in did_key_credential(signer, now=now).items() if k != "proof"}
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": signer.verification_method}
    signing_input = ".".join(
        _b64url(json.dumps(part).encode("utf-8")) for part in (header, credential)
    )
    return f"{signing_input}.{_b64url(signer.sign(signing_input.encode('ascii')))}"


def _enveloped(token: str, media_type: str = "application/vc+jwt") -> dict[str, Any]:
    return {
        "@context": VC_V2,
        "id": f"data:{media_type},{token}",
        "type": "EnvelopedVerifiableCredential",
    }


class TestEnvelopedCredentials:
    """VC Data Model 2.0 section 4.13: `verifiableCredential` may hold enveloped credentials."""

    def test_an_enveloped_vc_jwt_is_verified_through_the_engine(self) -> None:
        token = _vc_jose(did_key_signer())
        presentation = did_auth(
            "eddsa-rdfc-2022", _holder(), verifiableCredential=[_enveloped(token)]
        )
        report = _verify(presentation)
        assert report.verified, [c for c in report.checks if c.status == "failed"]
        (embedded,) = report.credentials
        assert embedded.format is Format.VC_JWT
        assert embedded.verified, embedded.problems

    def test_a_tampered_enveloped_vc_jwt_fails_the_presentation(self) -> None:
        header, payload, signature = _vc_jose(did_key_signer()).split(".")
        forged = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        forged["credentialSubject"]["achievement"]["name"] = "Forged"
        token = f"{header}.{_b64url(json.dumps(forged).encode())}.{signature}"
        presentation = did_auth(
            "eddsa-rdfc-2022", _holder(), verifiableCredential=[_enveloped(token)]
        )
        report = _verify(presentation)
        assert not report.verified
        assert report.holder is None
        assert report.credentials[0].check("proof").status == "failed"
        assert report.check("credentials").status == "failed"

    def test_an_enveloped_credential_that_is_not_a_jws_is_a_failed_report(self) -> None:
        presentation = did_auth(
            "eddsa-rdfc-2022", _holder(), verifiableCredential=[_enveloped("not-a-jws")]
        )
        report = _verify(presentation)
        assert not report.verified
        assert report.credentials[0].check("json").status == "failed"


class TestPresentationMembers:
    def test_an_embedded_credential_goes_through_the_engine(self) -> None:
        issuer, holder = did_key_signer(), _holder()
        credential = did_key_credential(issuer, now=NOW)
        report = _verify(did_auth("eddsa-rdfc-2022", holder, verifiableCredential=[credential]))
        assert report.verified, [c for c in report.checks if c.status == "failed"]
        (embedded,) = report.credentials
        assert embedded.verified
        assert embedded.check("schema").status == "passed"  # the Open Badges rule set ran

    def test_a_tampered_embedded_credential_fails_the_presentation(self) -> None:
        issuer, holder = did_key_signer(), _holder()
        credential = did_key_credential(issuer, now=NOW)
        credential["credentialSubject"]["achievement"]["name"] = "Forged"
        report = _verify(did_auth("eddsa-rdfc-2022", holder, verifiableCredential=[credential]))
        assert report.check("proof").status == "passed"  # the holder signed what it holds
        assert not report.verified
        assert report.holder is None
        assert report.check("credentials").status == "failed"

    def test_a_credential_given_as_a_string_is_refused(self) -> None:
        report = _verify(
            did_auth("eddsa-rdfc-2022", _holder(), verifiableCredential=["eyJhbGciOi.x.y"])
        )
        assert report.check("presentation").status == "failed"

    @pytest.mark.parametrize(
        "holder", ["not a url", 42, {"name": "no id"}], ids=["relative", "number", "no-id"]
    )
    def test_a_holder_that_is_not_a_url_is_refused(self, holder: Any) -> None:
        signed = did_auth("eddsa-rdfc-2022", _holder())
        signed["holder"] = holder
        report = _verify(signed)
        assert report.check("presentation").status == "failed"
        assert not report.verified

    def test_an_id_that_is_not_a_url_is_refused(self) -> None:
        signed = did_auth("eddsa-rdfc-2022", _holder(), id="urn:uuid:1f0e")
        assert _verify(signed).verified
        signed["id"] = "relative"
        assert _verify(signed).check("presentation").status == "failed"

    def test_a_type_without_verifiable_presentation_is_refused(self) -> None:
        signed = did_auth("eddsa-rdfc-2022", _holder())
        signed["type"] = ["Presentation"]
        assert _verify(signed).check("types").status == "failed"

    @pytest.mark.parametrize("value", [None, [], "x", 3, {"@context": "x"}])
    def test_anything_else_is_a_report_never_an_error(self, value: Any) -> None:
        report = _verify(value)
        assert not report.verified

    def test_the_verifier_does_not_change_the_presentation(self) -> None:
        signed = did_auth("Ed25519Signature2020", _holder())
        before = copy.deepcopy(signed)
        _verify(signed)
        assert signed == before
