"""Issuers over REST (scope `issuers`) and their public Profile and DID document."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.admin.scopes import Scope
from tests.admin.factories import bearer, make_token
from tests.keys.admin_api import AdminApi

ISSUERS = "/v1/admin/issuers"


class TestIssuerAdmin:
    def test_create_returns_the_issuer_with_its_did(self, api: AdminApi) -> None:
        created = api.create_issuer(
            "hokkaido-univ",
            "北海道大学",
            url="https://www.hokudai.example/",
            email="dx@hokudai.example",
        )
        assert created["did"] == "did:web:localhost%3A8000:issuers:hokkaido-univ"
        assert created["profile_url"] == "http://localhost:8000/issuers/hokkaido-univ"
        assert created["did_document_url"].endswith("/issuers/hokkaido-univ/did.json")
        assert api.call("GET", f"{ISSUERS}/hokkaido-univ") == created

    def test_duplicate_slug_is_409(self, api: AdminApi) -> None:
        api.create_issuer("kushiro")
        problem = api.call("POST", ISSUERS, expect=409, json={"slug": "kushiro", "name": "x"})
        assert problem["type"].endswith("/issuer-slug-taken")

    @pytest.mark.parametrize(
        "body",
        [
            {"slug": "Bad Slug", "name": "x"},
            {"slug": "ok", "name": ""},
            {"slug": "ok", "name": "a\nb"},
            {"slug": "ok", "name": "x", "url": "/relative"},
            {"slug": "ok", "name": "x", "url": "javascript:alert(1)"},
            {"slug": "ok", "name": "x", "email": "not-an-email"},
            {"slug": "ok", "name": "x", "description": "bell\u0007"},
            {"slug": "ok", "name": "x", "unknown": 1},
            {"slug": "ok"},
        ],
    )
    def test_invalid_bodies_are_422_problems(self, api: AdminApi, body: dict[str, object]) -> None:
        problem = api.call("POST", ISSUERS, expect=422, json=body)
        assert problem["errors"]

    def test_list_pages_in_creation_order(self, api: AdminApi) -> None:
        for slug in ["a1", "a2", "a3"]:
            api.create_issuer(slug)
        first = api.call("GET", ISSUERS, params={"limit": 2})
        assert [i["slug"] for i in first["items"]] == ["a1", "a2"]
        rest = api.call("GET", ISSUERS, params={"limit": 2, "after": first["next_cursor"]})
        assert [i["slug"] for i in rest["items"]] == ["a3"]
        assert rest["next_cursor"] is None

    def test_patch_changes_only_what_is_sent(self, api: AdminApi) -> None:
        api.create_issuer("asahikawa", "旭川市", url="https://asahikawa.example/")
        updated = api.call(
            "PATCH", f"{ISSUERS}/asahikawa", json={"description": "講座", "url": None}
        )
        assert (updated["name"], updated["url"], updated["description"]) == ("旭川市", None, "講座")

    def test_patch_cannot_clear_the_name_or_change_the_slug(self, api: AdminApi) -> None:
        api.create_issuer("obihiro")
        api.call("PATCH", f"{ISSUERS}/obihiro", expect=422, json={"name": None})
        api.call("PATCH", f"{ISSUERS}/obihiro", expect=422, json={"slug": "other"})

    def test_unknown_issuer_is_404(self, api: AdminApi) -> None:
        problem = api.call("GET", f"{ISSUERS}/nowhere", expect=404)
        assert problem["type"].endswith("/issuer-not-found")
        api.call("PATCH", f"{ISSUERS}/nowhere", expect=404, json={"name": "x"})

    def test_needs_the_issuers_scope(self, app: FastAPI, client: TestClient) -> None:
        token = make_token(app, Scope.KEYS)
        assert client.get(ISSUERS, headers=bearer(token)).status_code == 403
        assert client.get(ISSUERS).status_code == 401


class TestPublicIssuerDocuments:
    def test_profile_is_json_ld_with_the_did_as_id(self, api: AdminApi, client: TestClient) -> None:
        api.create_issuer("nemuro", "根室市", image="https://nemuro.example/logo.png")
        response = client.get("/issuers/nemuro")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/ld+json")
        body = response.json()
        assert body["id"] == "did:web:localhost%3A8000:issuers:nemuro"
        assert body["type"] == ["Profile"]
        assert body["image"] == {"id": "https://nemuro.example/logo.png", "type": "Image"}

    def test_did_document_lists_unrevoked_keys(self, api: AdminApi, client: TestClient) -> None:
        api.create_issuer("wakkanai")
        kept, revoked = api.create_key("wakkanai"), api.create_key("wakkanai")
        api.revoke("wakkanai", revoked)
        document = client.get("/issuers/wakkanai/did.json").json()
        did = "did:web:localhost%3A8000:issuers:wakkanai"
        assert document["@context"] == [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1",
        ]
        assert document["id"] == did
        [method] = document["verificationMethod"]
        assert method["id"] == f"{did}#{kept}"
        assert method["type"] == "Multikey"
        assert method["controller"] == did
        assert method["publicKeyMultibase"].startswith("z6Mk")
        assert document["assertionMethod"] == [f"{did}#{kept}"]

    def test_unknown_issuer_documents_are_404_problems(self, client: TestClient) -> None:
        for path in ["/issuers/nowhere", "/issuers/nowhere/did.json"]:
            response = client.get(path)
            assert response.status_code == 404
            assert response.headers["content-type"] == "application/problem+json"
