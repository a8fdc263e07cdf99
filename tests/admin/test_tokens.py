"""Admin tokens: hashed at rest, scoped, revocable; 401 and 403 are problems."""

from __future__ import annotations

import subprocess
import sys

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from badge_issuer.admin.models import AdminToken
from badge_issuer.admin.scopes import Scope
from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from tests.admin.factories import bearer, make_token

AUDIT = "/v1/admin/audit"


class TestAdminAuthentication:
    def test_missing_token_is_401_problem(self, client: TestClient) -> None:
        response = client.get(AUDIT)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"

    def test_unknown_token_is_401(self, client: TestClient) -> None:
        response = client.get(AUDIT, headers=bearer("bi_" + "x" * 43))
        assert response.status_code == 401

    def test_malformed_header_is_401(self, client: TestClient) -> None:
        response = client.get(AUDIT, headers={"Authorization": "Basic Zm9vOmJhcg=="})
        assert response.status_code == 401

    def test_wrong_scope_is_403_problem(self, app: FastAPI, client: TestClient) -> None:
        token = make_token(app, Scope.STATS)
        response = client.get(AUDIT, headers=bearer(token))
        assert response.status_code == 403
        assert "issuers" in response.json()["detail"]

    def test_right_scope_passes_and_records_last_use(
        self, app: FastAPI, client: TestClient
    ) -> None:
        token = make_token(app, Scope.ISSUERS)
        response = client.get(AUDIT, headers=bearer(token))
        assert response.status_code == 200, response.text
        for session in session_scope(app.state.session_factory):
            record = session.scalars(select(AdminToken)).one()
            assert record.last_used_at is not None

    def test_token_is_stored_only_as_hash(self, app: FastAPI) -> None:
        token = make_token(app, Scope.KEYS)
        for session in session_scope(app.state.session_factory):
            record = session.scalars(select(AdminToken)).one()
            assert token not in repr(record.__dict__)
            assert record.token_hash != token
            assert len(record.token_hash) == 64

    def test_revoked_token_is_401(self, app: FastAPI, client: TestClient) -> None:
        from badge_issuer.admin import service
        from badge_issuer.kit.clock import utc_now

        token = make_token(app, Scope.ISSUERS)
        for session in session_scope(app.state.session_factory):
            record = session.scalars(select(AdminToken)).one()
            service.revoke_token(session, token_id=record.id, now=utc_now())
        assert client.get(AUDIT, headers=bearer(token)).status_code == 401


class TestTokenCli:
    def test_create_prints_the_token_alone_on_the_last_stdout_line(
        self, settings: Settings, app: FastAPI, client: TestClient
    ) -> None:
        env = {
            "BADGE_ISSUER_DATABASE_URL": settings.database_url,
            "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": str(settings.key_encryption_key_file),
            "PATH": "/usr/bin:/bin",
        }
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "badge_issuer",
                "token",
                "create",
                "--scope",
                "issuers",
                "--name",
                "ops",
            ],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        token = result.stdout.strip().splitlines()[-1]
        assert token.startswith("bi_")
        assert token not in result.stderr
        assert client.get(AUDIT, headers=bearer(token)).status_code == 200
