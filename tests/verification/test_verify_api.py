"""POST /verify and GET /credentials/{uuid}/verification: each scenario fails the right check."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.admin.scopes import Scope
from badge_issuer.config import Settings
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.endorsements import service as endorsement_service
from badge_issuer.endorsements.schemas import EndorsementCreate
from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.issuers import service as issuer_service
from badge_issuer.keys import service as key_service
from badge_issuer.kit.clock import utc_now
from badge_issuer.status.models import StatusList
from tests.admin.factories import bearer, make_token
from tests.vcapi.factories import app_with
from tests.verification.factories import (
    RECIPIENT,
    db,
    did_key_credential,
    did_key_signer,
    make_issuer,
    store_award,
    stored_document,
)

CHECKS = [
    "json",
    "contexts",
    "types",
    "data-model",
    "schema",
    "undefined-terms",
    "proof",
    "issuer-key",
    "key-not-revoked",
    "valid-from",
    "valid-until",
    "revocation",
    "issuer-recognized",
]
Issue = Callable[..., dict[str, Any]]


def _statuses(report: dict[str, Any]) -> dict[str, str]:
    return {check["check"]: check["status"] for check in report["checks"]}


def _failed(report: dict[str, Any]) -> set[str]:
    return {name for name, status in _statuses(report).items() if status == "failed"}


def _verify(client: TestClient, document: Any) -> dict[str, Any]:
    answer = client.post("/verify", json=document)
    assert answer.status_code == 200, answer.text
    report: dict[str, Any] = answer.json()
    assert [check["check"] for check in report["checks"]] == CHECKS
    return report


@pytest.fixture
def issue(app: FastAPI, settings: Settings) -> Issue:
    """Issue a stored credential of issuer `sapporo` (created on first use); return its JSON."""

    def make(**options: Any) -> dict[str, Any]:
        with db(app) as session:
            sapporo = issuer_repository.get_by_slug(session, "sapporo") or make_issuer(
                session, slug="sapporo", now=utc_now(), settings=settings
            )
            award = store_award(
                session, issuer=sapporo, settings=settings, now=utc_now(), **options
            )
            document = stored_document(award)
            document["_uuid"] = award.uuid
        return document

    return make


def _without_uuid(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "_uuid"}


class TestValidCredential:
    def test_is_verified_with_every_check_passed(self, client: TestClient, issue: Issue) -> None:
        report = _verify(client, _without_uuid(issue()))
        assert report["verified"] is True
        assert set(_statuses(report).values()) == {"passed"}
        assert report["format"] == "ldp_vc"
        assert report["problems"] == []

    def test_summarises_the_credential(self, client: TestClient, issue: Issue) -> None:
        document = _without_uuid(issue())
        summary = _verify(client, document)["credential"]
        assert summary["id"] == document["id"]
        assert summary["issuer"] == "did:web:localhost%3A8000:issuers:sapporo"
        assert summary["issuerName"] == "Issuer sapporo"
        assert summary["achievementName"] == "DX基礎 (DX basics)"
        assert summary["validFrom"] == document["validFrom"]
        assert summary["validUntil"] is None

    def test_stored_credential_verification_report(self, client: TestClient, issue: Issue) -> None:
        uuid = issue()["_uuid"]
        answer = client.get(f"/credentials/{uuid}/verification")
        assert answer.status_code == 200
        assert answer.json()["verified"] is True

    def test_accepts_vc_ld_json_content_type(self, client: TestClient, issue: Issue) -> None:
        body = json.dumps(_without_uuid(issue()))
        answer = client.post(
            "/verify", content=body, headers={"Content-Type": "application/vc+ld+json"}
        )
        assert answer.json()["verified"] is True


class TestFailures:
    def test_tampered_content_fails_the_proof(self, client: TestClient, issue: Issue) -> None:
        document = _without_uuid(issue())
        document["credentialSubject"]["achievement"]["name"] = "Expert"
        report = _verify(client, document)
        assert report["verified"] is False
        assert _failed(report) == {"proof"}

    def test_tampered_proof_value_fails_the_proof(self, client: TestClient, issue: Issue) -> None:
        document = _without_uuid(issue())
        value = document["proof"][0]["proofValue"]
        document["proof"][0]["proofValue"] = value[:-2] + ("A" if value[-2] != "A" else "B") + "z"
        assert _failed(_verify(client, document)) == {"proof"}

    def test_tampered_issuer_name_fails_the_proof(self, client: TestClient, issue: Issue) -> None:
        document = _without_uuid(issue())
        document["issuer"]["name"] = "Another university"
        assert _failed(_verify(client, document)) == {"proof"}

    def test_issuer_swapped_for_another_issuer_fails_proof_and_issuer_key(
        self, app: FastAPI, client: TestClient, settings: Settings, issue: Issue
    ) -> None:
        document = _without_uuid(issue())
        with db(app) as session:
            make_issuer(session, slug="otaru", now=utc_now(), settings=settings)
        document["issuer"]["id"] = "did:web:localhost%3A8000:issuers:otaru"
        # The status list belongs to the real issuer too, so the revocation check fails as well.
        assert _failed(_verify(client, document)) == {"proof", "issuer-key", "revocation"}

    def test_expired_fails_valid_until(self, client: TestClient, issue: Issue) -> None:
        now = utc_now()
        document = _without_uuid(
            issue(valid_from=now - timedelta(days=730), valid_until=now - timedelta(days=1))
        )
        report = _verify(client, document)
        assert _failed(report) == {"valid-until"}
        assert (
            "expired" in next(c for c in report["checks"] if c["check"] == "valid-until")["detail"]
        )

    def test_not_yet_valid_fails_valid_from(self, client: TestClient, issue: Issue) -> None:
        document = _without_uuid(issue(valid_from=utc_now() + timedelta(days=1)))
        assert _failed(_verify(client, document)) == {"valid-from"}

    def test_revoked_fails_revocation(self, app: FastAPI, client: TestClient, issue: Issue) -> None:
        document = issue()
        token = make_token(app, Scope.CREDENTIALS)
        revoked = client.post(
            f"/v1/admin/credentials/{document['_uuid']}/revoke",
            json={"reason": "issued in error"},
            headers=bearer(token),
        )
        assert revoked.status_code == 200
        report = _verify(client, _without_uuid(document))
        assert _failed(report) == {"revocation"}
        stored = client.get(f"/credentials/{document['_uuid']}/verification").json()
        assert _failed(stored) == {"revocation"}

    @pytest.mark.parametrize("list_signed", [True, False], ids=["signed-list", "unsigned-list"])
    def test_a_revocation_by_another_process_shows_at_once(
        self, client: TestClient, settings: Settings, issue: Issue, list_signed: bool
    ) -> None:
        # Verification keeps per-process caches (decoded keys and status lists, encoded lists):
        # warm them, revoke from another process, and the very next verification must say so,
        # whether the list is stored signed or rebuilt from the revoked entries.
        document = issue()
        credential = _without_uuid(document)
        if list_signed:
            list_url = credential["credentialStatus"]["statusListCredential"]
            assert client.get("/status-lists/" + list_url.rsplit("/", 1)[1]).status_code == 200
        for _ in range(3):
            assert _verify(client, credential)["verified"] is True
        _revoke_in_another_process(settings, document["_uuid"], drop_signed_lists=not list_signed)
        assert _failed(_verify(client, credential)) == {"revocation"}
        stored = client.get(f"/credentials/{document['_uuid']}/verification").json()
        assert _failed(stored) == {"revocation"}

    def test_a_revoked_endorsement_fails_revocation_on_a_list_never_signed(
        self, app: FastAPI, client: TestClient, settings: Settings, issue: Issue
    ) -> None:
        # Endorsements take entries in their issuer's lists beside its credentials: a list with
        # no stored signed document is rebuilt from both kinds of revoked entries.
        issue()
        now = utc_now()
        with db(app) as session:
            make_issuer(session, slug="otaru", now=now, settings=settings)
            data = EndorsementCreate.model_validate(
                {"endorser": "otaru", "subject": {"issuer": "sapporo"}, "comment": "Good."}
            )
            endorsement = endorsement_service.create_endorsement(
                session, data=data, settings=settings, actor="t", now=now
            )
            document, endorsement_uuid = json.loads(endorsement.document), endorsement.uuid
        assert _verify(client, document)["verified"] is True
        with db(app) as session:
            revoked, _ = endorsement_service.revoke_endorsement(
                session, endorsement_uuid=endorsement_uuid, reason="x", actor="t", now=now
            )
            assert session.get(StatusList, revoked.status_list_id).signed_document is None
        report = _verify(client, document)
        assert _failed(report) == {"revocation"}

    def test_revoked_key_fails_key_not_revoked(
        self, app: FastAPI, client: TestClient, issue: Issue
    ) -> None:
        document = _without_uuid(issue())
        key_id = document["proof"][0]["verificationMethod"].rsplit("#", 1)[1]
        with db(app) as session:
            issuer = issuer_service.get_issuer(session, "sapporo")
            key_service.revoke_key(
                session, issuer=issuer, key_id=key_id, reason="leaked", actor="t", now=utc_now()
            )
        assert _failed(_verify(client, document)) == {"key-not-revoked"}

    def test_unknown_context_fails_contexts_and_is_never_fetched(
        self, client: TestClient, issue: Issue
    ) -> None:
        document = _without_uuid(issue())
        document["@context"].append("https://example.org/unknown-context/v1")
        report = _verify(client, document)
        assert "contexts" in _failed(report)
        assert "never fetched" in report["checks"][1]["detail"]
        assert _statuses(report)["proof"] == "warning"

    def test_vc_v1_first_context_fails_contexts(self, client: TestClient, issue: Issue) -> None:
        document = _without_uuid(issue())
        document["@context"][0] = "https://www.w3.org/2018/credentials/v1"
        assert "contexts" in _failed(_verify(client, document))

    def test_undefined_term_fails_undefined_terms_though_the_signature_holds(
        self, client: TestClient, issue: Issue
    ) -> None:
        document = _without_uuid(issue())
        document["credentialSubject"]["grade"] = "A+"
        report = _verify(client, document)
        assert _failed(report) == {"undefined-terms"}
        assert _statuses(report)["proof"] == "passed"

    def test_wrong_cryptosuite_fails_the_proof(self, client: TestClient, issue: Issue) -> None:
        document = _without_uuid(issue())
        document["proof"][0]["cryptosuite"] = "ecdsa-rdfc-2019"
        report = _verify(client, document)
        assert _failed(report) == {"proof"}
        assert "ecdsa-rdfc-2019" in report["problems"][0]["detail"]

    def test_key_not_listed_for_the_issuer_fails_issuer_key(
        self, app: FastAPI, client: TestClient, settings: Settings, issue: Issue
    ) -> None:
        issue()
        with db(app) as session:
            otaru = make_issuer(session, slug="otaru", now=utc_now(), settings=settings)
            _, otaru_signer = key_service.active_signer(session, issuer=otaru, settings=settings)
        document = _without_uuid(issue(signer=otaru_signer))
        report = _verify(client, document)
        assert _failed(report) == {"issuer-key"}
        assert "not by the issuer" in report["problems"][0]["detail"]

    def test_did_key_signature_on_a_did_web_issuers_credential_fails_issuer_key(
        self, client: TestClient, issue: Issue
    ) -> None:
        document = _without_uuid(issue(signer=did_key_signer()))
        assert _failed(_verify(client, document)) == {"issuer-key"}

    def test_missing_proof_fails_the_proof(self, client: TestClient, issue: Issue) -> None:
        document = _without_uuid(issue())
        del document["proof"]
        assert _failed(_verify(client, document)) == {"proof"}

    def test_schema_violation_fails_schema(self, client: TestClient, issue: Issue) -> None:
        document = _without_uuid(issue())
        del document["credentialSubject"]["achievement"]["criteria"]
        report = _verify(client, document)
        assert "schema" in _failed(report)
        assert "criteria" in next(c for c in report["checks"] if c["check"] == "schema")["detail"]


LOOK_ALIKE_NAME = "北海道 (Hokkaido Prefecture)"


def look_alike(real: dict[str, Any]) -> dict[str, Any]:
    """A fresh did:key's credential with our issuer's name and the real achievement."""
    signer = did_key_signer(bytes(range(40, 72)))
    forged = did_key_credential(signer, now=utc_now())
    del forged["proof"]
    forged["issuer"]["name"] = LOOK_ALIKE_NAME
    forged["credentialSubject"]["achievement"] = real["credentialSubject"]["achievement"]
    return sign_credential(forged, signer, utc_now())


class TestIssuerRecognition:
    def test_our_own_issuer_is_recognized_by_its_registry_name(
        self, client: TestClient, issue: Issue
    ) -> None:
        report = _verify(client, _without_uuid(issue()))
        assert report["recognized_issuer"] is True
        assert _statuses(report)["issuer-recognized"] == "passed"
        assert report["credential"]["issuerName"] == "Issuer sapporo"

    def test_a_did_key_look_alike_verifies_but_is_not_recognized(
        self, client: TestClient, issue: Issue
    ) -> None:
        report = _verify(client, look_alike(_without_uuid(issue())))
        assert report["verified"] is True  # the signature is genuine...
        assert report["recognized_issuer"] is False  # ...but nobody vouches for the issuer
        recognized = report["checks"][CHECKS.index("issuer-recognized")]
        assert recognized["status"] == "warning"
        assert "not an issuer this service knows" in recognized["detail"]
        assert LOOK_ALIKE_NAME in recognized["detail"]
        assert "own claim" in recognized["detail"]
        assert report["credential"]["issuerName"] is None
        assert report["credential"]["claimedIssuerName"] == LOOK_ALIKE_NAME

    def test_our_issuer_id_with_a_foreign_signature_is_not_recognized(
        self, client: TestClient, issue: Issue
    ) -> None:
        document = _without_uuid(issue())
        forged = look_alike(document)
        forged["issuer"]["id"] = document["issuer"]["id"]
        report = _verify(client, forged)
        assert report["verified"] is False
        assert report["recognized_issuer"] is False
        assert report["credential"]["issuerName"] is None

    def test_a_partner_on_the_trust_list_is_recognized_by_the_lists_name(
        self, settings: Settings, issue: Issue, tmp_path: Path
    ) -> None:
        forged = look_alike(_without_uuid(issue()))
        trust_list = tmp_path / "partners.yaml"
        partner = {"id": forged["issuer"]["id"], "name": "Sapporo City University"}
        trust_list.write_text(yaml.safe_dump([partner], allow_unicode=True), encoding="utf-8")
        with (
            app_with(settings, trusted_issuers=trust_list) as application,
            TestClient(application) as partner_client,
        ):
            report = _verify(partner_client, forged)
        assert report["recognized_issuer"] is True
        assert report["credential"]["issuerName"] == "Sapporo City University"
        assert report["credential"]["claimedIssuerName"] == LOOK_ALIKE_NAME

    def test_an_unreadable_trust_list_recognizes_nobody(
        self, settings: Settings, issue: Issue, tmp_path: Path
    ) -> None:
        forged = look_alike(_without_uuid(issue()))
        trust_list = tmp_path / "partners.yaml"
        trust_list.write_text("- id: relative\n  name: x\n", encoding="utf-8")
        with (
            app_with(settings, trusted_issuers=trust_list) as application,
            TestClient(application) as partner_client,
        ):
            assert _verify(partner_client, forged)["recognized_issuer"] is False


class TestDidKey:
    def test_a_did_key_credential_signed_by_the_project_round_trips(
        self, client: TestClient
    ) -> None:
        document = did_key_credential(did_key_signer(), now=utc_now())
        report = _verify(client, document)
        assert report["verified"] is True
        assert _failed(report) == set()
        assert _statuses(report)["revocation"] == "warning"
        assert report["credential"]["issuer"].startswith("did:key:z6Mk")


class TestRecipient:
    def test_wrapper_with_the_recipients_email_matches(
        self, client: TestClient, issue: Issue
    ) -> None:
        body = {"verifiableCredential": _without_uuid(issue()), "email": " Learner@Example.JP "}
        report = client.post("/verify", json=body).json()
        assert report["verified"] is True
        assert report["recipient"]["matched"] is True
        assert RECIPIENT not in json.dumps(report)

    def test_another_email_does_not_match(self, client: TestClient, issue: Issue) -> None:
        body = {"verifiableCredential": _without_uuid(issue()), "email": "someone@example.jp"}
        report = client.post("/verify", json=body).json()
        assert report["recipient"]["matched"] is False
        assert report["verified"] is False
        assert _statuses(report)["recipient"] == "failed"

    def test_the_recipients_email_on_get_matches(self, client: TestClient, issue: Issue) -> None:
        uuid = issue()["_uuid"]
        answer = client.get(f"/credentials/{uuid}/verification", params={"email": RECIPIENT})
        report = answer.json()
        assert report["verified"] is True
        assert _statuses(report)["recipient"] == "passed"
        assert RECIPIENT not in answer.text

    def test_another_email_on_get_is_not_verified(self, client: TestClient, issue: Issue) -> None:
        uuid = issue()["_uuid"]
        params = {"email": "someone@example.jp"}
        report = client.get(f"/credentials/{uuid}/verification", params=params).json()
        assert report["verified"] is False
        assert report["recipient"]["matched"] is False
        assert {problem["check"] for problem in report["problems"]} == {"recipient"}

    @pytest.mark.parametrize("email", ["", "x" * 255])
    def test_an_unusable_email_on_get_is_a_422(
        self, client: TestClient, issue: Issue, email: str
    ) -> None:
        uuid = issue()["_uuid"]
        answer = client.get(f"/credentials/{uuid}/verification", params={"email": email})
        assert answer.status_code == 422

    def test_without_an_email_there_is_no_recipient_answer(
        self, client: TestClient, issue: Issue
    ) -> None:
        assert _verify(client, _without_uuid(issue()))["recipient"] is None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _vc_jwt(document: dict[str, Any], signer: Any, **claims: Any) -> str:
    credential = {key: value for key, value in document.items() if key != "proof"}
    header = {"alg": "EdDSA", "typ": "JWT", "kid": signer.verification_method}
    payload = {"vc": credential, "iss": credential["issuer"]["id"], "jti": credential["id"]}
    payload.update(claims)
    signing_input = (
        _b64url(json.dumps(header).encode()) + "." + _b64url(json.dumps(payload).encode())
    )
    return signing_input + "." + _b64url(signer.sign(signing_input.encode("ascii")))


class TestVcJwt:
    @pytest.fixture
    def signer(self, app: FastAPI, settings: Settings, issue: Issue) -> Any:
        issue()
        with db(app) as session:
            issuer = issuer_service.get_issuer(session, "sapporo")
            return key_service.active_signer(session, issuer=issuer, settings=settings)[1]

    def test_eddsa_vc_jwt_body_verifies(
        self, client: TestClient, issue: Issue, signer: Any
    ) -> None:
        token = _vc_jwt(_without_uuid(issue()), signer)
        answer = client.post(
            "/verify", content=token, headers={"Content-Type": "application/vc+jwt"}
        )
        report = answer.json()
        assert report["format"] == "vc-jwt"
        assert report["verified"] is True, report
        assert (
            "VC-JWT EdDSA" in next(c for c in report["checks"] if c["check"] == "proof")["detail"]
        )

    def test_vc_jwt_in_the_wrapper_with_an_email(
        self, client: TestClient, issue: Issue, signer: Any
    ) -> None:
        token = _vc_jwt(_without_uuid(issue()), signer)
        body = {"verifiableCredential": token, "email": RECIPIENT}
        report = client.post("/verify", json=body).json()
        assert report["format"] == "vc-jwt"
        assert report["recipient"]["matched"] is True

    def test_tampered_vc_jwt_fails_the_proof(
        self, client: TestClient, issue: Issue, signer: Any
    ) -> None:
        header, payload, signature = _vc_jwt(_without_uuid(issue()), signer).split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["vc"]["name"] = "Something else"
        forged = f"{header}.{_b64url(json.dumps(claims).encode())}.{signature}"
        report = client.post("/verify", content=forged, headers={"Content-Type": "application/jwt"})
        assert _failed(report.json()) == {"proof"}

    def test_expired_exp_claim_fails_valid_until(
        self, client: TestClient, issue: Issue, signer: Any
    ) -> None:
        expired = int((utc_now() - timedelta(hours=1)).timestamp())
        token = _vc_jwt(_without_uuid(issue()), signer, exp=expired)
        report = client.post("/verify", json=token).json()
        assert _failed(report) == {"valid-until"}


class TestMalformedRequests:
    @pytest.mark.parametrize(
        ("body", "content_type"),
        [
            (b"{not json", "application/json"),
            (b"[1, 2, 3]", "application/json"),
            (b'{"hello": "world"}', "application/json"),
            (b'"just a string"', "application/json"),
            (b"NaN", "application/json"),
            (b"not.a.jwt!", "application/vc+jwt"),
            (b"eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln", "application/vc+jwt"),
            (b'{"verifiableCredential": {}, "email": 5}', "application/json"),
            (b'{"verifiableCredential": {}, "other": 1}', "application/json"),
        ],
    )
    def test_not_a_credential_is_a_422_problem(
        self, client: TestClient, body: bytes, content_type: str
    ) -> None:
        answer = client.post("/verify", content=body, headers={"Content-Type": content_type})
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["detail"]

    def test_too_large_is_a_413_problem(self, client: TestClient) -> None:
        body = json.dumps({"@context": ["x"], "pad": "x" * 300_000}).encode()
        answer = client.post("/verify", content=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 413
        assert answer.headers["content-type"] == "application/problem+json"

    def test_other_media_types_are_a_415_problem(self, client: TestClient) -> None:
        answer = client.post("/verify", content=b"hello", headers={"Content-Type": "text/plain"})
        assert answer.status_code == 415

    def test_duplicate_members_fail_the_json_check(self, client: TestClient, issue: Issue) -> None:
        text = json.dumps(_without_uuid(issue()))
        body = text[:-1] + ', "id": "urn:uuid:another"}'
        report = client.post(
            "/verify", content=body, headers={"Content-Type": "application/json"}
        ).json()
        assert _failed(report) == {"json"}
        assert report["verified"] is False

    def test_unknown_stored_credential_is_404(self, client: TestClient) -> None:
        for path in ("00000000-0000-4000-8000-000000000000", "not-a-uuid"):
            answer = client.get(f"/credentials/{path}/verification")
            assert answer.status_code == 404
            assert answer.headers["content-type"] == "application/problem+json"


_REVOKE_SCRIPT = """
import sys
from pathlib import Path

