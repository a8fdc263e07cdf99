"""Every admin operation states its scope and issuer binding, and enforces it.

The test walks the OpenAPI document: an admin operation (one with `security`) that has no
binding, is missing from the README's route table, or does not refuse a token bound to another
issuer fails here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.admin.binding import Binding
from badge_issuer.admin.scopes import Scope
from tests.admin.factories import bearer, make_token
from tests.harness import Harness

README = Path(__file__).resolve().parents[2] / "README.md"
_ROW = re.compile(r"^\| (\w+) \| `([^`]+)` \| `(\w+)` \| ([\w-]+) \|$")
OTHER = "kitami-city"
ACHIEVEMENT = "dx-literacy-bronze"  # an achievement of the `default` issuer in the example map

Operation = tuple[str, str]


def admin_operations(document: dict[str, Any]) -> dict[Operation, dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if operation.get("security")
    }


def readme_table() -> dict[Operation, tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- admin-routes:start -->")[1].split("<!-- admin-routes:end -->")[0]
    rows = [_ROW.match(line.strip()) for line in block.splitlines()]
    return {(m[1], m[2]): (m[3], m[4]) for m in rows if m}


class TestRouteTable:
    def test_every_admin_operation_states_scope_and_binding(self, app: FastAPI) -> None:
        missing = [
            f"{method} {path}"
            for (method, path), operation in admin_operations(app.openapi()).items()
            if operation.get("x-issuer-binding") not in set(Binding)
            or operation.get("x-admin-scope") not in set(Scope)
        ]
        assert missing == [], "admin operations without a guard of admin/deps.py"

    def test_readme_table_lists_every_admin_operation_as_the_app_does(self, app: FastAPI) -> None:
        stated = {
            key: (operation["x-admin-scope"], operation["x-issuer-binding"])
            for key, operation in admin_operations(app.openapi()).items()
        }
        table = readme_table()
        for (method, path), (scope, binding) in sorted(stated.items(), key=lambda i: i[0][::-1]):
            print(f"{method:6} {path:58} {scope:12} {binding}")
        assert {k: v for k, v in stated.items() if table.get(k) != v} == {}, "README rows"
        assert set(table) - set(stated) == set(), "README rows of operations that do not exist"


def _bound_setup(app: FastAPI, harness: Harness) -> dict[str, str]:
    """Create issuer `kitami-city`, a credential of `default`; return the path values to use."""
    client = harness.client
    response = client.post(
        "/v1/admin/issuers", json={"slug": OTHER, "name": "北見市"}, headers=harness.admin
    )
    assert response.status_code == 201, response.text
    award = client.post(
        "/v1/admin/credentials",
        json={"achievement_id": ACHIEVEMENT, "email": "a@example.jp", "narrative": "実務経験"},
        headers=harness.admin,
    )
    assert award.status_code == 201, award.text
    keys = client.get("/v1/admin/issuers/default/keys", headers=harness.admin).json()
    return {
        "slug": "default",
        "key_id": keys["items"][0]["key_id"],
        "credential_id": award.json()["uuid"],
        "credential_uuid": award.json()["uuid"],
        "achievement_id": ACHIEVEMENT,
        "provider_id": "manabi-portal",
    }


# Requests that address one of `default`'s resources, per resource-bound operation.
RESOURCE_REQUESTS: dict[Operation, dict[str, Any]] = {
    ("POST", "/v1/admin/credentials"): {
        "json": {"achievement_id": ACHIEVEMENT, "email": "b@example.jp", "narrative": "実務経験"}
    },
    ("POST", "/v1/admin/credentials/{credential_id}/revoke"): {"json": {"reason": "誤発行"}},
    ("POST", "/v1/admin/credentials/{credential_uuid}/claim-links"): {"json": {}},
    ("PUT", "/v1/admin/achievements/{achievement_id}/image"): {
        "content": b"\x89PNG\r\n\x1a\n",
        "headers": {"Content-Type": "image/png"},
    },
    ("GET", "/v1/admin/achievements/{achievement_id}/image"): {},
    ("DELETE", "/v1/admin/achievements/{achievement_id}/image"): {},
    ("POST", "/v1/admin/endorsements"): {
        "json": {"endorser": "default", "subject": {"issuer": OTHER}, "comment": "推薦"}
    },
    ("POST", "/v1/admin/endorsements/{endorsement_id}/revoke"): {"json": {"reason": "誤り"}},
}


# Filtered lists, with what a token bound to kitami-city must not see of `default`.
FILTERED_CHECKS: dict[Operation, tuple[dict[str, Any], Any]] = {
    ("GET", "/v1/admin/issuers"): ({}, lambda body: [i["slug"] for i in body["items"]] == [OTHER]),
    ("GET", "/v1/admin/credentials"): ({}, lambda body: body["items"] == []),
    ("GET", "/v1/admin/learners/progress"): (
        {"params": {"email": "a@example.jp"}},
        lambda body: body["held"] == [] and body["progress"] == [],
    ),
    ("GET", "/v1/admin/endorsements"): ({}, lambda body: body["items"] == []),
}


class _Placeholders(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "1"


def _problem(response: Any) -> str:
    assert response.headers["content-type"] == "application/problem+json", response.text
    return str(response.json()["type"]).rsplit("/", 1)[1]


class TestBindingIsEnforced:
    @pytest.fixture
    def bound(self, app: FastAPI, harness: Harness) -> tuple[dict[str, str], dict[str, str]]:
        values = _bound_setup(app, harness)
        values["endorsement_id"] = _endorsement_of_default(harness)
        token = make_token(app, *Scope, name="kitami-admin", issuers=[OTHER])
        return values, bearer(token)

    def test_a_token_bound_to_another_issuer_is_refused_or_filtered_everywhere(
        self, app: FastAPI, client: TestClient, bound: tuple[dict[str, str], dict[str, str]]
    ) -> None:
        values, headers = bound
        outcomes: list[str] = []
        for (method, template), operation in sorted(admin_operations(app.openapi()).items()):
            binding = operation["x-issuer-binding"]
            # Resource-bound routes need a real resource of `default`; the others are refused
            # (or filtered) before any lookup, so an unknown path value (e.g. a delivery id)
            # gets a placeholder.
            known = values if binding == Binding.RESOURCE else _Placeholders(values)
            path = template.format_map(known)
            if binding == Binding.RESOURCE:
                assert (method, template) in RESOURCE_REQUESTS, f"no example for {template}"
                kwargs = dict(RESOURCE_REQUESTS[(method, template)])
            elif (method, template) in FILTERED_CHECKS:
                kwargs = dict(FILTERED_CHECKS[(method, template)][0])
            elif method in {"POST", "PUT", "PATCH"}:
                kwargs = {"json": {}}
            else:
                kwargs = {}
            kwargs["headers"] = {**headers, **kwargs.get("headers", {})}
            response = client.request(method, path, **kwargs)
            if binding == Binding.FILTERED:
                assert response.status_code == 200, (template, response.text)
                check = FILTERED_CHECKS.get((method, template), (None, lambda _body: True))[1]
                assert check(response.json()), (template, response.text)
            else:
                expected = "platform-operation" if binding == Binding.PLATFORM else None
                assert response.status_code == 403, (method, template, response.text)
                slug = _problem(response)
                assert slug == (expected or "issuer-not-allowed"), (template, slug)
            outcomes.append(f"{response.status_code} {binding:12} {method} {template}")
        print("\n".join(outcomes))


def _endorsement_of_default(harness: Harness) -> str:
    response = harness.client.post(
        "/v1/admin/endorsements",
        json={"endorser": "default", "subject": {"issuer": OTHER}, "comment": "推薦"},
        headers=harness.admin,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])
