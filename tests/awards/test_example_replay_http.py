"""The shared Hokkaido example, replayed through the HTTP API, gives exactly the listed awards."""

from __future__ import annotations

import json

from tests.harness import Harness
from tests.shared_data import example_path


def _replay(harness: Harness) -> list[list[dict[str, object]]]:
    awards_per_line = []
    lines = example_path("completions.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        event = json.loads(line)
        response = harness.post_completion(event["provider"], event["body"])
        assert response.status_code == 201, response.text
        awards_per_line.append(response.json()["awards"])
    return awards_per_line


class TestExampleReplay:
    def test_awards_match_the_example_readme(self, harness: Harness) -> None:
        awarded = _replay(harness)
        by_line = {
            number: [a["achievement_id"] for a in awards]
            for number, awards in enumerate(awarded, start=1)
            if awards
        }
        assert by_line == {
            2: ["dx-literacy-bronze"],
            3: ["nocode-practitioner"],
            7: ["dx-literacy-bronze", "dx-case-silver"],
        }

    def test_every_credential_verifies_and_cites_its_evidence(self, harness: Harness) -> None:
        awarded = [award for awards in _replay(harness) for award in awards]
        for award in awarded:
            url = str(award["credential_url"])
            path = url.removeprefix("http://localhost:8000")
            credential = harness.client.get(path).json()
            assert credential["id"] == url
            assert credential["evidence"], "evidence cites the completions"
            report = harness.client.post("/verify", json=credential).json()
            assert report["verified"] is True, report

    def test_same_learner_in_any_case_is_one_learner(self, harness: Harness) -> None:
        _replay(harness)
        progress = harness.client.get(
            "/v1/admin/learners/progress",
            params={"email": "SATO.hanako@example.jp"},
            headers=harness.admin,
        ).json()
        assert sorted(h["achievement_id"] for h in progress["held"]) == [
            "dx-literacy-bronze",
            "nocode-practitioner",
        ]

    def test_gold_is_not_awarded_and_progress_says_why(self, harness: Harness) -> None:
        _replay(harness)
        progress = harness.client.get(
            "/v1/admin/learners/progress",
            params={"email": "takahashi.ken@example.jp"},
            headers=harness.admin,
        ).json()
        gold = [p for p in progress["progress"] if p["achievement_id"] == "regional-dx-leader-gold"]
        assert gold
        assert gold[0]["met"] < gold[0]["required"]
