"""Tokens bound to issuers, expiring tokens, and the token commands (CONTRACT section 12)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from badge_issuer.admin.models import AdminToken
from badge_issuer.admin.scopes import Scope
from badge_issuer.audit.models import AuditEvent
from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from tests.admin.factories import bearer, make_token
from tests.harness import Harness

KITAMI = "kitami-city"
# The kitami-city issuer's part (also used by docs/make_organisations_transcript.py); its rule
# needs default's bronze badge: stacking across issuers.
KITAMI_PART = json.loads(
    (
        Path(__file__).resolve().parents[2] / "examples" / "kitami-city-skill-map-part.json"
    ).read_text("utf-8")
)


def _problem_slug(response: Any) -> str:
    assert response.headers["content-type"] == "application/problem+json", response.text
    return str(response.json()["type"]).rsplit("/", 1)[1]


@pytest.fixture
def kitami(app: FastAPI, harness: Harness) -> dict[str, str]:
    created = harness.client.post(
        "/v1/admin/issuers", json={"slug": KITAMI, "name": "北見市"}, headers=harness.admin
    )
    assert created.status_code == 201, created.text
    token = make_token(
        app, Scope.KEYS, Scope.SKILLMAP, Scope.ISSUERS, name="kitami-admin", issuers=[KITAMI]
    )
    return bearer(token)


class TestTokenBoundToKitami:
    def test_manages_its_own_keys_and_is_refused_on_defaults(
        self, client: TestClient, kitami: dict[str, str]
    ) -> None:
        own = f"/v1/admin/issuers/{KITAMI}/keys"
        [first] = client.get(own, headers=kitami).json()["items"]
        assert first["state"] == "active"  # made with the issuer
        staged = client.post(own, headers=kitami)
        assert staged.status_code == 201
        activated = client.post(f"{own}/{staged.json()['key_id']}/activate", headers=kitami)
        assert activated.json()["state"] == "active"
        for method, path in [
            ("GET", "/v1/admin/issuers/default/keys"),
            ("POST", "/v1/admin/issuers/default/keys"),
            ("PATCH", "/v1/admin/issuers/default"),
        ]:
            refused = client.request(method, path, headers=kitami, json={"name": "x"})
            assert refused.status_code == 403
            assert _problem_slug(refused) == "issuer-not-allowed"

    def test_adds_changes_and_removes_its_achievements_without_touching_defaults(
        self, client: TestClient, kitami: dict[str, str], harness: Harness
    ) -> None:
        part_url = f"/v1/admin/issuers/{KITAMI}/skill-map"
        before = client.get("/v1/admin/skill-map", headers=harness.admin).json()["content"]
        stored = client.put(part_url, json=KITAMI_PART, headers=kitami)
        assert stored.status_code == 201, stored.text
        content = stored.json()["content"]
        ids = [a["id"] for a in content["achievements"]]
        assert ids == [a["id"] for a in before["achievements"]] + ["kitami-dx-practitioner"]
        assert {"provider": "kitami-it-academy", "course_id": "KC-100"}.items() <= next(
            c for c in content["courses"] if c["course_id"] == "KC-100"
        ).items()
        part = client.get(part_url, headers=kitami).json()
        assert [a["id"] for a in part["achievements"]] == ["kitami-dx-practitioner"]
        assert [c["course_id"] for c in part["courses"]] == ["KC-100"]

        changed = {**KITAMI_PART, "achievements": [{**KITAMI_PART["achievements"][0]}]}
        changed["achievements"][0]["name"] = "北見市DX実践者（改）"
        assert client.put(part_url, json=changed, headers=kitami).status_code == 201
        removed = client.put(part_url, json={"achievements": []}, headers=kitami)
        assert removed.status_code == 201
        after = removed.json()["content"]
        assert after["achievements"] == before["achievements"]
        # The course only kitami's achievement used left with it; default's courses stayed.
        assert after["courses"] == before["courses"]

    def test_cannot_take_or_change_defaults_achievements_or_courses(
        self, client: TestClient, kitami: dict[str, str]
    ) -> None:
        part_url = f"/v1/admin/issuers/{KITAMI}/skill-map"
        taken = {"achievements": [{**KITAMI_PART["achievements"][0], "id": "dx-literacy-bronze"}]}
        refused = client.put(part_url, json=taken, headers=kitami)
        assert refused.status_code == 403
        assert _problem_slug(refused) == "skill-map-part-forbidden"
        assert "belongs to issuer 'default'" in refused.text
        course = {
            "provider": "manabi-portal",
            "course_id": "DXL-101",
            "name": "書き換え",
            "skills": ["dx-literacy"],
        }
        refused = client.put(part_url, json={"courses": [course]}, headers=kitami)
        assert refused.status_code == 403
        foreign = {"achievements": [{**KITAMI_PART["achievements"][0], "issuer": "default"}]}
        assert client.put(part_url, json=foreign, headers=kitami).status_code == 403
        for path in ["/issuers/default/skill-map", "/skill-map"]:
            response = client.put(f"/v1/admin{path}", json=KITAMI_PART, headers=kitami)
            assert response.status_code == 403

    def test_the_merged_map_is_validated_as_a_whole(
        self, client: TestClient, kitami: dict[str, str]
    ) -> None:
        broken = {"achievements": [{**KITAMI_PART["achievements"][0], "skills": ["nope"]}]}
        response = client.put(f"/v1/admin/issuers/{KITAMI}/skill-map", json=broken, headers=kitami)
        assert response.status_code == 422
        assert "unknown skill 'nope'" in response.text

    def test_artwork_of_defaults_achievement_is_refused(
        self, app: FastAPI, client: TestClient, kitami: dict[str, str]
    ) -> None:
        response = client.get("/v1/admin/achievements/dx-literacy-bronze/image", headers=kitami)
        assert response.status_code == 403

    def test_audit_names_the_acting_token(
        self, app: FastAPI, client: TestClient, kitami: dict[str, str]
    ) -> None:
        client.post(f"/v1/admin/issuers/{KITAMI}/keys", headers=kitami)
        for session in session_scope(app.state.session_factory):
            token = session.scalars(select(AdminToken).where(AdminToken.name == "kitami-admin"))
            token_id = token.one().id
            event = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "key.create")
                .order_by(AuditEvent.id.desc())
            ).first()
            assert event is not None
            assert event.actor == f"kitami-admin (token {token_id})"


class TestNewIssuerSignsAtOnce:
    def test_a_new_issuer_awards_a_verifiable_credential_right_after_creation(
        self, client: TestClient, kitami: dict[str, str], harness: Harness
    ) -> None:
        assert (
            client.put(
                f"/v1/admin/issuers/{KITAMI}/skill-map", json=KITAMI_PART, headers=kitami
            ).status_code
            == 201
        )
        award = client.post(
            "/v1/admin/credentials",
            json={
                "achievement_id": "kitami-dx-practitioner",
                "email": "learner@example.jp",
                "narrative": "北見市の現場での実践",
            },
            headers=harness.admin,
        )
        assert award.status_code == 201, award.text
        credential = client.get(award.json()["url"]).json()
        assert credential["issuer"]["id"].endswith(f":issuers:{KITAMI}")
        report = client.post("/verify", json=credential).json()
        assert report["verified"] is True, report


class TestExpiry:
    def test_an_expired_token_is_401(self, app: FastAPI, client: TestClient) -> None:
        token = make_token(app, Scope.ISSUERS, expires_in_days=1)
        assert client.get("/v1/admin/audit", headers=bearer(token)).status_code == 200
        for session in session_scope(app.state.session_factory):
            record = session.scalars(select(AdminToken)).one()
            assert record.expires_at is not None
            record.expires_at = record.expires_at - timedelta(days=2)
        response = client.get("/v1/admin/audit", headers=bearer(token))
        assert response.status_code == 401
        assert "expired" in response.json()["detail"]


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "BADGE_ISSUER_DATABASE_URL": settings.database_url,
        "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": str(settings.key_encryption_key_file),
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "badge_issuer", "token", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


class TestTokenCommands:
    def test_create_bound_list_and_revoke_are_audited(
        self, settings: Settings, app: FastAPI, client: TestClient, harness: Harness
    ) -> None:
        created = _cli(
            settings,
            "create",
            "--scope",
            "keys",
            "--issuer",
            "default",
            "--expires-in",
            "30",
            "--name",
            "city",
        )
        assert created.returncode == 0, created.stderr
        token = created.stdout.strip().splitlines()[-1]
        assert (
            client.get("/v1/admin/issuers/default/keys", headers=bearer(token)).status_code == 200
        )
        listed = _cli(settings, "list")
        [row] = [line for line in listed.stdout.splitlines() if "\tcity\t" in line]
        token_id, _name, scopes, issuers, expires, state = row.split("\t")
        assert (scopes, issuers, state) == ("keys", "default", "active")
        assert expires != "-"
        revoked = _cli(settings, "revoke", token_id)
        assert revoked.returncode == 0, revoked.stderr
        assert (
            client.get("/v1/admin/issuers/default/keys", headers=bearer(token)).status_code == 401
        )
        for session in session_scope(app.state.session_factory):
            events = session.scalars(
                select(AuditEvent).where(AuditEvent.target_id == token_id)
            ).all()
            actions = [e.action for e in events if e.target_type == "admin_token"]
            assert actions == ["admin_token.create", "admin_token.revoke"]
            assert events[0].details["issuers"] == ["default"]
            assert token not in str(events[0].details)

    def test_unknown_id_and_unknown_issuer_are_clear_errors(
        self, settings: Settings, client: TestClient
    ) -> None:
        missing = _cli(settings, "revoke", "999")
        assert missing.returncode == 1
        assert "No admin token with id 999" in missing.stderr
        assert "Traceback" not in missing.stderr
        unknown = _cli(settings, "create", "--scope", "keys", "--issuer", "nowhere")
        assert unknown.returncode == 1
        assert "No issuer with slug 'nowhere'" in unknown.stderr
        assert unknown.stdout == ""
