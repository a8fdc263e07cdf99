"""A skill map change reaches existing learners: impact report, then an explicit apply."""

from __future__ import annotations

import json
from typing import Any

from tests.harness import Harness
from tests.shared_data import example_path

REVISION = example_path("skill-map-2027.yaml")
EMAILS = ["sato.hanako@example.jp", "takahashi.ken@example.jp"]


def _replay(harness: Harness) -> None:
    lines = example_path("completions.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        event = json.loads(line)
        assert harness.post_completion(event["provider"], event["body"]).status_code == 201


def _credentials(harness: Harness) -> list[dict[str, Any]]:
    response = harness.client.get("/v1/admin/credentials", headers=harness.admin)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _load_revision(harness: Harness) -> dict[str, Any]:
    return harness.load_skill_map(REVISION.read_bytes())


def _apply(harness: Harness, version: int, **body: Any) -> Any:
    return harness.client.post(
        f"/v1/admin/skill-map/versions/{version}/apply", json=body, headers=harness.admin
    )


class TestImpact:
    def test_check_reports_who_would_newly_earn_what_and_issues_nothing(
        self, harness: Harness
    ) -> None:
        _replay(harness)
        before = _credentials(harness)
        response = harness.client.post(
            "/v1/admin/skill-map/check",
            content=REVISION.read_bytes(),
            headers=harness.admin | {"content-type": "application/yaml"},
        )
        assert response.status_code == 200, response.text
        impact = response.json()["impact"]
        assert impact["learners_checked"] == 2
        assert impact["learners_affected"] == 2
        assert impact["learners_without_email"] == 2
        assert impact["per_achievement"] == {"dx-case-silver": 1, "data-basics": 1}
        assert sorted(tuple(s["achievements"]) for s in impact["sample"]) == [
            ("data-basics",),
            ("dx-case-silver",),
        ]
        assert _credentials(harness) == before

    def test_loading_reports_the_impact_too(self, harness: Harness) -> None:
        _replay(harness)
        loaded = _load_revision(harness)
        assert loaded["impact"]["per_achievement"] == {"dx-case-silver": 1, "data-basics": 1}
        version = loaded["id"]
        again = harness.client.get(
            f"/v1/admin/skill-map/versions/{version}/impact", headers=harness.admin
        )
        assert again.json() == loaded["impact"]


class TestApply:
    def test_apply_issues_through_the_normal_path_and_never_revokes(self, harness: Harness) -> None:
        _replay(harness)
        before = {c["uuid"]: c for c in _credentials(harness)}
        version = _load_revision(harness)["id"]

        deferred = _apply(harness, version)
        assert deferred.status_code == 200, deferred.text
        assert deferred.json()["state"] == "done"
        assert deferred.json()["learners_deferred"] == 2
        assert deferred.json()["credentials_issued"] == 0

        applied = _apply(harness, version, emails=EMAILS).json()
        assert applied["credentials_issued"] == 2
        assert applied["learners_awarded"] == 2
        assert applied["learners_deferred"] == 0
        after = _credentials(harness)
        new = [c for c in after if c["uuid"] not in before]
        assert sorted(c["achievement_id"] for c in new) == ["data-basics", "dx-case-silver"]
        assert {c["skill_map_version_id"] for c in new} == {version}
        for credential in new:
            document = harness.client.get(credential["url"].removeprefix("http://localhost:8000"))
            report = harness.client.post("/verify", json=document.json()).json()
            assert report["verified"] is True, report
        # SEC-120 left the map: the bronze it earned stays valid.
        assert all(c["state"] == "valid" for c in after)
        assert len(after) == len(before) + 2

        # A second run finds nothing left to issue.
        again = _apply(harness, version, emails=EMAILS).json()
        assert again["credentials_issued"] == 0
        assert len(_credentials(harness)) == len(after)

        actions = [
            e["action"]
            for e in harness.client.get("/v1/admin/audit", headers=harness.admin).json()["items"]
        ]
        assert actions.count("credential.apply") == 2
        assert "skill_map.apply.finish" in actions

    def test_a_run_proceeds_in_batches_and_resumes(self, harness: Harness) -> None:
        _replay(harness)
        version = _load_revision(harness)["id"]
        first = _apply(harness, version, emails=EMAILS, batches=1, batch_size=1).json()
        assert (first["state"], first["learners_done"], first["learners_total"]) == (
            "running",
            1,
            2,
        )
        progress = harness.client.get(
            f"/v1/admin/skill-map/applies/{first['id']}", headers=harness.admin
        ).json()
        assert progress["learners_done"] == 1
        resumed = _apply(harness, version, emails=EMAILS, batch_size=1).json()
        assert resumed["id"] == first["id"]
        assert resumed["state"] == "done"
        assert resumed["learners_done"] == 2
        assert resumed["credentials_issued"] == 2

    def test_only_the_current_version_is_applied(self, harness: Harness) -> None:
        old = harness.client.get("/v1/admin/skill-map", headers=harness.admin).json()["id"]
        _load_revision(harness)
        response = _apply(harness, old)
        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"
        assert _apply(harness, 999).status_code == 409
        missing = harness.client.get("/v1/admin/skill-map/applies/999", headers=harness.admin)
        assert missing.status_code == 404
