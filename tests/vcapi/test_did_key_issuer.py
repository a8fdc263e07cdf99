"""The test-only did:key issuer: discovered by GET /credentials/issuer-ids, refused when off."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.admin.scopes import Scope
from badge_issuer.config import Settings
from badge_issuer.credentials.didkey import did_key_for
from badge_issuer.credentials.proofs.data_integrity import verify_credential_proof
from badge_issuer.credentials.proofs.multikey import decode_ed25519_public_key
from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.issuers.didweb import issuer_did
from badge_issuer.keys import repository as key_repository
from badge_issuer.keys import service as key_service
from badge_issuer.keys.didkey_issuer import DID_KEY_ISSUER_SLUG, ensure_did_key_issuer
from badge_issuer.kit.clock import utc_now
from tests.admin.factories import make_token
from tests.vcapi.factories import app_with, issue, issued, vc2, vc11, verify
from tests.verification.factories import db, make_issuer

Client = TestClient


@pytest.fixture
def did_key_app(settings: Settings) -> Any:
    with app_with(settings, enable_did_key_issuer=True) as application:
        yield application


@pytest.fixture
def did_key_client(did_key_app: FastAPI) -> Any:
    with TestClient(did_key_app) as test_client:
        yield test_client


def _issuer_ids(client: TestClient, token: str) -> list[dict[str, Any]]:
    answer = client.get("/credentials/issuer-ids", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    issuers: list[dict[str, Any]] = answer.json()["issuers"]
    return issuers


def _did_key(client: TestClient, token: str) -> str:
    [entry] = [item for item in _issuer_ids(client, token) if item["method"] == "did:key"]
    did: str = entry["id"]
    return did


class TestDiscovery:
    def test_lists_did_web_issuers_then_the_did_key(
        self, did_key_app: FastAPI, did_key_client: Client, settings: Settings
    ) -> None:
        with db(did_key_app) as session:
            make_issuer(session, slug="sapporo", now=utc_now(), settings=settings)
        token = make_token(did_key_app, Scope.ISSUE)
        did_web, did_key = _issuer_ids(did_key_client, token)
        assert did_web["id"] == issuer_did(settings.public_origin, "sapporo")
        assert did_web["verificationMethod"].startswith(did_web["id"] + "#key-")
        assert did_web["testOnly"] is False
        assert did_key["id"].startswith("did:key:z6Mk")
        assert did_key["verificationMethod"] == f"{did_key['id']}#{did_key['id'][8:]}"
        assert did_key["testOnly"] is True

    def test_the_key_is_generated_once_and_stored_wrapped(
        self, did_key_app: FastAPI, did_key_client: Client
    ) -> None:
        token = make_token(did_key_app, Scope.ISSUE)
        first, second = _did_key(did_key_client, token), _did_key(did_key_client, token)
        assert first == second
        with db(did_key_app) as session:
            issuer = issuer_repository.get_by_slug(session, DID_KEY_ISSUER_SLUG)
            assert issuer is not None
            assert key_repository.count_for_issuer(session, issuer_id=issuer.id) == 1
            key = key_repository.get_active(session, issuer_id=issuer.id)
            assert key is not None
            assert did_key_for(decode_ed25519_public_key(key.public_key_multibase)) == first
            assert (
                key.kek_fingerprint == key_service.get_kek(did_key_app.state.settings).fingerprint
            )

    def test_without_scope_issue_is_403(self, did_key_app: FastAPI, did_key_client: Client) -> None:
        token = make_token(did_key_app, Scope.KEYS)
        answer = did_key_client.get(
            "/credentials/issuer-ids", headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 403

    def test_the_did_key_row_is_not_listed_as_a_did_web_issuer(
        self, did_key_app: FastAPI, did_key_client: Client
    ) -> None:
        token = make_token(did_key_app, Scope.ISSUE)
        _did_key(did_key_client, token)
        assert [item["method"] for item in _issuer_ids(did_key_client, token)] == ["did:key"]


class TestRoundTrip:
    @pytest.mark.parametrize("make", [vc2, vc11])
    def test_issues_and_verifies_with_the_did_key(
        self, did_key_app: FastAPI, did_key_client: Client, make: Any
    ) -> None:
        token = make_token(did_key_app, Scope.ISSUE)
        did = _did_key(did_key_client, token)
        signed = issued(did_key_client, token, make(did))
        assert signed["proof"]["verificationMethod"] == f"{did}#{did[8:]}"
        # Offline: the credentials core resolves the did:key itself.
        assert verify_credential_proof(signed).verified
        answer = verify(did_key_client, signed)
        assert answer.status_code == 200, answer.text
        assert answer.json()["verified"] is True

    def test_the_did_key_rows_did_web_identity_does_not_sign(
        self, did_key_app: FastAPI, did_key_client: Client, settings: Settings
    ) -> None:
        token = make_token(did_key_app, Scope.ISSUE)
        _did_key(did_key_client, token)
        did_web = issuer_did(settings.public_origin, DID_KEY_ISSUER_SLUG)
        assert issue(did_key_client, token, vc2(did_web)).status_code == 400

    def test_another_did_key_is_refused(self, did_key_app: FastAPI, did_key_client: Client) -> None:
        token = make_token(did_key_app, Scope.ISSUE)
        _did_key(did_key_client, token)
        stranger = did_key_for(bytes(32))
        assert issue(did_key_client, token, vc2(stranger)).status_code == 400


class TestDisabled:
    def test_a_did_key_known_while_enabled_is_refused_once_disabled(
        self, did_key_app: FastAPI, did_key_client: Client, settings: Settings
    ) -> None:
        token = make_token(did_key_app, Scope.ISSUE)
        did = _did_key(did_key_client, token)
        with app_with(settings, enable_did_key_issuer=False) as app, TestClient(app) as client:
            answer = issue(client, token, vc2(did))
            assert answer.status_code == 400
            assert "enabled" in answer.json()["detail"]
            assert _issuer_ids(client, token) == []

    def test_issuer_ids_lists_no_did_key_when_off(self, app: FastAPI, client: Client) -> None:
        token = make_token(app, Scope.ISSUE)
        assert _issuer_ids(client, token) == []
        with db(app) as session:
            assert issuer_repository.get_by_slug(session, DID_KEY_ISSUER_SLUG) is None


class TestConcurrentFirstUse:
    def test_concurrent_first_calls_generate_one_key(
        self, app: FastAPI, settings: Settings
    ) -> None:
        enabled = settings.model_copy(update={"enable_did_key_issuer": True})
        callers = 4
        barrier = threading.Barrier(callers)
        found: list[str] = []
        failures: list[BaseException] = []

        def first_use() -> None:
            try:
                barrier.wait()
                with db(app) as session:
                    identity = ensure_did_key_issuer(
                        session, settings=enabled, actor="test", now=utc_now()
                    )
                found.append(identity.did)
            except BaseException as error:  # reported by the assertion below
                failures.append(error)

        threads = [threading.Thread(target=first_use) for _ in range(callers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == []
        assert len(found) == callers
        assert len(set(found)) == 1
        with db(app) as session:
            issuer = issuer_repository.get_by_slug(session, DID_KEY_ISSUER_SLUG)
            assert issuer is not None
            assert key_repository.count_for_issuer(session, issuer_id=issuer.id) == 1
