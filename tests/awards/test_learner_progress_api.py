"""GET /v1/learners/progress: badges held, and the courses still missing for the others."""

from __future__ import annotations

import json
from typing import Any

from badge_issuer.admin.scopes import Scope
from tests.admin.factories import bearer, make_token
from tests.harness import Harness
from tests.shared_data import example_path


def _replay(harness: Harness) -> None:
    lines = example_path("completions.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        event = json.loads(line)
        assert harness.post_completion(event["provider"], event["body"]).status_code == 201


def _ways(harness: Harness, email: str, scope: Scope = Scope.PROVIDERS) -> Any:
    token = make_token(harness.client.app, scope, name=f"lms-{scope}")  # type: ignore[arg-type]
    return harness.client.get(
        "/v1/learners/progress", params={"email": email}, headers=bearer(token)
    )


class TestLearnerProgress:
    def test_names_the_missing_courses_of_each_badge_not_held(self, harness: Harness) -> None:
        _replay(harness)
        response = _ways(harness, "Sato.Hanako@example.jp")
        assert response.status_code == 200, response.text
        body = response.json()
        assert [(h["achievement_id"], h["state"]) for h in body["held"]] == [
            ("dx-literacy-bronze", "valid"),
            ("nocode-practitioner", "valid"),
        ]
        ways = {w["achievement_id"]: w for w in body["progress"]}
        assert list(ways) == ["dx-case-silver", "regional-dx-leader-gold"]
        silver = ways["dx-case-silver"]
        assert [c["course_id"] for c in silver["missing"]] == ["CASE-300", "PY101"]
        assert [c["name"] for c in silver["missing"]] == [
            "地域企業データに基づくケーススタディ",
            "Python入門",
        ]
        assert silver["done"] == []
        assert silver["courses_to_go"] == 2
        assert silver["requirement"]["children"][1]["words"]["ja"] == (
            "365日以内に次の2講座をすべて修了"
        )
        gold = ways["regional-dx-leader-gold"]
        assert gold["missing_achievements"] == [
            {"achievement_id": "dx-case-silver", "name": "北海道DX実践（シルバー）"}
        ]
        assert [c["course_id"] for c in gold["missing"]] == ["CASE-310"]
        assert gold["courses_to_go"] == 3
        assert body["next"] == ["dx-case-silver", "regional-dx-leader-gold"]

    def test_an_unknown_email_gets_the_way_to_every_badge(self, harness: Harness) -> None:
        body = _ways(harness, "nobody@example.jp").json()
        assert body["held"] == []
        bronze = body["progress"][0]
        assert bronze["rule"] == {
            "ja": "3講座のうち2講座を修了",
            "en": "Complete 2 of these 3 courses",
        }
        assert bronze["status"]["ja"] == "3講座のうち0講座を修了済み（あと2講座）"
        assert body["next"][0] == "dx-literacy-bronze"

    def test_revoked_badges_are_marked_and_block_what_stacks_on_them(
        self, harness: Harness
    ) -> None:
        _replay(harness)
        held = _ways(harness, "takahashi.ken@example.jp").json()["held"]
        bronze = next(h for h in held if h["achievement_id"] == "dx-literacy-bronze")
        uuid = bronze["credential_url"].rsplit("/", 1)[1]
        revoked = harness.client.post(
            f"/v1/admin/credentials/{uuid}/revoke",
            json={"reason": "test"},
            headers=harness.admin,
        )
        assert revoked.status_code == 200, revoked.text
        body = _ways(harness, "takahashi.ken@example.jp").json()
        states = {h["achievement_id"]: h["state"] for h in body["held"]}
        assert states["dx-literacy-bronze"] == "revoked"

    def test_needs_the_providers_scope(self, harness: Harness) -> None:
        assert _ways(harness, "a@example.jp", Scope.STATS).status_code == 403
        response = harness.client.get("/v1/learners/progress", params={"email": "a@example.jp"})
        assert response.status_code == 401
