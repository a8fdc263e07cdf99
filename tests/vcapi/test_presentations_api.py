"""POST /presentations/verify, and the service function wallet exchanges call."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.config import Settings
from badge_issuer.credentials.proofs.data_integrity import sign_presentation
from badge_issuer.verification import service
from tests.verification.factories import db, did_key_credential, did_key_signer

CHALLENGE = "9f1c2b7e-challenge"
DOMAIN = "https://badges.example.jp"
PROBLEM = "application/problem+json"


def _presentation(suite: str = "Ed25519Signature2020", **members: Any) -> dict[str, Any]:
    holder = did_key_signer(bytes([9]) * 32)
    contexts = ["https://www.w3.org/ns/credentials/v2"]
    if suite == "Ed25519Signature2020":
        contexts.append("https://w3id.org/security/suites/ed25519-2020/v1")
    document = {
        "@context": contexts,
        "type": ["VerifiablePresentation"],
        "holder": holder.verification_method.partition("#")[0],
        **members,
    }
    return sign_presentation(
        document,
        holder,
        datetime.now(UTC),
        challenge=CHALLENGE,
        domain=DOMAIN,
        cryptosuite=suite,
    )


def _post(client: TestClient, presentation: Any, **options: Any) -> Any:
    body = {"verifiablePresentation": presentation, "options": options}
    return client.post("/presentations/verify", json=body)


class TestPresentationsVerify:
    @pytest.mark.parametrize("suite", ["Ed25519Signature2020", "eddsa-rdfc-2022"])
    def test_a_did_auth_presentation_verifies(self, client: TestClient, suite: str) -> None:
        presentation = _presentation(suite)
        answer = _post(client, presentation, challenge=CHALLENGE, domain=DOMAIN)
        assert answer.status_code == 200, answer.text
        result = answer.json()
        assert result["verified"] is True
        assert result["holder"] == presentation["holder"]
        assert "proof" in result["checks"]
        assert "holder" in result["checks"]

    def test_embedded_credentials_get_their_own_results(self, client: TestClient) -> None:
        credential = did_key_credential(did_key_signer(), now=datetime.now(UTC))
        presentation = _presentation(verifiableCredential=[credential])
        answer = _post(client, presentation, challenge=CHALLENGE, domain=DOMAIN)
        assert answer.status_code == 200, answer.text
        (embedded,) = answer.json()["credentialResults"]
        assert embedded["verified"] is True
        assert "schema" in embedded["checks"]

    def test_a_wrong_challenge_is_a_400_with_the_result(self, client: TestClient) -> None:
        answer = _post(client, _presentation(), challenge="other", domain=DOMAIN)
        assert answer.status_code == 400
        assert answer.headers["content-type"] == PROBLEM
        problem = answer.json()
        assert problem["verified"] is False
        assert problem["holder"] is None
        assert problem["errors"][0]["pointer"] == "/verifiablePresentation/proof"

    def test_an_unsigned_presentation_is_refused(self, client: TestClient) -> None:
        presentation = _presentation()
        del presentation["proof"]
        answer = _post(client, presentation)
        assert answer.status_code == 400
        assert "unsigned" in answer.text

    def test_unknown_options_are_named(self, client: TestClient) -> None:
        answer = _post(client, _presentation(), challenge=CHALLENGE, colour="blue")
        assert answer.status_code == 400
        assert answer.json()["errors"][0]["pointer"] == "/options/colour"

    @pytest.mark.parametrize("body", [b"[", b"{}", b'{"verifiablePresentation": "x"}'])
    def test_malformed_requests_are_422(self, client: TestClient, body: bytes) -> None:
        answer = client.post(
            "/presentations/verify", content=body, headers={"content-type": "application/json"}
        )
        assert answer.status_code == 422
        assert answer.headers["content-type"] == PROBLEM


class TestServiceEntryPoint:
    def test_wallet_exchanges_get_the_authenticated_holder(
        self, app: FastAPI, settings: Settings
    ) -> None:
        presentation = _presentation()
        with db(app) as session:
            report = service.verify_presentation(
                session,
                presentation=presentation,
                challenge=CHALLENGE,
                domain=DOMAIN,
                settings=settings,
                now=datetime.now(UTC),
            )
        assert report.verified
        assert report.holder == presentation["holder"]

    def test_a_replayed_presentation_does_not_authenticate(
        self, app: FastAPI, settings: Settings
    ) -> None:
        with db(app) as session:
            report = service.verify_presentation(
                session,
                presentation=_presentation(),
                challenge="a-new-challenge",
                domain=DOMAIN,
                settings=settings,
                now=datetime.now(UTC),
            )
        assert report.holder is None
        assert report.check("proof").status == "failed"
