"""The scripted run both metrics tests replay, and reading counters from a /metrics answer."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from standardwebhooks.webhooks import Webhook

COMPLETIONS = (
    ("DXL-101", "2026-11-01T10:00:00+09:00"),
    ("SEC-120", "2026-11-02T10:00:00+09:00"),
)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Parse a Prometheus text answer into {(sample name, sorted labels): value}."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(
    parsed: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return parsed.get((name, tuple(sorted(labels.items()))), 0.0)


def signed(
    secret: str, body: dict[str, Any], webhook_id: str | None = None
) -> tuple[bytes, dict[str, str]]:
    payload = json.dumps(body, ensure_ascii=False)
    msg_id = webhook_id or f"msg_{uuid.uuid4().hex}"
    moment = datetime.now(UTC)
    headers = {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, moment, payload),
    }
    return payload.encode(), headers


def run(client: httpx.Client, *, secret: str, admin: dict[str, str], email: str) -> dict[str, Any]:
    """A completion that issues a credential, a replay, two refused webhooks, a failed
    verification and a revocation. Returns the issued credential."""
    post = client.post
    path = "/v1/providers/manabi-portal/completions"
    answers = []
    for course, moment in COMPLETIONS:
        body, headers = signed(
            secret, {"learner": {"email": email}, "course_id": course, "completed_at": moment}
        )
        answer = post(path, content=body, headers=headers)
        assert answer.status_code == 201, answer.text
        answers.append((body, headers, answer))
    body, headers, last = answers[-1]
    replay = post(path, content=body, headers=headers)
    assert replay.status_code == 200, replay.text
    forged = dict(headers, **{"webhook-id": f"msg_{uuid.uuid4().hex}"})
    assert post(path, content=body, headers=forged).status_code == 401
    unknown, unknown_headers = signed(
        secret,
        {
            "learner": {"email": email},
            "course_id": "NO-SUCH-COURSE",
            "completed_at": COMPLETIONS[0][1],
        },
    )
    assert post(path, content=unknown, headers=unknown_headers).status_code == 422
    awards = last.json()["awards"]
    assert len(awards) == 1, awards
    credential_url = awards[0]["credential_url"]
    credential: dict[str, Any] = client.get(
        "/credentials/" + credential_url.rsplit("/", 1)[1]
    ).json()
    tampered = dict(credential, validFrom="2020-01-01T00:00:00Z")
    report = post("/verify", json=tampered).json()
    assert report["verified"] is False
    credential["failed_checks"] = [c["check"] for c in report["checks"] if c["status"] == "failed"]
    revoked = post(
        f"/v1/admin/credentials/{credential_url.rsplit('/', 1)[1]}/revoke",
        json={"reason": "metrics test"},
        headers=admin,
    )
    assert revoked.status_code == 200, revoked.text
    return credential
