"""POST /v1/admin/credentials/{uuid}/revoke: scoped, idempotent, audited, reason kept private."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from badge_issuer.admin.scopes import Scope
from badge_issuer.audit.models import AuditEvent
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.kit.clock import utc_now
from tests.admin.factories import bearer, make_token
from tests.verification.factories import db, make_issuer, store_award


@pytest.fixture
def credential_uuid(app: FastAPI, settings: Settings) -> str:
    with db(app) as session:
        issuer = make_issuer(session, slug="sapporo", now=utc_now(), settings=settings)
        return store_award(session, issuer=issuer, settings=settings, now=utc_now()).uuid


def _revoke(client: TestClient, uuid: str, headers: dict[str, str], body: Any = None) -> Any:
    return client.post(
        f"/v1/admin/credentials/{uuid}/revoke",
        json={"reason": "issued in error"} if body is None else body,
        headers=headers,
    )


def _audit_events(app: FastAPI, uuid: str) -> list[AuditEvent]:
    with db(app) as session:
        query = select(AuditEvent).where(AuditEvent.target_id == uuid)
        return list(session.scalars(query).all())


class TestRevokeCredential:
    def test_revokes_and_answers_the_state(
        self, client: TestClient, credential_uuid: str, admin: dict[str, str]
    ) -> None:
        answer = _revoke(client, credential_uuid, admin)
        assert answer.status_code == 200
        body = answer.json()
        assert body["credential_id"] == credential_uuid
        assert body["already_revoked"] is False
        assert body["status_list_credential"].startswith("http://localhost:8000/status-lists/")
        assert "reason" not in body

    def test_keeps_the_reason_privately_on_the_award(
        self, app: FastAPI, client: TestClient, credential_uuid: str, admin: dict[str, str]
    ) -> None:
        _revoke(client, credential_uuid, admin)
        with db(app) as session:
            award = session.scalars(select(Award).where(Award.uuid == credential_uuid)).one()
            assert award.revocation_reason == "issued in error"
            assert award.revoked_at is not None

    def test_is_audited_once_with_the_token_name_as_actor(
        self, app: FastAPI, client: TestClient, credential_uuid: str, admin: dict[str, str]
    ) -> None:
        _revoke(client, credential_uuid, admin)
        (event,) = _audit_events(app, credential_uuid)
        assert event.action == "credential.revoke"
        assert event.actor == "registrar"
        assert event.target_type == "credential"
        assert event.details["reason"] == "issued in error"

    def test_second_call_is_200_same_state_and_no_second_audit_event(
        self, app: FastAPI, client: TestClient, credential_uuid: str, admin: dict[str, str]
    ) -> None:
        first = _revoke(client, credential_uuid, admin).json()
        second = _revoke(client, credential_uuid, admin, {"reason": "another reason"})
        assert second.status_code == 200
        assert second.json()["already_revoked"] is True
        assert second.json()["revoked_at"] == first["revoked_at"]
        assert len(_audit_events(app, credential_uuid)) == 1
        with db(app) as session:
            award = session.scalars(select(Award).where(Award.uuid == credential_uuid)).one()
            assert award.revocation_reason == "issued in error"

    def test_needs_a_token(self, client: TestClient, credential_uuid: str) -> None:
        answer = _revoke(client, credential_uuid, {})
        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"

    def test_needs_the_credentials_scope(
        self, app: FastAPI, client: TestClient, credential_uuid: str
    ) -> None:
        answer = _revoke(client, credential_uuid, bearer(make_token(app, Scope.KEYS)))
        assert answer.status_code == 403

    def test_unknown_credential_is_404(self, client: TestClient, admin: dict[str, str]) -> None:
        answer = _revoke(client, "00000000-0000-4000-8000-000000000000", admin)
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"

    @pytest.mark.parametrize(
        "body", [{}, {"reason": ""}, {"reason": "x" * 501}, {"reason": "ok", "extra": 1}]
    )
    def test_refuses_a_bad_body_with_a_422_problem(
        self, client: TestClient, credential_uuid: str, admin: dict[str, str], body: Any
    ) -> None:
        answer = _revoke(client, credential_uuid, admin, body)
        assert answer.status_code == 422
        assert answer.json()["errors"]
