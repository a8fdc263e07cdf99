"""Replay the shared Hokkaido example completions through the engine, line by line."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from badge_issuer.skillmap.rulebook import RuleBook, compile_rules
from badge_issuer.skillmap.rules import CompletedCourse, evaluate
from badge_issuer.skillmap.validation import load_skill_map
from tests.shared_data import example_path


@pytest.fixture(scope="module")
def example_book() -> RuleBook:
    check = load_skill_map(example_path("skill-map.yaml").read_bytes())
    assert check.skill_map is not None, check.errors
    return compile_rules(check.skill_map)


def _replay(book: RuleBook) -> dict[int, list[str]]:
    """Return, per line number, the achievements awarded right after that line."""
    lines = example_path("completions.jsonl").read_text(encoding="utf-8").splitlines()
    completions: dict[str, list[CompletedCourse]] = {}
    held: dict[str, set[str]] = {}
    awarded: dict[int, list[str]] = {}
    for number, line in enumerate(lines, start=1):
        event = json.loads(line)
        body = event["body"]
        learner = body["learner"]["email"].strip().lower()
        completions.setdefault(learner, []).append(
            CompletedCourse(
                completion_id=f"line-{number}",
                provider=event["provider"],
                course_id=body["course_id"],
                completed_at=datetime.fromisoformat(body["completed_at"]),
                score=body.get("score"),
            )
        )
        result = evaluate(book, completions[learner], held=held.setdefault(learner, set()))
        awarded[number] = [award.achievement_id for award in result.awards]
        held[learner].update(awarded[number])
    return awarded


class TestExampleReplay:
    def test_awards_match_the_example_readme(self, example_book: RuleBook) -> None:
        assert _replay(example_book) == {
            1: [],
            2: ["dx-literacy-bronze"],
            3: ["nocode-practitioner"],
            4: [],
            5: [],
            6: [],
            7: ["dx-literacy-bronze", "dx-case-silver"],
        }

    def test_silver_evidence_is_the_case_study_and_python_within_a_year(
        self, example_book: RuleBook
    ) -> None:
        learner = [
            CompletedCourse(
                "py",
                "kitami-it-academy",
                "PY101",
                datetime.fromisoformat("2026-09-12T16:00:00+09:00"),
            ),
            CompletedCourse(
                "case",
                "hokudai-mooc",
                "CASE-300",
                datetime.fromisoformat("2026-11-20T12:00:00+09:00"),
            ),
        ]
        result = evaluate(example_book, learner, held={"dx-literacy-bronze"})
        assert [a.achievement_id for a in result.awards] == ["dx-case-silver"]
        silver = result.awards[0]
        assert [c.completion_id for c in silver.completions] == ["py", "case"]
        assert silver.prerequisites == ("dx-literacy-bronze",)
