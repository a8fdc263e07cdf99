"""A thin test client for the issuer and key admin routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.admin.factories import bearer


@dataclass
class AdminApi:
    """Calls the admin routes with one token and checks the expected status."""

    client: TestClient
    token: str

    def call(self, method: str, path: str, *, expect: int = 200, **kwargs: Any) -> Any:
        response: Response = self.client.request(method, path, headers=bearer(self.token), **kwargs)
        assert response.status_code == expect, response.text
        return response.json()

    def keys(self, slug: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.call("GET", f"/v1/admin/issuers/{slug}/keys")["items"]
        return items

    def states(self, slug: str) -> dict[str, str]:
        return {key["key_id"]: key["state"] for key in self.keys(slug)}

    def create_key(self, slug: str) -> str:
        key_id: str = self.call("POST", f"/v1/admin/issuers/{slug}/keys", expect=201)["key_id"]
        return key_id

    def key_action(
        self, slug: str, key_id: str, action: str, *, expect: int = 200, **kwargs: Any
    ) -> Any:
        path = f"/v1/admin/issuers/{slug}/keys/{key_id}/{action}"
        return self.call("POST", path, expect=expect, **kwargs)

    def activate(self, slug: str, key_id: str, *, expect: int = 200) -> Any:
        return self.key_action(slug, key_id, "activate", expect=expect)

    def revoke(
        self, slug: str, key_id: str, reason: str = "compromised", *, expect: int = 200
    ) -> Any:
        return self.key_action(slug, key_id, "revoke", expect=expect, json={"reason": reason})

    def create_issuer(self, slug: str, name: str = "札幌市 (Sapporo)", **fields: Any) -> Any:
        body = {"slug": slug, "name": name, **fields}
        return self.call("POST", "/v1/admin/issuers", expect=201, json=body)
