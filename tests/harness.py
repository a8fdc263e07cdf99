"""A service prepared as `serve` prepares it, plus helpers to act as providers and admins."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from standardwebhooks.webhooks import Webhook

from badge_issuer.admin.scopes import Scope
from tests.admin.factories import bearer, make_token


@dataclass
class Harness:
    """Drives the HTTP API like the prefecture's operators and the providers would."""

    client: TestClient
    admin: dict[str, str]
    secrets: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, client: TestClient) -> Harness:
        token = make_token(client.app, *Scope)  # type: ignore[arg-type]
        return cls(client=client, admin=bearer(token))

    def register_provider(self, provider_id: str, name: str | None = None) -> str:
        response = self.client.post(
            "/v1/admin/providers",
            json={"id": provider_id, "name": name or provider_id},
            headers=self.admin,
        )
        assert response.status_code == 201, response.text
        self.secrets[provider_id] = response.json()["secret"]
        return self.secrets[provider_id]

    def load_skill_map(self, source: bytes) -> dict[str, Any]:
        response = self.client.put(
            "/v1/admin/skill-map",
            content=source,
            headers=self.admin | {"content-type": "application/yaml"},
        )
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    def post_completion(
        self,
        provider_id: str,
        body: dict[str, Any],
        *,
        webhook_id: str | None = None,
        timestamp: datetime | None = None,
    ) -> Response:
        payload = json.dumps(body, ensure_ascii=False)
        msg_id = webhook_id or f"msg_{uuid.uuid4().hex}"
        moment = timestamp or datetime.now(UTC)
        signature = Webhook(self.secrets[provider_id]).sign(msg_id, moment, payload)
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": signature,
        }
        return self.client.post(
            f"/v1/providers/{provider_id}/completions", content=payload.encode(), headers=headers
        )
