"""Key state rules over REST, resolving our own keys, and the signing-key readiness check."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.admin.scopes import Scope
from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.issuers import service as issuer_service
from badge_issuer.keys import service as key_service
from badge_issuer.keys.bootstrap import ensure_default_issuer_key
from badge_issuer.keys.errors import NoActiveKey
from badge_issuer.keys.models import KeyState
from badge_issuer.keys.service import LocalKey
from tests.admin.factories import bearer, make_token
from tests.keys.admin_api import AdminApi

SLUG = "kitami"
KEYS = f"/v1/admin/issuers/{SLUG}/keys"


@pytest.fixture
def api(api: AdminApi) -> AdminApi:
    """The suite's admin client, with issuer `kitami` created."""
    api.create_issuer(SLUG, "北見市")
    return api


def _problem_slug(body: dict[str, object]) -> str:
    return str(body["type"]).rsplit("/", 1)[1]


class TestKeyStateRules:
    def test_new_key_is_staged_with_a_short_url_safe_id(self, api: AdminApi) -> None:
        created = api.call("POST", KEYS, expect=201)
        assert created["state"] == "staged"
        assert re.fullmatch(r"key-[0-9a-f]{8}", created["key_id"])
        assert created["verification_method"].endswith(f":issuers:{SLUG}#{created['key_id']}")
        assert created["public_key_multibase"].startswith("z6Mk")
        assert set(created) >= {"created_at", "activated_at", "retired_at", "revoked_at"}

    def test_activating_the_active_key_again_changes_nothing(self, api: AdminApi) -> None:
        key = api.create_key(SLUG)
        first = api.activate(SLUG, key)
        assert api.activate(SLUG, key) == first

    def test_revoked_key_cannot_be_activated_or_retired(self, api: AdminApi) -> None:
        key = api.create_key(SLUG)
        api.revoke(SLUG, key)
        assert _problem_slug(api.activate(SLUG, key, expect=409)) == "key-revoked"
        assert _problem_slug(api.key_action(SLUG, key, "retire", expect=409)) == "key-revoked"

    def test_retired_key_cannot_be_activated_again(self, api: AdminApi) -> None:
        key = api.create_key(SLUG)
        api.key_action(SLUG, key, "retire")
        assert _problem_slug(api.activate(SLUG, key, expect=409)) == "key-state-conflict"

    def test_retire_is_idempotent_and_leaves_the_issuer_without_signer(
        self, api: AdminApi, app: FastAPI, settings: Settings
    ) -> None:
        key = api.create_key(SLUG)
        api.activate(SLUG, key)
        retired = api.key_action(SLUG, key, "retire")
        assert api.key_action(SLUG, key, "retire") == retired
        for session in session_scope(app.state.session_factory):
            issuer = issuer_service.get_issuer(session, SLUG)
            with pytest.raises(NoActiveKey):
                key_service.active_signer(session, issuer=issuer, settings=settings)

    def test_revoke_again_keeps_the_first_reason(self, api: AdminApi) -> None:
        key = api.create_key(SLUG)
        api.revoke(SLUG, key, "first reason")
        assert api.revoke(SLUG, key, "second reason")["revocation_reason"] == "first reason"

    @pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "x" * 501}, {"why": "x"}])
    def test_revoke_needs_a_reason(self, api: AdminApi, body: dict[str, str]) -> None:
        key = api.create_key(SLUG)
        api.key_action(SLUG, key, "revoke", expect=422, json=body)

    def test_unknown_key_and_issuer_are_404(self, api: AdminApi) -> None:
        assert _problem_slug(api.activate(SLUG, "key-00000000", expect=404)) == "key-not-found"
        api.call("GET", "/v1/admin/issuers/nowhere/keys", expect=404)
        api.call("POST", "/v1/admin/issuers/nowhere/keys", expect=404)

    def test_needs_the_keys_scope(self, app: FastAPI, client: TestClient, api: AdminApi) -> None:
        token = make_token(app, Scope.ISSUERS)
        assert client.post(KEYS, headers=bearer(token)).status_code == 403

    def test_list_pages_oldest_first(self, api: AdminApi) -> None:
        made = [api.create_key(SLUG) for _ in range(3)]
        page = api.call("GET", KEYS, params={"limit": 2})
        rest = api.call("GET", KEYS, params={"after": page["next_cursor"]})
        assert [k["key_id"] for k in page["items"] + rest["items"]] == made


class TestResignRules:
    def test_without_an_active_key_is_409(self, api: AdminApi) -> None:
        key = api.create_key(SLUG)
        assert _problem_slug(api.key_action(SLUG, key, "resign", expect=409)) == "no-active-key"

    def test_the_active_key_needs_no_resigning(self, api: AdminApi) -> None:
        key = api.create_key(SLUG)
        api.activate(SLUG, key)
        assert _problem_slug(api.key_action(SLUG, key, "resign", expect=409)) == (
            "key-state-conflict"
        )

    @pytest.mark.parametrize("batch_size", [0, 1001, "many"])
    def test_batch_size_is_bounded(self, api: AdminApi, batch_size: object) -> None:
        key = api.create_key(SLUG)
        api.key_action(SLUG, key, "resign", expect=422, params={"batch_size": batch_size})


class TestResolveLocalVerificationMethod:
    def _resolve(self, app: FastAPI, settings: Settings, method: str) -> LocalKey | None:
        for session in session_scope(app.state.session_factory):
            local = key_service.resolve_local_verification_method(
                session, verification_method=method, settings=settings
            )
        return local

    def test_states_and_revocation_are_reported(
        self, api: AdminApi, app: FastAPI, settings: Settings
    ) -> None:
        active, revoked = api.create_key(SLUG), api.create_key(SLUG)
        api.activate(SLUG, active)
        api.revoke(SLUG, revoked)
        did = f"did:web:localhost%3A8000:issuers:{SLUG}"
        found = self._resolve(app, settings, f"{did}#{active}")
        assert found is not None
        assert (found.controller, found.state, found.revoked) == (did, KeyState.ACTIVE, False)
        assert found.public_key_multibase.startswith("z6Mk")
        gone = self._resolve(app, settings, f"{did}#{revoked}")
        assert gone is not None
        assert (gone.state, gone.revoked) == (KeyState.REVOKED, True)

    @pytest.mark.parametrize(
        "method",
        [
            "did:web:localhost%3A8000:issuers:kitami#key-00000000",
            "did:web:localhost%3A8000:issuers:nowhere#key-00000000",
            "did:web:other.example:issuers:kitami#key-00000000",
            "did:web:localhost%3A8000:issuers:kitami",
            "not a did",
        ],
    )
    def test_anything_else_is_none(
        self, api: AdminApi, app: FastAPI, settings: Settings, method: str
    ) -> None:
        assert self._resolve(app, settings, method) is None


class TestSigningKeyReadiness:
    def test_ready_before_the_default_issuer_exists(self, client: TestClient) -> None:
        checks = client.get("/health/ready").json()["checks"]
        [check] = [c for c in checks if c["name"] == "signing-key"]
        assert check["ok"] is True

    def test_not_ready_when_the_default_issuer_has_no_active_key(
        self, app: FastAPI, client: TestClient, settings: Settings
    ) -> None:
        for session in session_scope(app.state.session_factory):
            ensure_default_issuer_key(session, settings)
        assert client.get("/health/ready").status_code == 200
        api = AdminApi(client, make_token(app, Scope.KEYS))
        [key] = api.keys("default")
        api.revoke("default", key["key_id"])
        response = client.get("/health/ready")
        assert response.status_code == 503
        assert "signing-key" in response.json()["detail"]
