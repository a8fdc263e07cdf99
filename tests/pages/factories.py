"""Badges for the page tests, earned through the HTTP API like a provider would report them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.admin.factories import bearer, make_token
from tests.harness import Harness

ORIGIN = "http://localhost:8000"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def earn_bronze(harness: Harness, email: str = "sato.hanako@example.jp") -> str:
    """Report two completions that earn DXリテラシー（ブロンズ）; return the credential's uuid."""
    for day, course, score in ((1, "DXL-101", 88), (2, "SEC-120", 91)):
        body = {
            "learner": {"email": email},
            "course_id": course,
            "completed_at": f"2026-10-{day:02d}T10:00:00+09:00",
            "score": score,
        }
        response = harness.post_completion("manabi-portal", body)
        assert response.status_code == 201, response.text
    awards = response.json()["awards"]
    assert [award["achievement_id"] for award in awards] == ["dx-literacy-bronze"]
    return str(awards[0]["credential_url"]).rpartition("/credentials/")[2]


def revoke(client: TestClient, credential_uuid: str) -> None:
    """Revoke a credential through the admin API."""
    token = make_token(client.app, "credentials")  # type: ignore[arg-type]
    answer = client.post(
        f"/v1/admin/credentials/{credential_uuid}/revoke",
        json={"reason": "issued in error"},
        headers=bearer(token),
    )
    assert answer.status_code == 200, answer.text
