"""POST /credentials/issue: signs VC 2.0 and VC 1.1 credentials of our issuers, refuses the rest."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from badge_issuer.admin.scopes import Scope
from badge_issuer.audit.models import AuditEvent
from badge_issuer.config import Settings
from badge_issuer.credentials.proofs.data_integrity import verify_credential_proof
from badge_issuer.issuers.didweb import issuer_did
from badge_issuer.kit.clock import utc_now
from badge_issuer.vcapi.request import MAX_BODY_BYTES
from tests.admin.factories import make_token
from tests.key_resolvers import local_key_resolver
from tests.vcapi.factories import (
    DATA_INTEGRITY_V2,
    EXAMPLES_V2,
    VC_V1,
    VC_V2,
    issue,
    issued,
    pointers,
    vc2,
    vc11,
)
from tests.verification.factories import db, make_issuer

PROBLEM = "application/problem+json"


@pytest.fixture
def issuer_id(app: FastAPI, settings: Settings) -> str:
    """The did:web DID of issuer `sapporo`, which has an active key."""
    with db(app) as session:
        make_issuer(session, slug="sapporo", now=utc_now(), settings=settings)
    return issuer_did(settings.public_origin, "sapporo")


@pytest.fixture
def token(app: FastAPI) -> str:
    return make_token(app, Scope.ISSUE, name="conformance-runner")


def _core_verifies(app: FastAPI, settings: Settings, signed: dict[str, Any]) -> bool:
    """Verify the proof with the credentials core and our own keys."""
    with db(app) as session:
        resolver = local_key_resolver(session, settings=settings)
        return verify_credential_proof(signed, resolver).verified


def _issue_events(app: FastAPI) -> list[AuditEvent]:
    with db(app) as session:
        query = select(AuditEvent).where(AuditEvent.action == "vcapi.issue")
        events = list(session.scalars(query))
        session.expunge_all()
    return events


def _refused(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    problem: dict[str, Any] = answer.json()
    return problem


class TestIssueVc20:
    def test_answers_201_with_an_eddsa_rdfc_2022_proof_by_the_active_key(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        answer = issue(client, token, vc2(issuer_id))
        assert answer.status_code == 201, answer.text
        signed = answer.json()["verifiableCredential"]
        proof = signed["proof"]
        assert proof["type"] == "DataIntegrityProof"
        assert proof["cryptosuite"] == "eddsa-rdfc-2022"
        assert proof["proofPurpose"] == "assertionMethod"
        assert proof["verificationMethod"].startswith(issuer_id + "#key-")

    def test_signs_the_credential_as_given(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        credential = vc2({"id": issuer_id, "name": "Sapporo"}, validFrom="2024-01-01T00:00:00Z")
        signed = issued(client, token, credential)
        assert {key: value for key, value in signed.items() if key != "proof"} == credential

    def test_the_credentials_core_verifies_the_proof(
        self, app: FastAPI, settings: Settings, client: TestClient, token: str, issuer_id: str
    ) -> None:
        assert _core_verifies(app, settings, issued(client, token, vc2(issuer_id)))

    def test_accepts_an_inline_context(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        credential = vc2(issuer_id, credentialSubject={"id": "did:example:1", "degree": "BSc"})
        credential["@context"] = [VC_V2, {"degree": "https://example.org/vocab#degree"}]
        assert issue(client, token, credential).status_code == 201


class TestIssueVc11:
    def test_adds_the_data_integrity_context_and_signs(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        signed = issued(client, token, vc11(issuer_id))
        assert signed["@context"] == [VC_V1, DATA_INTEGRITY_V2]
        assert signed["issuanceDate"] == "2024-01-01T00:00:00Z"
        assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"

    def test_keeps_a_data_integrity_context_already_there(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        credential = vc11(issuer_id)
        credential["@context"] = [VC_V1, DATA_INTEGRITY_V2, EXAMPLES_V2]
        assert issued(client, token, credential)["@context"] == credential["@context"]

    def test_the_credentials_core_verifies_the_proof(
        self, app: FastAPI, settings: Settings, client: TestClient, token: str, issuer_id: str
    ) -> None:
        assert _core_verifies(app, settings, issued(client, token, vc11({"id": issuer_id})))

    def test_refuses_a_missing_issuance_date(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        credential = vc11(issuer_id)
        del credential["issuanceDate"]
        problem = _refused(issue(client, token, credential), 422)
        assert pointers(problem) == ["/credential/issuanceDate"]


class TestIssueRefusals:
    def test_foreign_issuer_is_400_and_nothing_is_signed(
        self, app: FastAPI, client: TestClient, token: str, issuer_id: str
    ) -> None:
        answer = issue(client, token, vc2("did:web:elsewhere.example:issuers:sapporo"))
        problem = _refused(answer, 400)
        assert problem["type"].endswith("/unknown-issuer")
        assert "did:web:elsewhere.example" in problem["detail"]
        assert "proof" not in answer.text
        assert _issue_events(app) == []

    def test_unknown_slug_on_our_host_is_400(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        _refused(issue(client, token, vc2(issuer_id.replace("sapporo", "otaru"))), 400)

    @pytest.mark.parametrize(
        ("issuer", "pointer"),
        [
            ("not a url", "/credential/issuer"),
            ("sapporo", "/credential/issuer"),
            ({"name": "no id"}, "/credential/issuer/id"),
            (42, "/credential/issuer"),
        ],
    )
    def test_issuer_that_is_not_a_url_is_422(
        self, client: TestClient, token: str, issuer: Any, pointer: str
    ) -> None:
        problem = _refused(issue(client, token, vc2(issuer)), 422)
        assert pointers(problem) == [pointer]

    def test_undefined_term_is_422_naming_the_property(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        credential = vc2(issuer_id, credentialSubject={"id": "did:example:1", "nickname": "Yu"})
        credential["@context"] = [VC_V2]
        problem = _refused(issue(client, token, credential), 422)
        assert pointers(problem) == ["/credential/credentialSubject/nickname"]
        assert "nickname" in problem["detail"]
        assert problem["errors"][0]["type"] == "https://w3id.org/security#DATA_LOSS_DETECTION_ERROR"

    def test_relative_iri_id_is_422(self, client: TestClient, token: str, issuer_id: str) -> None:
        problem = _refused(issue(client, token, vc2(issuer_id, id="credentials/1")), 422)
        assert pointers(problem) == ["/credential/id"]
        assert "not an absolute IRI" in problem["errors"][0]["detail"]

    @pytest.mark.parametrize(
        ("member", "value"),
        [
            ("validFrom", "2024-01-01"),
            ("validFrom", "2024-01-01T00:00:00"),
            ("validFrom", "2024-13-01T00:00:00Z"),
            ("validUntil", "yesterday"),
            ("validUntil", 1700000000),
        ],
    )
    def test_malformed_vc2_date_is_422(
        self, client: TestClient, token: str, issuer_id: str, member: str, value: Any
    ) -> None:
        problem = _refused(issue(client, token, vc2(issuer_id, **{member: value})), 422)
        assert f"/credential/{member}" in pointers(problem)

    def test_malformed_vc11_expiration_date_is_422(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        credential = vc11(issuer_id, expirationDate="2030-02-30T00:00:00Z")
        assert pointers(_refused(issue(client, token, credential), 422)) == [
            "/credential/expirationDate"
        ]

    def test_valid_until_before_valid_from_is_422(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        credential = vc2(
            issuer_id, validFrom="2025-01-01T00:00:00Z", validUntil="2024-01-01T00:00:00Z"
        )
        problem = _refused(issue(client, token, credential), 422)
        assert pointers(problem) == ["/credential/validUntil"]
        assert problem["errors"][0]["type"].endswith("#RANGE_ERROR")

    def test_already_proofed_credential_is_422(
        self, app: FastAPI, client: TestClient, token: str, issuer_id: str
    ) -> None:
        signed = issued(client, token, vc2(issuer_id))
        problem = _refused(issue(client, token, signed), 422)
        assert pointers(problem) == ["/credential/proof"]
        assert len(_issue_events(app)) == 1

    def test_remote_context_is_422(self, client: TestClient, token: str, issuer_id: str) -> None:
        credential = vc2(issuer_id)
        credential["@context"] = [VC_V2, "https://example.org/contexts/v1"]
        assert pointers(_refused(issue(client, token, credential), 422)) == [
            "/credential/@context/1"
        ]

    def test_inline_context_importing_a_remote_context_is_422(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        credential = vc2(issuer_id)
        credential["@context"] = [VC_V2, {"@import": "https://example.org/contexts/v1"}]
        problem = _refused(issue(client, token, credential), 422)
        assert "never fetched" in problem["detail"]

    def test_every_problem_is_named_at_once(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        credential = vc2("nope", type=["Credential"], validFrom="soon")
        del credential["credentialSubject"]
        assert sorted(pointers(_refused(issue(client, token, credential), 422))) == [
            "/credential/credentialSubject",
            "/credential/issuer",
            "/credential/type",
            "/credential/validFrom",
        ]

    def test_vc_1_1_and_2_0_base_contexts_together_are_422(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        credential = vc2(issuer_id)
        credential["@context"] = [VC_V2, VC_V1]
        assert pointers(_refused(issue(client, token, credential), 422)) == [
            "/credential/@context/1"
        ]


class TestIssueDataModelMusts:
    """What the W3C VC Data Model 2.0 suite expects an issuer to refuse."""

    @pytest.mark.parametrize(
        ("member", "value", "pointer"),
        [
            (
                "credentialStatus",
                {"id": "https://s.example/1"},
                "/credential/credentialStatus/type",
            ),
            ("termsOfUse", {"id": "https://t.example/1"}, "/credential/termsOfUse/type"),
            ("evidence", [{"id": "https://e.example/1"}], "/credential/evidence/0/type"),
            ("refreshService", {"id": "https://r.example/1"}, "/credential/refreshService/type"),
            (
                "credentialSchema",
                {"id": "https://c.example/1"},
                "/credential/credentialSchema/type",
            ),
            (
                "credentialSchema",
                {"id": "nope", "type": "JsonSchema"},
                "/credential/credentialSchema/id",
            ),
            ("relatedResource", [{"id": "https://x.example/a"}], "/credential/relatedResource/0"),
        ],
    )
    def test_a_member_breaking_a_must_is_422(
        self,
        client: TestClient,
        token: str,
        issuer_id: str,
        member: str,
        value: Any,
        pointer: str,
    ) -> None:
        problem = _refused(issue(client, token, vc2(issuer_id, **{member: value})), 422)
        assert pointer in pointers(problem)

    def test_an_open_badge_without_an_achievement_is_422(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        credential = vc2(
            issuer_id,
            id="urn:uuid:8a8d6e26-4a0f-4e0e-9a47-9b3f1b9b7c01",
            validFrom="2026-01-01T00:00:00Z",
        )
        credential["@context"] = [
            VC_V2,
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
        credential["type"] = ["VerifiableCredential", "OpenBadgeCredential"]
        credential["credentialSubject"] = {"id": "did:example:1234", "type": ["AchievementSubject"]}
        problem = _refused(issue(client, token, credential), 422)
        assert "/credential/credentialSubject/achievement" in pointers(problem)


class TestIssueRequestShape:
    def test_missing_credential_is_422(self, client: TestClient, token: str) -> None:
        answer = client.post(
            "/credentials/issue", json={"options": {}}, headers={"Authorization": f"Bearer {token}"}
        )
        assert pointers(_refused(answer, 422)) == ["/credential"]

    def test_duplicate_member_is_422(self, client: TestClient, token: str, issuer_id: str) -> None:
        body = f'{{"credential": {{"issuer": "{issuer_id}", "issuer": "did:example:x"}}}}'
        answer = client.post(
            "/credentials/issue",
            content=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert "twice" in _refused(answer, 422)["detail"]

    def test_nan_is_422(self, client: TestClient, token: str, issuer_id: str) -> None:
        body = json.dumps({"credential": vc2(issuer_id, credentialSubject={"n": float("nan")})})
        answer = client.post(
            "/credentials/issue",
            content=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        _refused(answer, 422)

    def test_unknown_option_is_400(self, client: TestClient, token: str, issuer_id: str) -> None:
        problem = _refused(issue(client, token, vc2(issuer_id), proofType="Ed25519"), 400)
        assert problem["errors"][0]["type"] == (
            "https://www.w3.org/TR/vc-api#UNKNOWN_OPTION_PROVIDED"
        )
        assert pointers(problem) == ["/options/proofType"]

    def test_mandatory_pointers_are_not_supported(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        answer = issue(client, token, vc2(issuer_id), mandatoryPointers=["/issuer"])
        assert pointers(_refused(answer, 400)) == ["/options/mandatoryPointers"]

    def test_body_over_the_limit_is_413(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        padding = "x" * MAX_BODY_BYTES
        answer = issue(client, token, vc2(issuer_id, description=padding))
        _refused(answer, 413)

    def test_deeply_nested_credential_is_422(
        self, client: TestClient, token: str, issuer_id: str
    ) -> None:
        nested: dict[str, Any] = {"id": "did:example:1"}
        for _ in range(40):
            nested = {"n": nested}
        problem = _refused(issue(client, token, vc2(issuer_id, credentialSubject=nested)), 422)
        assert "nested" in problem["detail"]

    def test_text_body_is_415(self, client: TestClient, token: str) -> None:
        answer = client.post(
            "/credentials/issue",
            content="hello",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
        )
        _refused(answer, 415)


class TestIssueAccess:
    def test_without_a_token_is_401(self, client: TestClient, issuer_id: str) -> None:
        _refused(issue(client, None, vc2(issuer_id)), 401)

    def test_without_a_token_a_malformed_body_is_still_401(self, client: TestClient) -> None:
        answer = client.post(
            "/credentials/issue", content="{", headers={"Content-Type": "application/json"}
        )
        _refused(answer, 401)

    def test_token_without_scope_issue_is_403(
        self, app: FastAPI, client: TestClient, issuer_id: str
    ) -> None:
        token = make_token(app, Scope.CREDENTIALS, Scope.KEYS)
        _refused(issue(client, token, vc2(issuer_id)), 403)


class TestIssueAudit:
    def test_records_actor_and_credential_id(
        self, app: FastAPI, client: TestClient, token: str, issuer_id: str
    ) -> None:
        signed = issued(client, token, vc2(issuer_id, id="urn:uuid:5f1c1d5e-0000-4000-8000-1"))
        [event] = _issue_events(app)
        assert event.actor == "conformance-runner"
        assert event.target_type == "credential"
        assert event.target_id == "urn:uuid:5f1c1d5e-0000-4000-8000-1"
        assert event.details["issuer"] == issuer_id
        assert event.details["verification_method"] == signed["proof"]["verificationMethod"]

    def test_records_the_options_credential_id_when_there_is_no_id(
        self, app: FastAPI, client: TestClient, token: str, issuer_id: str
    ) -> None:
        answer = issue(client, token, vc2(issuer_id), credentialId="batch-7/42")
        assert answer.status_code == 201
        [event] = _issue_events(app)
        assert event.target_id == "batch-7/42"
        assert event.details["credential_id"] is None
