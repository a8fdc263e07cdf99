"""Skill map admin endpoints, versions and the public catalog, over HTTP."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.admin.scopes import Scope
from badge_issuer.config import Settings
from tests.admin.factories import bearer, make_token
from tests.shared_data import example_path

SKILL_MAP = "/v1/admin/skill-map"
YAML = {"content-type": "application/yaml"}


@pytest.fixture
def example_map() -> bytes:
    return example_path("skill-map.yaml").read_bytes()


class TestSkillMapAdmin:
    def test_put_stores_a_current_version(
        self, client: TestClient, admin: dict[str, str], example_map: bytes
    ) -> None:
        response = client.put(
            f"{SKILL_MAP}?allow_unknown_providers=true", content=example_map, headers=admin | YAML
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["is_current"] is True
        assert body["created_by"] == "policy-team"
        assert body["label"] == "2026.1"
        current = client.get(SKILL_MAP, headers=admin).json()
        assert current["content_hash"] == body["content_hash"]
        assert len(current["content"]["achievements"]) == 4

    def test_every_version_is_kept_and_one_is_current(
        self, client: TestClient, admin: dict[str, str], example_map: bytes
    ) -> None:
        url = f"{SKILL_MAP}?allow_unknown_providers=true"
        first = client.put(url, content=example_map, headers=admin | YAML).json()
        changed = example_map.replace(b'version: "2026.1"', b'version: "2026.2"')
        second = client.put(url, content=changed, headers=admin | YAML).json()
        versions = client.get(f"{SKILL_MAP}/versions", headers=admin).json()
        assert [v["id"] for v in versions] == [second["id"], first["id"]]
        assert [v["is_current"] for v in versions] == [True, False]

    def test_invalid_map_is_422_listing_every_error_path(
        self, client: TestClient, admin: dict[str, str], example_map: bytes
    ) -> None:
        broken = example_map.replace(b"n_of: 2", b"n_of: 7").replace(
            b"skills: [nocode-automation]", b"skills: [no-such-skill]"
        )
        response = client.put(
            f"{SKILL_MAP}?allow_unknown_providers=true", content=broken, headers=admin | YAML
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        pointers = [error["pointer"] for error in response.json()["errors"]]
        assert "achievements[0].rule.n_of" in pointers
        assert any(p.startswith("achievements[1].skills") for p in pointers)
        assert client.get(SKILL_MAP, headers=admin).status_code == 404

    def test_unknown_providers_are_errors_unless_allowed(
        self, client: TestClient, admin: dict[str, str], example_map: bytes
    ) -> None:
        strict = client.post(f"{SKILL_MAP}/check", content=example_map, headers=admin | YAML)
        assert strict.status_code == 200
        assert strict.json()["ok"] is False
        assert any("manabi-portal" in e["message"] for e in strict.json()["errors"])
        lenient = client.post(
            f"{SKILL_MAP}/check?allow_unknown_providers=true",
            content=example_map,
            headers=admin | YAML,
        )
        assert lenient.json()["ok"] is True

    def test_other_media_types_are_415(self, client: TestClient, admin: dict[str, str]) -> None:
        response = client.post(
            f"{SKILL_MAP}/check", content=b"x", headers=admin | {"content-type": "image/png"}
        )
        assert response.status_code == 415

    def test_needs_the_skillmap_scope(self, app: FastAPI, client: TestClient) -> None:
        token = make_token(app, Scope.STATS)
        assert client.get(SKILL_MAP, headers=bearer(token)).status_code == 403


class TestCatalog:
    def test_lists_badges_with_courses_that_count(
        self, client: TestClient, admin: dict[str, str], example_map: bytes
    ) -> None:
        client.put(
            f"{SKILL_MAP}?allow_unknown_providers=true", content=example_map, headers=admin | YAML
        )
        catalog = client.get("/achievements").json()
        ids = [a["id"] for a in catalog["achievements"]]
        assert ids == [
            "dx-literacy-bronze",
            "nocode-practitioner",
            "dx-case-silver",
            "regional-dx-leader-gold",
        ]
        silver = client.get("/achievements/dx-case-silver").json()
        assert silver["prerequisites"] == ["dx-literacy-bronze"]
        assert {c["course_id"] for c in silver["courses"]} == {"CASE-300", "PY101"}
        assert {c["course_id"] for c in silver["all_courses"]} >= {"DXL-101", "CASE-300"}
        assert silver["achievement"]["id"] == "http://localhost:8000/achievements/dx-case-silver"
        assert silver["achievement"]["alignment"][0]["targetCode"] == "DSS-L-What-Data"

    def test_unknown_achievement_is_404(
        self, client: TestClient, admin: dict[str, str], example_map: bytes
    ) -> None:
        client.put(
            f"{SKILL_MAP}?allow_unknown_providers=true", content=example_map, headers=admin | YAML
        )
        assert client.get("/achievements/nope").status_code == 404

    def test_no_map_loaded_is_404(self, client: TestClient) -> None:
        assert client.get("/achievements").status_code == 404


class TestSkillMapCli:
    def test_check_reports_paths_and_exits_1(
        self, settings: Settings, app: FastAPI, tmp_path: Path, example_map: bytes
    ) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_bytes(example_map.replace(b"n_of: 2", b"n_of: 9"))
        env = {
            "BADGE_ISSUER_DATABASE_URL": settings.database_url,
            "PATH": "/usr/bin:/bin",
        }
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "badge_issuer",
                "skillmap",
                "check",
                str(bad),
                "--allow-unknown-providers",
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert result.returncode == 1
        assert "achievements[0].rule.n_of" in result.stderr
