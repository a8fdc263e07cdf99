"""Achievement artwork: admin upload, read back, delete, and the public badge image."""

from __future__ import annotations

import hashlib

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from badge_issuer.admin.scopes import Scope
from badge_issuer.audit.models import AuditEvent
from badge_issuer.db import session_scope
from badge_issuer.images import unbake
from badge_issuer.images.errors import NoBakedCredential
from tests.admin.factories import bearer, make_token
from tests.images.factories import make_png, make_svg
from tests.images.http_factories import (
    ACHIEVEMENT_ID,
    ACHIEVEMENT_NAME,
    ISSUER_NAME,
    OTHER_ACHIEVEMENT_ID,
    OTHER_ACHIEVEMENT_NAME,
    load_skill_map,
)

ADMIN_URL = f"/v1/admin/achievements/{ACHIEVEMENT_ID}/image"
PUBLIC_URL = f"/achievements/{ACHIEVEMENT_ID}/image"
PNG = {"content-type": "image/png"}
SVG = {"content-type": "image/svg+xml"}


class TestUpload:
    def test_first_upload_is_201_with_what_was_stored(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        image = make_png()
        response = client.put(ADMIN_URL, content=image, headers=admin | PNG)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["achievement_id"] == ACHIEVEMENT_ID
        assert body["media_type"] == "image/png"
        assert body["size"] == len(image)
        assert body["sha256"] == hashlib.sha256(image).hexdigest()
        assert body["uploaded_by"] == "design-team"
        assert body["url"] == f"http://localhost:8000{PUBLIC_URL}"

    def test_second_upload_replaces_with_200(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        client.put(ADMIN_URL, content=make_png(), headers=admin | PNG)
        svg = make_svg()
        response = client.put(ADMIN_URL, content=svg, headers=admin | SVG)
        assert response.status_code == 200
        assert response.json()["media_type"] == "image/svg+xml"
        assert client.get(ADMIN_URL, headers=admin).content == svg

    def test_media_type_parameters_are_accepted(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        headers = admin | {"content-type": "image/svg+xml; charset=utf-8"}
        assert client.put(ADMIN_URL, content=make_svg(), headers=headers).status_code == 201

    def test_upload_and_replacement_are_audited(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        client.put(ADMIN_URL, content=make_png(), headers=admin | PNG)
        client.put(ADMIN_URL, content=make_png(2, 2), headers=admin | PNG)
        for session in session_scope(app.state.session_factory):
            events = session.scalars(
                select(AuditEvent).where(AuditEvent.target_type == "achievement_image")
            ).all()
            assert [e.action for e in events] == [
                "achievement_image.upload",
                "achievement_image.replace",
            ]
            assert {e.actor for e in events} == {"design-team"}

    def test_unknown_achievement_is_404(self, client: TestClient, admin: dict[str, str]) -> None:
        response = client.put(
            "/v1/admin/achievements/no-such-badge/image", content=make_png(), headers=admin | PNG
        )
        assert response.status_code == 404
        assert response.json()["type"].endswith("/achievement-not-found")

    def test_without_token_is_401(self, app: FastAPI, client: TestClient) -> None:
        load_skill_map(app)
        assert client.put(ADMIN_URL, content=make_png(), headers=PNG).status_code == 401

    def test_token_without_skillmap_scope_is_403(self, app: FastAPI, client: TestClient) -> None:
        load_skill_map(app)
        other = bearer(make_token(app, Scope.KEYS))
        assert client.put(ADMIN_URL, content=make_png(), headers=other | PNG).status_code == 403


class TestAdminRead:
    def test_returns_the_exact_upload_uncached(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        image = make_png(7, 7)
        client.put(ADMIN_URL, content=image, headers=admin | PNG)
        response = client.get(ADMIN_URL, headers=admin)
        assert response.status_code == 200
        assert response.content == image
        assert response.headers["content-type"] == "image/png"
        assert response.headers["cache-control"] == "private, no-store"

    def test_nothing_uploaded_is_404(self, client: TestClient, admin: dict[str, str]) -> None:
        response = client.get(ADMIN_URL, headers=admin)
        assert response.status_code == 404
        assert response.json()["type"].endswith("/achievement-image-not-uploaded")

    def test_requires_a_token(self, client: TestClient) -> None:
        assert client.get(ADMIN_URL).status_code == 401


class TestDelete:
    def test_delete_falls_back_to_the_generated_badge(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        client.put(ADMIN_URL, content=make_png(), headers=admin | PNG)
        assert client.delete(ADMIN_URL, headers=admin).status_code == 204
        assert client.get(ADMIN_URL, headers=admin).status_code == 404
        assert client.get(PUBLIC_URL).headers["content-type"] == "image/svg+xml"

    def test_delete_of_nothing_is_404(self, client: TestClient, admin: dict[str, str]) -> None:
        assert client.delete(ADMIN_URL, headers=admin).status_code == 404


class TestPublicImage:
    def test_uploaded_image_is_served_as_stored(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        image = make_png(3, 3)
        client.put(ADMIN_URL, content=image, headers=admin | PNG)
        response = client.get(PUBLIC_URL)
        assert response.status_code == 200
        assert response.content == image
        assert response.headers["etag"] == f'"{hashlib.sha256(image).hexdigest()[:32]}"'
        assert response.headers["cache-control"] == "public, max-age=300"
        assert response.headers["content-disposition"] == f'inline; filename="{ACHIEVEMENT_ID}.png"'

    def test_generated_badge_names_achievement_and_issuer(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        response = client.get(f"/achievements/{OTHER_ACHIEVEMENT_ID}/image")
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/svg+xml"
        text = response.content.decode("utf-8")
        assert f"<title>{OTHER_ACHIEVEMENT_NAME} — {ISSUER_NAME}</title>" in text
        assert ACHIEVEMENT_NAME not in text

    def test_public_image_carries_no_credential(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        with pytest.raises(NoBakedCredential):
            unbake(client.get(PUBLIC_URL).content, "image/svg+xml")

    def test_generated_badge_is_revalidated_with_its_etag(
        self, client: TestClient, admin: dict[str, str]
    ) -> None:
        etag = client.get(PUBLIC_URL).headers["etag"]
        assert client.get(PUBLIC_URL, headers={"if-none-match": etag}).status_code == 304
        assert client.get(PUBLIC_URL, headers={"if-none-match": '"other"'}).status_code == 200

    def test_unknown_achievement_is_404(self, client: TestClient, admin: dict[str, str]) -> None:
        response = client.get("/achievements/no-such-badge/image")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    def test_no_skill_map_is_404(self, client: TestClient) -> None:
        response = client.get(PUBLIC_URL)
        assert response.status_code == 404
        assert response.json()["type"].endswith("/no-skill-map")
