"""A change of PUBLIC_URL: credentials of the previous origin keep verifying and can be revoked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from badge_issuer.config import Settings
from badge_issuer.kit.clock import utc_now
from badge_issuer.main import create_app
from badge_issuer.verification.verify import verify_credential
from tests.continuity.conftest import replay_examples
from tests.continuity.independent import IndependentResolver
from tests.harness import Harness

OLD = "http://localhost:8000"
NEW = "https://badges.pref.hokkaido.jp"


def _moved(settings: Settings, *, previous: list[str]) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=settings.database_url,
        public_url=NEW,
        previous_origins=previous,
        key_encryption_key_file=settings.key_encryption_key_file,
    )


@pytest.fixture
def old_credentials(harness: Harness) -> list[dict[str, Any]]:
    urls = replay_examples(harness)
    return [harness.client.get(url.removeprefix(OLD)).json() for url in urls]


@pytest.fixture
def moved_client(settings: Settings, old_credentials: list[dict[str, Any]]) -> Iterator[TestClient]:
    app = create_app(_moved(settings, previous=[OLD]))
    try:
        with TestClient(app, base_url=NEW) as client:
            yield client
    finally:
        app.state.engine.dispose()


def _under(client: TestClient, origin_host: str) -> IndependentResolver:
    def fetch(host: str, path: str) -> Any:
        answer = client.get(path, headers={"Host": host})
        assert answer.status_code == 200, (host, path, answer.text)
        return answer.json()

    return IndependentResolver(fetch)


class TestPreviousOrigin:
    def test_did_documents_answer_under_each_host_with_the_same_keys(
        self, moved_client: TestClient
    ) -> None:
        new = moved_client.get("/issuers/default/did.json").json()
        old = moved_client.get("/issuers/default/did.json", headers={"Host": "localhost:8000"})
        assert new["id"] == "did:web:badges.pref.hokkaido.jp:issuers:default"
        assert old.json()["id"] == "did:web:localhost%3A8000:issuers:default"
        keys = [m["publicKeyMultibase"] for m in new["verificationMethod"]]
        assert keys == [m["publicKeyMultibase"] for m in old.json()["verificationMethod"]]

    def test_old_credentials_verify_here_and_independently(
        self, moved_client: TestClient, old_credentials: list[dict[str, Any]]
    ) -> None:
        for credential in old_credentials:
            report = moved_client.post("/verify", json=credential).json()
            assert report["verified"] is True, report
            outside = verify_credential(
                credential, now=utc_now(), resolver=_under(moved_client, "localhost:8000")
            )
            assert outside.verified, outside.checks

    def test_an_old_credential_is_revoked_under_its_own_status_list_url(
        self, moved_client: TestClient, old_credentials: list[dict[str, Any]], harness: Harness
    ) -> None:
        credential = old_credentials[0]
        uuid = credential["id"].rsplit("/", 1)[1]
        answer = moved_client.post(
            f"/v1/admin/credentials/{uuid}/revoke", json={"reason": "test"}, headers=harness.admin
        )
        assert answer.status_code == 200, answer.text
        report = moved_client.post("/verify", json=credential).json()
        assert report["verified"] is False
        assert [c["check"] for c in report["checks"] if c["status"] == "failed"] == ["revocation"]
        status_url = credential["credentialStatus"]["statusListCredential"]
        assert status_url.startswith(OLD + "/status-lists/")
        listed = moved_client.get(
            status_url.removeprefix(OLD), headers={"Host": "localhost:8000"}
        ).json()
        assert listed["id"] == status_url
        assert listed["issuer"] == credential["issuer"]["id"]
        outside = verify_credential(
            credential, now=utc_now(), resolver=_under(moved_client, "localhost:8000")
        )
        assert not outside.verified
        failed = [check for check in outside.checks if check.status == "failed"]
        assert [check.check for check in failed] == ["revocation"], outside.checks
        for other in old_credentials[1:]:
            assert moved_client.post("/verify", json=other).json()["verified"] is True

    def test_new_credentials_use_the_new_origin(
        self, moved_client: TestClient, harness: Harness
    ) -> None:
        on_new = Harness(client=moved_client, admin=harness.admin, secrets=harness.secrets)
        awards = []
        for course, day in (("DXL-101", "01"), ("SEC-120", "02")):
            answer = on_new.post_completion(
                "manabi-portal",
                {
                    "learner": {"email": "new-origin@example.jp"},
                    "course_id": course,
                    "completed_at": f"2026-12-{day}T10:00:00+09:00",
                },
            )
            assert answer.status_code == 201, answer.text
            awards += answer.json()["awards"]
        assert awards
        assert awards[0]["credential_url"].startswith(NEW + "/credentials/")
        credential = moved_client.get(awards[0]["credential_url"].removeprefix(NEW)).json()
        assert credential["issuer"]["id"] == "did:web:badges.pref.hokkaido.jp:issuers:default"
        assert moved_client.post("/verify", json=credential).json()["verified"] is True

    def test_without_the_previous_origin_old_credentials_stop_verifying(
        self, settings: Settings, old_credentials: list[dict[str, Any]]
    ) -> None:
        app = create_app(_moved(settings, previous=[]))
        try:
            with TestClient(app, base_url=NEW) as client:
                report = client.post("/verify", json=old_credentials[0]).json()
        finally:
            app.state.engine.dispose()
        assert report["verified"] is False
