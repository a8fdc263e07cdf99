"""POST /credentials/verify: 200 with the VC API result, or 400 with the failed checks."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.admin.scopes import Scope
from badge_issuer.config import Settings
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.issuers import profile
from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.issuers.didweb import issuer_did
from badge_issuer.kit.clock import utc_now
from tests.admin.factories import make_token
from tests.shared_data import shared_path
from tests.vcapi.factories import DATA_INTEGRITY_V2, VC_V1, issued, vc2, vc11, verify
from tests.verification.factories import (
    db,
    did_key_credential,
    did_key_signer,
    make_issuer,
    store_award,
    stored_document,
    unsigned_credential,
)

PROBLEM = "application/problem+json"


@pytest.fixture
def issuer_id(app: FastAPI, settings: Settings) -> str:
    with db(app) as session:
        make_issuer(session, slug="sapporo", now=utc_now(), settings=settings)
    return issuer_did(settings.public_origin, "sapporo")


@pytest.fixture
def token(app: FastAPI) -> str:
    return make_token(app, Scope.ISSUE)


def _verified(client: TestClient, credential: dict[str, Any]) -> dict[str, Any]:
    answer = verify(client, credential, checks=["proof"])
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    assert result["verified"] is True
    assert result["errors"] == []
    return result


def _failed(client: TestClient, credential: Any) -> dict[str, Any]:
    answer = verify(client, credential)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == PROBLEM
    problem: dict[str, Any] = answer.json()
    assert problem["verified"] is False
    assert problem["type"].endswith("/credential-not-verified")
    return problem


def _failed_checks(problem: dict[str, Any]) -> set[str]:
    return {error["check"] for error in problem["errors"]}


def _did_key_vc11() -> dict[str, Any]:
    """A VC 1.1 credential signed elsewhere with eddsa-rdfc-2022 by a did:key."""
    signer = did_key_signer()
    did = signer.verification_method.partition("#")[0]
    credential = vc11(did)
    credential["@context"] = [VC_V1, DATA_INTEGRITY_V2]
    return sign_credential(credential, signer, datetime.now(UTC))


class TestRoundTrip:
    def test_issued_vc2_verifies(self, client: TestClient, token: str, issuer_id: str) -> None:
        result = _verified(client, issued(client, token, vc2(issuer_id)))
        assert {"proof", "issuer-key", "key-not-revoked", "undefined-terms"} <= set(
            result["checks"]
        )

    def test_issued_vc11_verifies(self, client: TestClient, token: str, issuer_id: str) -> None:
        result = _verified(client, issued(client, token, vc11(issuer_id)))
        assert {"proof", "valid-from", "valid-until"} <= set(result["checks"])

    def test_missing_status_and_validity_are_warnings_not_errors(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        result = _verified(client, issued(client, token, vc2(issuer_id)))
        warnings = {warning["check"]: warning for warning in result["warnings"]}
        assert set(warnings) == {"valid-from", "revocation"}
        assert warnings["revocation"]["pointer"] == "/verifiableCredential/credentialStatus"


class TestExternalCredentials:
    def test_vc11_with_eddsa_rdfc_2022_proof_from_did_key_verifies(
        self, client: TestClient
    ) -> None:
        _verified(client, _did_key_vc11())

    def test_open_badge_gets_the_checks_of_post_verify(
        self, app: FastAPI, settings: Settings, client: TestClient, issuer_id: str
    ) -> None:
        with db(app) as session:
            sapporo = make_issuer(session, slug="otaru", now=utc_now(), settings=settings)
            award = store_award(session, issuer=sapporo, settings=settings, now=utc_now())
            document = stored_document(award)
        result = _verified(client, document)
        assert {"schema", "revocation", "types"} <= set(result["checks"])
        assert result["warnings"] == []

    def test_open_badge_issued_through_the_vc_api_verifies_with_the_ob_checks(
        self, app: FastAPI, settings: Settings, client: TestClient, token: str, issuer_id: str
    ) -> None:
        with db(app) as session:
            sapporo = issuer_repository.get_by_slug(session, "sapporo")
            assert sapporo is not None
            issuer_profile = profile.profile(sapporo, settings.public_origin)
        credential = unsigned_credential(
            issuer_profile=issuer_profile,
            credential_id="urn:uuid:0b6a3a4e-2f7e-4f55-9a4d-3c1d1f0e9b21",
            status_entry=None,
            valid_from=utc_now() - timedelta(minutes=1),
        )
        signed = issued(client, token, credential)
        assert len(signed["proof"]) == 1, "the OB 3.0 schema wants a proof array"
        result = _verified(client, signed)
        assert "schema" in result["checks"]
        assert [warning["check"] for warning in result["warnings"]] == ["revocation"]

    def test_did_key_open_badge_verifies(self, client: TestClient) -> None:
        _verified(client, did_key_credential(did_key_signer(), now=utc_now()))

    def test_w3c_vector_proof_verifies_but_its_issuer_does_not_control_the_key(
        self, client: TestClient
    ) -> None:
        path = shared_path("vectors", "eddsa-rdfc-2022", "alumni", "signedDataInt.json")
        problem = _failed(client, json.loads(path.read_text(encoding="utf-8")))
        assert "proof" in problem["checks"]
        assert _failed_checks(problem) == {"issuer-key"}


class TestFailures:
    def test_tampered_subject_fails_the_proof(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        signed = issued(client, token, vc2(issuer_id))
        signed["credentialSubject"]["id"] = "did:example:mallory"
        problem = _failed(client, signed)
        assert _failed_checks(problem) == {"proof"}
        [error] = problem["errors"]
        assert error["type"] == "https://w3id.org/security#PROOF_VERIFICATION_ERROR"
        assert error["pointer"] == "/verifiableCredential/proof"

    def test_tampered_vc11_issuance_date_fails_the_proof(self, client: TestClient) -> None:
        signed = _did_key_vc11()
        signed["issuanceDate"] = "2020-01-01T00:00:00Z"
        assert _failed_checks(_failed(client, signed)) == {"proof"}

    def test_issuer_swapped_for_another_did_key_fails_issuer_key(self, client: TestClient) -> None:
        signed = _did_key_vc11()
        other = did_key_signer(bytes(range(2, 34))).verification_method.partition("#")[0]
        signed["issuer"] = other
        assert _failed_checks(_failed(client, signed)) == {"proof", "issuer-key"}

    def test_added_undefined_term_fails(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        credential = vc2(issuer_id)
        signed = issued(client, token, credential)
        tampered = copy.deepcopy(signed)
        tampered["@context"] = ["https://www.w3.org/ns/credentials/v2"]
        tampered["credentialSubject"]["nickname"] = "Yu"
        assert "undefined-terms" in _failed_checks(_failed(client, tampered))

    def test_expired_credential_fails_valid_until(self, client: TestClient) -> None:
        signer = did_key_signer()
        did = signer.verification_method.partition("#")[0]
        past = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        signed = sign_credential(vc2(did, validUntil=past), signer, datetime.now(UTC))
        problem = _failed(client, signed)
        assert _failed_checks(problem) == {"valid-until"}
        assert problem["errors"][0]["pointer"] == "/verifiableCredential/validUntil"

    def test_unsigned_credential_fails_the_proof(self, client: TestClient) -> None:
        assert "proof" in _failed_checks(_failed(client, vc2("did:example:issuer")))

    def test_unknown_context_fails_contexts(self, client: TestClient) -> None:
        signed = _did_key_vc11()
        signed["@context"] = [VC_V1, "https://example.org/contexts/v1"]
        assert "contexts" in _failed_checks(_failed(client, signed))


class TestRequestShape:
    def test_credential_that_is_not_an_object_is_422(self, client: TestClient) -> None:
        answer = client.post("/credentials/verify", json={"verifiableCredential": "ey.ab.cd"})
        assert answer.status_code == 422
        assert answer.headers["content-type"] == PROBLEM

    def test_unknown_option_is_400(self, client: TestClient) -> None:
        answer = verify(client, _did_key_vc11(), challenge="abc")
        assert answer.status_code == 400
        assert answer.json()["errors"][0]["pointer"] == "/options/challenge"

    def test_other_proof_purpose_is_400(self, client: TestClient) -> None:
        answer = verify(client, _did_key_vc11(), expectedProofPurpose="authentication")
        assert answer.status_code == 400

    def test_needs_no_token(self, client: TestClient) -> None:
        assert verify(client, _did_key_vc11()).status_code == 200
