"""Learners with credentials, and their claim links, for the wallet tests."""

from __future__ import annotations

from typing import Any

from tests.harness import Harness

SATO = "sato.hanako@example.jp"


def completion(email: str, course_id: str, day: int, score: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "learner": {"email": email, "region": "01-okhotsk", "category": "worker-non-it"},
        "course_id": course_id,
        "completed_at": f"2026-10-{day:02d}T10:00:00+09:00",
    }
    if score is not None:
        body["score"] = score
    return body


def earn_bronze(harness: Harness, email: str = SATO) -> str:
    """Award dx-literacy-bronze to `email` through two webhooks; return the credential uuid."""
    harness.post_completion("manabi-portal", completion(email, "DXL-101", 1, 88))
    response = harness.post_completion("manabi-portal", completion(email, "SEC-120", 2, 91))
    assert response.status_code == 201, response.text
    awards = response.json()["awards"]
    assert [a["achievement_id"] for a in awards] == ["dx-literacy-bronze"]
    credential_id: str = awards[0]["credential_id"]
    return credential_id


def claim_links(harness: Harness, credential_uuid: str, **body: Any) -> dict[str, Any]:
    response = harness.client.post(
        f"/v1/admin/credentials/{credential_uuid}/claim-links", json=body, headers=harness.admin
    )
    assert response.status_code == 201, response.text
    links: dict[str, Any] = response.json()
    return links


def token_of(claim_url: str) -> str:
    return claim_url.rsplit("/", 1)[1]
