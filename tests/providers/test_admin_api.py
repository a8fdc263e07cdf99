"""Admin REST for providers (scope `providers`): create, list, get, update, rotate secret."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from badge_issuer.admin.scopes import Scope
from badge_issuer.audit.models import AuditEvent
from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.keys import kek
from badge_issuer.main import create_app
from badge_issuer.providers.models import ProviderSecret
from tests.admin.factories import bearer, make_token
from tests.providers.factories import Sender, completion_body

BASE = "/v1/admin/providers"
PROBLEM = "application/problem+json"


def _create(client: TestClient, admin: dict[str, str], provider_id: str = "manabi-portal") -> str:
    response = client.post(BASE, json={"id": provider_id, "name": "まなびポータル"}, headers=admin)
    assert response.status_code == 201, response.text
    secret: str = response.json()["secret"]
    return secret


class TestAccess:
    def test_without_token_is_401_problem(self, client: TestClient) -> None:
        response = client.get(BASE)
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM

    def test_other_scope_is_403_problem(self, app: FastAPI, client: TestClient) -> None:
        response = client.get(BASE, headers=bearer(make_token(app, Scope.KEYS)))
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM


class TestCreateProvider:
    def test_answer_holds_the_secret_once(self, client: TestClient, admin: dict[str, str]) -> None:
        response = client.post(
            BASE,
            json={
                "id": "manabi-portal",
                "name": "まなびポータル",
                "callback_url": "https://m.example.jp/cb",
            },
            headers=admin,
        )
        assert response.status_code == 201
        created = response.json()
        assert created["secret"].startswith("whsec_")
        assert created["status"] == "active"
        assert created["callback_url"] == "https://m.example.jp/cb"
        shown = client.get(f"{BASE}/manabi-portal", headers=admin).json()
        assert "secret" not in shown
        assert created["secret"] not in str(client.get(BASE, headers=admin).json())

    def test_secret_is_stored_wrapped_under_the_kek_bound_to_its_row(
        self, app: FastAPI, client: TestClient, admin: dict[str, str], settings: Settings
    ) -> None:
        secret = _create(client, admin)
        key = kek.load(settings.key_encryption_key_file)
        for session in session_scope(app.state.session_factory):
            row = session.scalars(select(ProviderSecret)).one()
            assert secret.encode() not in row.wrapped_secret
            assert row.kek_fingerprint == key.fingerprint
            aad = f"provider-secret:manabi-portal:{row.id}".encode()
            assert key.unwrap(row.wrapped_secret, associated_data=aad).decode() == secret
            assert secret not in repr(row)

    def test_duplicate_id_is_409(self, client: TestClient, admin: dict[str, str]) -> None:
        _create(client, admin)
        response = client.post(BASE, json={"id": "manabi-portal", "name": "x"}, headers=admin)
        assert response.status_code == 409
        assert response.headers["content-type"] == PROBLEM

    @pytest.mark.parametrize(
        "body",
        [
            {"id": "Upper-Case", "name": "x"},
            {"id": "-dash", "name": "x"},
            {"id": "a" * 65, "name": "x"},
            {"id": "ok", "name": ""},
            {"id": "ok", "name": "x", "callback_url": "ftp://example.jp"},
            {"id": "ok", "name": "x", "extra": 1},
        ],
    )
    def test_invalid_body_is_422(
        self, client: TestClient, admin: dict[str, str], body: dict[str, object]
    ) -> None:
        response = client.post(BASE, json=body, headers=admin)
        assert response.status_code == 422
        assert response.json()["errors"]

    def test_creation_is_audited_without_the_secret(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        secret = _create(client, admin)
        for session in session_scope(app.state.session_factory):
            event = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "provider.create")
            ).one()
            assert event.target_id == "manabi-portal"
            assert event.actor == "test-admin"
            assert secret not in str(event.details)


class TestReadAndUpdate:
    def test_list_is_paginated_by_id(self, client: TestClient, admin: dict[str, str]) -> None:
        for provider_id in ("c-lms", "a-lms", "b-lms"):
            _create(client, admin, provider_id)
        first = client.get(BASE, params={"limit": 2}, headers=admin).json()
        assert [p["id"] for p in first["items"]] == ["a-lms", "b-lms"]
        rest = client.get(BASE, params={"after": first["next_cursor"]}, headers=admin).json()
        assert [p["id"] for p in rest["items"]] == ["c-lms"]
        assert rest["next_cursor"] is None

    def test_unknown_provider_is_404(self, client: TestClient, admin: dict[str, str]) -> None:
        response = client.get(f"{BASE}/nobody", headers=admin)
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM

    def test_update_changes_only_the_fields_sent(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        _create(client, admin)
        client.patch(
            f"{BASE}/manabi-portal", json={"callback_url": "https://m.example.jp/cb"}, headers=admin
        )
        response = client.patch(f"{BASE}/manabi-portal", json={"name": "Manabi"}, headers=admin)
        assert response.status_code == 200
        assert response.json()["name"] == "Manabi"
        assert response.json()["callback_url"] == "https://m.example.jp/cb"

    def test_callback_url_can_be_cleared(self, client: TestClient, admin: dict[str, str]) -> None:
        _create(client, admin)
        client.patch(
            f"{BASE}/manabi-portal", json={"callback_url": "https://m.example.jp/cb"}, headers=admin
        )
        response = client.patch(f"{BASE}/manabi-portal", json={"callback_url": None}, headers=admin)
        assert response.json()["callback_url"] is None

    def test_suspend_then_reactivate(self, client: TestClient, admin: dict[str, str]) -> None:
        secret = _create(client, admin)
        sender = Sender(client=client, secret=secret)
        client.patch(f"{BASE}/manabi-portal", json={"status": "suspended"}, headers=admin)
        assert sender.post(completion_body()).status_code == 401
        client.patch(f"{BASE}/manabi-portal", json={"status": "active"}, headers=admin)
        assert sender.post(completion_body()).status_code == 201

    def test_unknown_status_is_422(self, client: TestClient, admin: dict[str, str]) -> None:
        _create(client, admin)
        response = client.patch(f"{BASE}/manabi-portal", json={"status": "gone"}, headers=admin)
        assert response.status_code == 422

    def test_update_of_unknown_provider_is_404(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        response = client.patch(f"{BASE}/nobody", json={"name": "x"}, headers=admin)
        assert response.status_code == 404


@dataclass
class ManualClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def clocked_client(settings: Settings, clock: ManualClock) -> Iterator[TestClient]:
    application = create_app(settings, clock=clock)
    with TestClient(application) as test_client:
        yield test_client
    application.state.engine.dispose()


class TestRotateSecret:
    def test_old_and_new_secrets_verify_during_the_overlap_then_only_the_new(
        self, clocked_client: TestClient, clock: ManualClock
    ) -> None:
        client = clocked_client
        admin = bearer(make_token(client.app, Scope.PROVIDERS))  # type: ignore[arg-type]
        old = Sender(client=client, secret=_create(client, admin))
        response = client.post(
            f"{BASE}/manabi-portal/rotate-secret", json={"overlap_seconds": 3600}, headers=admin
        )
        assert response.status_code == 200
        rotated = response.json()
        new = Sender(client=client, secret=rotated["secret"])
        assert new.secret != old.secret
        assert rotated["previous_secrets_expire_at"] == (
            (clock.now + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
        )
        body = completion_body
        assert old.post(body(course_id="A"), sent_at=clock.now).status_code == 201
        assert new.post(body(course_id="B"), sent_at=clock.now).status_code == 201
        clock.now += timedelta(hours=1, seconds=1)
        assert old.post(body(course_id="C"), sent_at=clock.now).status_code == 401
        assert new.post(body(course_id="D"), sent_at=clock.now).status_code == 201

    def test_default_overlap_is_a_day(self, client: TestClient, admin: dict[str, str]) -> None:
        _create(client, admin)
        response = client.post(f"{BASE}/manabi-portal/rotate-secret", headers=admin)
        expires = datetime.fromisoformat(response.json()["previous_secrets_expire_at"])
        assert timedelta(hours=23) < expires - datetime.now(UTC) <= timedelta(hours=24)

    def test_zero_overlap_retires_the_old_secret_at_once(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        old = Sender(client=client, secret=_create(client, admin))
        client.post(
            f"{BASE}/manabi-portal/rotate-secret", json={"overlap_seconds": 0}, headers=admin
        )
        assert old.post(completion_body()).status_code == 401

    def test_rotating_again_never_stretches_an_earlier_window(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        _create(client, admin)
        url = f"{BASE}/manabi-portal/rotate-secret"
        client.post(url, json={"overlap_seconds": 60}, headers=admin)
        client.post(url, json={"overlap_seconds": 86400}, headers=admin)
        for session in session_scope(app.state.session_factory):
            rows = session.scalars(select(ProviderSecret).order_by(ProviderSecret.id)).all()
            first, second, third = (row.expires_at for row in rows)
            assert first is not None
            assert second is not None
            assert second - first > timedelta(hours=23)
            assert third is None

    def test_unknown_provider_is_404(self, client: TestClient, admin: dict[str, str]) -> None:
        response = client.post(f"{BASE}/nobody/rotate-secret", headers=admin)
        assert response.status_code == 404

    def test_overlap_longer_than_30_days_is_422(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        _create(client, admin)
        response = client.post(
            f"{BASE}/manabi-portal/rotate-secret",
            json={"overlap_seconds": 31 * 86400},
            headers=admin,
        )
        assert response.status_code == 422
