"""The key lifecycle through the HTTP API: create, activate, rotate, revoke, re-sign."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from badge_issuer.audit.models import AuditEvent
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.issuers import service as issuer_service
from badge_issuer.keys.bootstrap import ensure_default_issuer_key
from badge_issuer.kit.clock import utc_now
from tests.keys.admin_api import AdminApi
from tests.keys.factories import issue_test_credential, verify_with_local_keys

SLUG = "sapporo"


def _issue(app: FastAPI, settings: Settings, slug: str = SLUG) -> str:
    """Issue one test credential with the issuer's active key; return its uuid."""
    for session in session_scope(app.state.session_factory):
        issuer = issuer_service.get_issuer(session, slug)
        award = issue_test_credential(session, issuer=issuer, settings=settings, now=utc_now())
    return award.uuid


def _document(app: FastAPI, credential_uuid: str) -> dict[str, Any]:
    for session in session_scope(app.state.session_factory):
        award = session.scalars(select(Award).where(Award.uuid == credential_uuid)).one()
        document: dict[str, Any] = json.loads(award.document)
    return document


def _verified(app: FastAPI, settings: Settings, credential_uuid: str) -> bool:
    for session in session_scope(app.state.session_factory):
        result = verify_with_local_keys(session, _document(app, credential_uuid), settings=settings)
    return result.verified


def _signed_by(app: FastAPI, credential_uuid: str) -> str:
    proofs = _document(app, credential_uuid)["proof"]
    assert len(proofs) == 1
    method: str = proofs[0]["verificationMethod"]
    return method.rsplit("#", 1)[1]


def _published(client: TestClient, slug: str = SLUG) -> list[str]:
    document = client.get(f"/issuers/{slug}/did.json").json()
    return [method["id"].rsplit("#", 1)[1] for method in document["verificationMethod"]]


def _assert_resigned_in_place(
    app: FastAPI, settings: Settings, before: dict[str, dict[str, Any]], key_id: str
) -> None:
    """Each credential verifies under `key_id` and differs from before only in its proof."""
    for uuid, old in before.items():
        assert _verified(app, settings, uuid)
        assert _signed_by(app, uuid) == key_id
        new = _document(app, uuid)
        assert {k: v for k, v in new.items() if k != "proof"} == {
            k: v for k, v in old.items() if k != "proof"
        }
        assert new["proof"][0]["type"] == "DataIntegrityProof"
        assert new["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
        assert new["proof"][0]["created"] >= old["proof"][0]["created"]


class TestKeyLifecycle:
    def test_create_activate_rotate_revoke_resign(
        self, app: FastAPI, client: TestClient, api: AdminApi, settings: Settings
    ) -> None:
        api.create_issuer(SLUG)
        first = api.create_key(SLUG)
        assert api.states(SLUG) == {first: "staged"}
        assert _published(client) == [first]
        api.activate(SLUG, first)
        old_credentials = [_issue(app, settings) for _ in range(3)]
        assert all(_verified(app, settings, uuid) for uuid in old_credentials)

        # Rotate: the old key is retired but stays published, so its credentials still verify.
        second = api.create_key(SLUG)
        api.activate(SLUG, second)
        assert api.states(SLUG) == {first: "retired", second: "active"}
        assert _published(client) == [first, second]
        new_credential = _issue(app, settings)
        assert _signed_by(app, new_credential) == second
        assert all(_verified(app, settings, uuid) for uuid in [*old_credentials, new_credential])

        # Revoke the old key: it leaves the DID document and its credentials stop verifying.
        revoked = api.revoke(SLUG, first, "key file leaked")
        assert revoked["state"] == "revoked"
        assert revoked["revocation_reason"] == "key file leaked"
        assert _published(client) == [second]
        assert not any(_verified(app, settings, uuid) for uuid in old_credentials)
        assert _verified(app, settings, new_credential)

        # Re-sign in batches of two: the first call leaves one, the second finishes.
        before = {uuid: _document(app, uuid) for uuid in old_credentials}
        path = f"/v1/admin/issuers/{SLUG}/keys/{first}/resign"
        assert api.call("POST", path, params={"batch_size": 2}) == {
            "key_id": first,
            "signing_key_id": second,
            "resigned": 2,
            "remaining": 1,
            "done": False,
        }
        assert api.call("POST", path, params={"batch_size": 2})["done"] is True
        assert api.call("POST", path)["resigned"] == 0
        _assert_resigned_in_place(app, settings, before, second)

    def test_every_admin_action_is_audited_with_the_token_name(
        self, app: FastAPI, api: AdminApi, settings: Settings
    ) -> None:
        api.create_issuer(SLUG)
        api.call("PATCH", f"/v1/admin/issuers/{SLUG}", json={"description": "市の講座"})
        first = api.create_key(SLUG)
        api.activate(SLUG, first)
        _issue(app, settings)
        second = api.create_key(SLUG)
        api.activate(SLUG, second)
        api.key_action(SLUG, second, "retire")
        api.revoke(SLUG, first)
        third = api.create_key(SLUG)
        api.activate(SLUG, third)
        api.key_action(SLUG, first, "resign")
        for session in session_scope(app.state.session_factory):
            events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
            actions = [(e.actor, e.action, e.target_id) for e in events]
        keys = f"issuers/{SLUG}/keys"
        assert actions == [
            ("key-admin", "issuer.create", SLUG),
            ("key-admin", "issuer.update", SLUG),
            ("key-admin", "key.create", f"{keys}/{first}"),
            ("key-admin", "key.activate", f"{keys}/{first}"),
            ("key-admin", "key.create", f"{keys}/{second}"),
            ("key-admin", "key.activate", f"{keys}/{second}"),
            ("key-admin", "key.retire", f"{keys}/{second}"),
            ("key-admin", "key.revoke", f"{keys}/{first}"),
            ("key-admin", "key.create", f"{keys}/{third}"),
            ("key-admin", "key.activate", f"{keys}/{third}"),
            ("key-admin", "key.resign", f"{keys}/{first}"),
        ]

    def test_revoked_credentials_are_not_resigned(
        self, app: FastAPI, api: AdminApi, settings: Settings
    ) -> None:
        api.create_issuer(SLUG)
        first = api.create_key(SLUG)
        api.activate(SLUG, first)
        kept, withdrawn = _issue(app, settings), _issue(app, settings)
        for session in session_scope(app.state.session_factory):
            award = session.scalars(select(Award).where(Award.uuid == withdrawn)).one()
            award.revoked_at = utc_now()
        api.activate(SLUG, api.create_key(SLUG))
        api.revoke(SLUG, first)
        outcome = api.key_action(SLUG, first, "resign")
        assert (outcome["resigned"], outcome["remaining"]) == (1, 0)
        assert _verified(app, settings, kept)
        assert _signed_by(app, withdrawn) == first

    def test_default_issuer_key_signs_after_bootstrap(
        self, app: FastAPI, client: TestClient, settings: Settings
    ) -> None:
        for session in session_scope(app.state.session_factory):
            ensure_default_issuer_key(session, settings)
        credential = _issue(app, settings, "default")
        assert _verified(app, settings, credential)
        assert _published(client, "default") == [_signed_by(app, credential)]
