"""Providers, signed webhook deliveries and completion bodies for the provider tests."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from badge_issuer.db import session_scope
from badge_issuer.kit.clock import utc_now
from badge_issuer.providers import service, signatures
from badge_issuer.providers.schemas import ProviderCreate
from tests.skillmap.factories import store_skill_map

PROVIDER_ID = "manabi-portal"
COURSE_ID = "DXL-101"


def create_provider(
    app: FastAPI, provider_id: str = PROVIDER_ID, *, name: str = "Manabi Portal"
) -> str:
    """Register a provider in the app's database; return its webhook secret."""
    settings = app.state.settings
    for session in session_scope(app.state.session_factory):
        _provider, secret = service.create_provider(
            session,
            data=ProviderCreate(id=provider_id, name=name),
            actor="test",
            settings=settings,
            now=utc_now(),
        )
    return secret


def completion_body(**overrides: Any) -> dict[str, Any]:
    """A valid webhook body (../shared/CONTRACT.md section 5).

    Keyword arguments replace top-level fields.
    """
    body: dict[str, Any] = {
        "learner": {
            "email": "sato.hanako@example.jp",
            "name": "佐藤 花子",
            "region": "01-okhotsk",
            "category": "worker-non-it",
        },
        "course_id": COURSE_ID,
        "completed_at": "2026-10-01T10:00:00+09:00",
        "score": 88,
        "certificate_url": "https://manabi.example.jp/certificates/a81f",
    }
    body.update(overrides)
    return body


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def signed_headers(
    secret: str,
    payload: bytes,
    *,
    webhook_id: str | None = None,
    sent_at: datetime | None = None,
) -> dict[str, str]:
    """The Standard Webhooks headers a provider sends with `payload`."""
    msg_id = webhook_id or f"msg_{uuid.uuid4().hex}"
    moment = (sent_at or datetime.now(UTC)).replace(microsecond=0)
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signatures.sign(
            secret, webhook_id=msg_id, timestamp=moment, body=payload
        ),
    }


def completions_url(provider_id: str = PROVIDER_ID) -> str:
    return f"/v1/providers/{provider_id}/completions"


@dataclass
class Sender:
    """Posts signed completion webhooks for one provider through a test client."""

    client: TestClient
    secret: str
    provider_id: str = PROVIDER_ID
    sent: list[str] = field(default_factory=list)

    def post(
        self,
        body: dict[str, Any] | bytes,
        *,
        webhook_id: str | None = None,
        sent_at: datetime | None = None,
    ) -> Response:
        payload = body if isinstance(body, bytes) else encode(body)
        headers = signed_headers(self.secret, payload, webhook_id=webhook_id, sent_at=sent_at)
        self.sent.append(headers["webhook-id"])
        return self.client.post(completions_url(self.provider_id), content=payload, headers=headers)


def course_only_skill_map(provider_id: str = PROVIDER_ID, *courses: str) -> dict[str, Any]:
    """A skill map that knows some courses and awards nothing (tests stay clear of awards)."""
    return {
        "version": "test",
        "frameworks": [{"id": "dss", "name": "DSS", "url": "https://example.jp/dss"}],
        "skills": [{"id": "dx", "name": "DX", "framework": "dss", "code": "DSS-L"}],
        "courses": [
            {"provider": provider_id, "course_id": course, "name": course, "skills": ["dx"]}
            for course in courses or (COURSE_ID,)
        ],
        "achievements": [],
    }


def one_badge_per_course(provider_id: str = PROVIDER_ID, *courses: str) -> dict[str, Any]:
    """A skill map where each course alone earns a badge `badge-<course>`."""
    document = course_only_skill_map(provider_id, *courses)
    document["achievements"] = [
        {
            "id": f"badge-{entry['course_id'].lower()}",
            "name": f"Badge {entry['course_id']}",
            "description": "One course.",
            "criteria": "Complete the course.",
            "image": "https://badges.example.jp/badge.png",
            "skills": ["dx"],
            "rule": {"course": {"provider": provider_id, "course_id": entry["course_id"]}},
        }
        for entry in document["courses"]
    ]
    return document


def load_skill_map(app: FastAPI, document: dict[str, Any]) -> None:
    """Store a skill map as the current version."""
    for session in session_scope(app.state.session_factory):
        store_skill_map(session, data=document, now=utc_now())
