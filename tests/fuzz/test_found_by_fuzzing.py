"""What fuzzing found, kept fixed on both databases: each of these answered 500 once.

The cursor and validity bounds were found by schemathesis (tests/fuzz/test_openapi_fuzz.py, on
SQLite); the NUL characters by sending them to every path and query parameter on PostgreSQL,
which refuses NUL in any text it compares.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from badge_issuer import bootstrap
from badge_issuer.config import Settings
from badge_issuer.kit.pagination import MAX_CURSOR
from badge_issuer.skillmap.document import MAX_VALID_DAYS
from tests.harness import Harness
from tests.providers.factories import one_badge_per_course

LISTS = [
    "/v1/admin/audit",
    "/v1/admin/credentials",
    "/v1/admin/issuers",
    "/v1/admin/issuers/default/keys",
]


@pytest.fixture
def prepared(settings: Settings, client: TestClient) -> Harness:
    """The service as `serve` prepares it (default issuer and key), nothing else loaded."""
    bootstrap.prepare(settings)
    return Harness.start(client)


class TestListCursors:
    @pytest.mark.parametrize("path", LISTS)
    def test_a_cursor_beyond_any_id_is_refused_as_invalid(
        self, prepared: Harness, path: str
    ) -> None:
        response = prepared.client.get(path, params={"after": 2**63}, headers=prepared.admin)

        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/query/after"

    @pytest.mark.parametrize("path", LISTS)
    def test_the_largest_cursor_gives_an_empty_last_page(
        self, prepared: Harness, path: str
    ) -> None:
        response = prepared.client.get(path, params={"after": MAX_CURSOR}, headers=prepared.admin)

        assert response.status_code == 200
        assert response.json() == {"items": [], "next_cursor": None}


class TestCredentialValidity:
    def _map_with_validity(self, days: int) -> bytes:
        document = one_badge_per_course("fuzz-lms", "FUZZ-101")
        document["achievements"][0]["valid_for_days"] = days
        return json.dumps(document).encode()

    def test_a_validity_beyond_a_hundred_years_is_refused_when_the_map_is_loaded(
        self, prepared: Harness
    ) -> None:
        prepared.register_provider("fuzz-lms")
        response = prepared.client.put(
            "/v1/admin/skill-map",
            content=self._map_with_validity(10**10),
            headers=prepared.admin | {"content-type": "application/json"},
        )

        assert response.status_code == 422
        pointers = [error["pointer"] for error in response.json()["errors"]]
        assert pointers == ["achievements[0].valid_for_days"]

    def test_the_longest_validity_is_issued(self, prepared: Harness) -> None:
        prepared.register_provider("fuzz-lms")
        prepared.load_skill_map(self._map_with_validity(MAX_VALID_DAYS))
        body = {
            "learner": {"email": "long@example.jp"},
            "course_id": "FUZZ-101",
            "completed_at": "2026-10-01T10:00:00+09:00",
        }

        answer = prepared.post_completion("fuzz-lms", body)

        assert answer.status_code == 201
        credential = prepared.client.get(answer.json()["awards"][0]["credential_url"]).json()
        assert credential["validUntil"].startswith("21")


NUL = "a\u0000b"
# (method, path, query, what SQLite answers): SQLite stores NUL and finds nothing (a lookup is
# 404, a filtered list an empty page); PostgreSQL refuses the value, which is a 422 problem.
NUL_REQUESTS = [
    ("GET", "/issuers/a%00b", None, 404),
    ("GET", "/issuers/a%00b/did.json", None, 404),
    ("GET", "/status-lists/a%00b", None, 404),
    ("GET", "/credentials/a%00b/image.png", None, 404),
    ("GET", "/achievements/a%00b/image", None, 404),
    ("GET", "/v1/admin/providers/a%00b", None, 404),
    ("POST", "/v1/admin/issuers/a%00b/keys", None, 404),
    ("GET", "/v1/admin/providers", {"after": NUL}, 200),
    ("GET", "/v1/admin/credentials", {"achievement": NUL}, 200),
    ("GET", "/v1/admin/credentials", {"provider": NUL}, 200),
    ("GET", "/v1/admin/audit", {"target_id": NUL}, 200),
]


class TestNulCharacters:
    @pytest.mark.parametrize(("method", "path", "query", "on_sqlite"), NUL_REQUESTS)
    def test_a_nul_character_in_a_parameter_is_not_a_server_error(
        self,
        prepared: Harness,
        db_backend: str,
        method: str,
        path: str,
        query: dict[str, str] | None,
        on_sqlite: int,
    ) -> None:
        response = prepared.client.request(method, path, params=query, headers=prepared.admin)

        expected = on_sqlite if db_backend == "sqlite" else 422
        assert response.status_code == expected, response.text
        if expected == 200:
            assert response.json()["items"] == []
        else:
            assert response.headers["content-type"] == "application/problem+json"
