"""GET /credentials/{uuid}/image.png|.svg: the badge with the stored credential baked in."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from badge_issuer.credentials.proofs.data_integrity import verify_credential_proof
from badge_issuer.db import session_scope
from badge_issuer.images import ImageFormat, unbake
from badge_issuer.images.models import AchievementImage
from tests.images.factories import credential_chunks, list_chunks, make_png, make_svg
from tests.images.http_factories import (
    ACHIEVEMENT_ID,
    ACHIEVEMENT_NAME,
    ISSUER_NAME,
    OTHER_ACHIEVEMENT_ID,
    resolve_test_key,
    seed_award,
)

PROBLEM = "application/problem+json"


def _png_url(credential_uuid: str) -> str:
    return f"/credentials/{credential_uuid}/image.png"


def _svg_url(credential_uuid: str) -> str:
    return f"/credentials/{credential_uuid}/image.svg"


def _upload(client: TestClient, admin: dict[str, str], image: bytes, media_type: str) -> None:
    response = client.put(
        f"/v1/admin/achievements/{ACHIEVEMENT_ID}/image",
        content=image,
        headers=admin | {"content-type": media_type},
    )
    assert response.status_code in (200, 201), response.text


class TestCredentialSvg:
    def test_default_badge_carries_the_stored_credential_byte_for_byte(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app)
        response = client.get(_svg_url(award.uuid))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "image/svg+xml"
        unbaked = unbake(response.content, "image/svg+xml")
        assert unbaked.image_format is ImageFormat.SVG
        assert unbaked.credential_json == award.document

    def test_unbaked_credential_still_verifies(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app)
        unbaked = unbake(client.get(_svg_url(award.uuid)).content, "image/svg+xml")
        assert verify_credential_proof(unbaked.credential, resolve_test_key).verified

    def test_default_badge_shows_the_japanese_achievement_and_issuer_names(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app)
        text = client.get(_svg_url(award.uuid)).content.decode("utf-8")
        assert ACHIEVEMENT_NAME[:6] in text
        assert ISSUER_NAME in text

    def test_caching_and_disposition_headers(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app)
        headers = client.get(_svg_url(award.uuid)).headers
        assert headers["cache-control"] == "public, max-age=300"
        assert headers["content-disposition"] == f'inline; filename="{ACHIEVEMENT_ID}.svg"'
        assert headers["etag"].startswith('"')
        assert len(headers["etag"]) == 34
        assert headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in headers["content-security-policy"]

    def test_matching_if_none_match_is_304_without_body(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app)
        etag = client.get(_svg_url(award.uuid)).headers["etag"]
        response = client.get(_svg_url(award.uuid), headers={"if-none-match": f"W/{etag}"})
        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["etag"] == etag

    def test_etag_differs_per_credential_and_changes_with_the_artwork(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        first, second = seed_award(app), seed_award(app)
        before = client.get(_svg_url(first.uuid)).headers["etag"]
        assert before != client.get(_svg_url(second.uuid)).headers["etag"]
        _upload(client, admin, make_svg(), "image/svg+xml")
        assert client.get(_svg_url(first.uuid)).headers["etag"] != before

    def test_uploaded_svg_artwork_is_kept_and_carries_the_credential(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app)
        artwork = make_svg('<rect width="16" height="16" fill="#c33"/>')
        _upload(client, admin, artwork, "image/svg+xml")
        baked = client.get(_svg_url(award.uuid)).content
        assert b'<rect width="16" height="16" fill="#c33"/>' in baked
        assert b"<!-- made by hand -->" in baked
        assert unbake(baked, "image/svg+xml").credential_json == award.document

    def test_uploaded_png_artwork_is_wrapped_in_an_svg(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app)
        _upload(client, admin, make_png(4, 3), "image/png")
        baked = client.get(_svg_url(award.uuid)).content
        assert b'width="4" height="3"' in baked
        assert b"data:image/png;base64," in baked
        assert unbake(baked, "image/svg+xml").credential_json == award.document

    def test_revoked_credential_still_serves_its_image(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app, revoked=True)
        response = client.get(_svg_url(award.uuid))
        assert response.status_code == 200
        assert unbake(response.content, "image/svg+xml").credential_json == award.document

    def test_achievement_gone_from_the_skill_map_uses_the_names_in_the_credential(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app, achievement_id="retired-badge", name="廃止されたバッジ")
        response = client.get(_svg_url(award.uuid))
        assert response.status_code == 200
        assert "廃止されたバッジ" in response.content.decode("utf-8")
        assert response.headers["content-disposition"] == 'inline; filename="retired-badge.svg"'

    def test_without_any_skill_map_the_credential_names_are_used(
        self, app: FastAPI, client: TestClient
    ) -> None:
        award = seed_award(app)
        response = client.get(_svg_url(award.uuid))
        assert response.status_code == 200
        assert ISSUER_NAME in response.content.decode("utf-8")


class TestCredentialPng:
    def test_uploaded_png_round_trips_the_credential_byte_for_byte(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app)
        artwork = make_png(5, 4)
        _upload(client, admin, artwork, "image/png")
        response = client.get(_png_url(award.uuid))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "image/png"
        assert response.headers["content-disposition"] == f'inline; filename="{ACHIEVEMENT_ID}.png"'
        unbaked = unbake(response.content, "image/png")
        assert unbaked.image_format is ImageFormat.PNG
        assert unbaked.credential_json == award.document
        assert verify_credential_proof(unbaked.credential, resolve_test_key).verified

    def test_baking_keeps_every_artwork_chunk(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app)
        artwork = make_png(5, 4, idat_parts=2)
        _upload(client, admin, artwork, "image/png")
        baked = client.get(_png_url(award.uuid)).content
        kept = [raw for kind, raw in list_chunks(baked) if kind != b"iTXt"]
        assert kept == [raw for _kind, raw in list_chunks(artwork)]
        assert len(credential_chunks(baked)) == 1

    def test_reupload_replaces_the_artwork_rather_than_adding(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app)
        _upload(client, admin, make_png(2, 2), "image/png")
        replacement = make_png(6, 1)
        _upload(client, admin, replacement, "image/png")
        baked = client.get(_png_url(award.uuid)).content
        assert [raw for kind, raw in list_chunks(baked) if kind == b"IHDR"] == [
            raw for kind, raw in list_chunks(replacement) if kind == b"IHDR"
        ]
        assert len(credential_chunks(baked)) == 1
        for session in session_scope(app.state.session_factory):
            assert session.scalar(select(func.count()).select_from(AchievementImage)) == 1

    def test_two_credentials_of_one_achievement_carry_their_own_documents(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        first, second = seed_award(app), seed_award(app)
        _upload(client, admin, make_png(), "image/png")
        for award in (first, second):
            baked = client.get(_png_url(award.uuid)).content
            assert unbake(baked, "image/png").credential_json == award.document

    def test_without_png_artwork_is_404_pointing_to_the_svg(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app)
        response = client.get(_png_url(award.uuid))
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        body = response.json()
        assert body["type"].endswith("/badge-png-unavailable")
        assert body["svg_url"] == _svg_url(award.uuid)
        assert "SVG" in body["detail"]

    def test_svg_artwork_is_not_rasterised(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app)
        _upload(client, admin, make_svg(), "image/svg+xml")
        assert client.get(_png_url(award.uuid)).status_code == 404

    def test_other_achievements_artwork_is_not_used(
        self, app: FastAPI, client: TestClient, admin: dict[str, str]
    ) -> None:
        award = seed_award(app, achievement_id=OTHER_ACHIEVEMENT_ID, name="ノーコード")
        _upload(client, admin, make_png(), "image/png")
        assert client.get(_png_url(award.uuid)).status_code == 404


class TestUnknownCredential:
    @pytest.mark.parametrize("suffix", ["png", "svg"])
    def test_unknown_uuid_is_a_404_problem(self, client: TestClient, suffix: str) -> None:
        response = client.get(f"/credentials/00000000-0000-4000-8000-000000000000/image.{suffix}")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"].endswith("/credential-not-found")
