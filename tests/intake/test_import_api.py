"""POST /v1/admin/providers/{id}/completions:import (scope `providers`)."""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.admin.scopes import Scope
from tests.admin.factories import bearer, make_token
from tests.providers.factories import (
    Sender,
    completion_body,
    course_only_skill_map,
    load_skill_map,
)

URL = "/v1/admin/providers/manabi-portal/completions:import"
PROBLEM = "application/problem+json"
JSONL = {"content-type": "application/x-ndjson"}
CSV = {"content-type": "text/csv; charset=utf-8"}


def _jsonl(*bodies: dict[str, object]) -> bytes:
    return "".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bodies).encode()


class TestImportJsonl:
    def test_summary_counts_accepted_duplicates_and_rejections_by_line(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        payload = (
            _jsonl(
                completion_body(),
                completion_body(course_id="SEC-120"),
                completion_body(),  # the same completion again
                completion_body(score=101),
            )
            + b"not json\n"
        )
        response = client.post(URL, content=payload, headers=admin | JSONL)
        assert response.status_code == 200, response.text
        summary = response.json()
        assert (summary["accepted"], summary["duplicates"], summary["rejected"]) == (2, 1, 2)
        assert [r["line"] for r in summary["rejections"]] == [4, 5]
        assert "/score" in summary["rejections"][0]["reason"]

    def test_unknown_course_is_rejected_by_name(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        load_skill_map(app, course_only_skill_map())
        payload = _jsonl(completion_body(), completion_body(course_id="NOPE-1"))
        summary = client.post(URL, content=payload, headers=admin | JSONL).json()
        assert summary["accepted"] == 1
        assert "NOPE-1" in summary["rejections"][0]["reason"]

    def test_imported_completion_is_a_duplicate_for_a_later_webhook(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        client.post(URL, content=_jsonl(completion_body()), headers=admin | JSONL)
        rotated = client.post("/v1/admin/providers/manabi-portal/rotate-secret", headers=admin)
        webhook = Sender(client=client, secret=rotated.json()["secret"]).post(completion_body())
        assert webhook.status_code == 200

    def test_reimporting_the_same_file_only_finds_duplicates(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        payload = _jsonl(completion_body(), completion_body(course_id="SEC-120"))
        client.post(URL, content=payload, headers=admin | JSONL)
        summary = client.post(URL, content=payload, headers=admin | JSONL).json()
        assert (summary["accepted"], summary["duplicates"]) == (0, 2)


class TestImportCsv:
    def test_csv_rows_are_imported(self, client: TestClient, admin: dict[str, str]) -> None:
        payload = (
            "\ufeffemail,region,course_id,completed_at,score\n"
            "a@example.jp,01-kitami,DXL-101,2026-10-01T10:00:00+09:00,80\n"
            "b@example.jp,,DXL-101,2026-10-01T10:00:00+09:00,\n"
            "c@example.jp,,DXL-101,not a date,\n"
        ).encode()
        summary = client.post(URL, content=payload, headers=admin | CSV).json()
        assert (summary["accepted"], summary["rejected"]) == (2, 1)
        assert summary["rejections"][0]["line"] == 4

    def test_unknown_column_is_400(self, client: TestClient, admin: dict[str, str]) -> None:
        response = client.post(URL, content=b"email,secret\n", headers=admin | CSV)
        assert response.status_code == 400
        assert response.headers["content-type"] == PROBLEM


class TestImportRefusals:
    def test_other_media_type_is_415(self, client: TestClient, admin: dict[str, str]) -> None:
        response = client.post(URL, json=[completion_body()], headers=admin)
        assert response.status_code == 415
        assert response.headers["content-type"] == PROBLEM

    def test_body_that_is_not_utf8_is_400(self, client: TestClient, admin: dict[str, str]) -> None:
        response = client.post(URL, content=b"\xff\xfe\x00", headers=admin | JSONL)
        assert response.status_code == 400

    def test_body_over_the_global_limit_is_413(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        payload = _jsonl(completion_body()) * 6000
        response = client.post(URL, content=payload, headers=admin | JSONL)
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM

    def test_unknown_provider_is_404(self, client: TestClient, admin: dict[str, str]) -> None:
        url = URL.replace("manabi-portal", "nobody")
        response = client.post(url, content=_jsonl(completion_body()), headers=admin | JSONL)
        assert response.status_code == 404

    def test_suspended_provider_is_409(self, client: TestClient, admin: dict[str, str]) -> None:
        client.patch(
            "/v1/admin/providers/manabi-portal", json={"status": "suspended"}, headers=admin
        )
        response = client.post(URL, content=_jsonl(completion_body()), headers=admin | JSONL)
        assert response.status_code == 409

    def test_without_token_is_401_before_the_body_is_looked_at(self, client: TestClient) -> None:
        response = client.post(URL, content=b"x", headers={"content-type": "image/png"})
        assert response.status_code == 401

    def test_other_scope_is_403(self, app: FastAPI, client: TestClient) -> None:
        token = bearer(make_token(app, Scope.SKILLMAP))
        response = client.post(URL, content=_jsonl(completion_body()), headers=token | JSONL)
        assert response.status_code == 403
