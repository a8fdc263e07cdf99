"""GET /credentials/{uuid}: the stored credential byte for byte, as JSON or vc+ld+json."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.kit.clock import utc_now
from tests.verification.factories import db, make_issuer, store_award


@pytest.fixture
def award(app: FastAPI, settings: Settings) -> Award:
    with db(app) as session:
        issuer = make_issuer(session, slug="sapporo", now=utc_now(), settings=settings)
        return store_award(session, issuer=issuer, settings=settings, now=utc_now())


class TestGetCredential:
    def test_returns_the_stored_bytes(self, client: TestClient, award: Award) -> None:
        answer = client.get(f"/credentials/{award.uuid}")
        assert answer.status_code == 200
        assert answer.content == award.document.encode("utf-8")
        assert answer.headers["content-type"] == "application/json"

    @pytest.mark.parametrize(
        ("accept", "media_type"),
        [
            ("application/vc+ld+json", "application/vc+ld+json"),
            ("application/json, application/vc+ld+json;q=0.9", "application/vc+ld+json"),
            ("application/vc+ld+json;q=0", "application/json"),
            ("text/html;q=0.1, application/json", "application/json"),
            ("*/*", "application/json"),
        ],
    )
    def test_negotiates_the_media_type(
        self, client: TestClient, award: Award, accept: str, media_type: str
    ) -> None:
        answer = client.get(f"/credentials/{award.uuid}", headers={"Accept": accept})
        assert answer.headers["content-type"] == media_type
        assert answer.content == award.document.encode("utf-8")

    def test_answers_304_to_its_etag(self, client: TestClient, award: Award) -> None:
        etag = client.get(f"/credentials/{award.uuid}").headers["etag"]
        answer = client.get(f"/credentials/{award.uuid}", headers={"If-None-Match": etag})
        assert answer.status_code == 304

    def test_accepts_an_upper_case_uuid(self, client: TestClient, award: Award) -> None:
        assert client.get(f"/credentials/{award.uuid.upper()}").status_code == 200

    @pytest.mark.parametrize(
        "credential_id",
        ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "1", "%00", "x" * 64],
    )
    def test_unknown_or_malformed_ids_are_404_problems(
        self, client: TestClient, credential_id: str
    ) -> None:
        answer = client.get(f"/credentials/{credential_id}")
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