from sqlalchemy import update

from badge_issuer import models_registry
from badge_issuer.awards import revocation
from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine, make_session_factory, session_scope
from badge_issuer.kit.clock import utc_now
from badge_issuer.status.models import StatusList

database_url, kek_file, public_url, credential_uuid, drop = sys.argv[1:]
models_registry.metadata()
settings = Settings(
    _env_file=None,
    database_url=database_url,
    key_encryption_key_file=Path(kek_file),
    public_url=public_url,
)
engine = create_db_engine(database_url)
for session in session_scope(make_session_factory(engine)):
    revocation.revoke_credential(
        session,
        credential_uuid=credential_uuid,
        reason="revoked by another process",
        actor="test",
        settings=settings,
        now=utc_now(),
    )
    if drop == "drop":  # as when no key could re-sign: verifiers rebuild the list
        session.execute(update(StatusList).values(signed_document=None, etag=None))
engine.dispose()
"""


def _revoke_in_another_process(
    settings: Settings, credential_uuid: str, *, drop_signed_lists: bool
) -> None:
    """Revoke through the service in a separate Python process (its own caches, connections)."""
    arguments = [
        settings.database_url,
        str(settings.key_encryption_key_file),
        settings.public_url,
        credential_uuid,
        "drop" if drop_signed_lists else "keep",
    ]
    done = subprocess.run(
        [sys.executable, "-c", _REVOKE_SCRIPT, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
