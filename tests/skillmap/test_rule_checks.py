"""Rule checks of skill map validation: references in rules, impossible rules, cycles."""

from __future__ import annotations

import pytest

from badge_issuer.skillmap.validation import validate_skill_map
from tests.skillmap.factories import Document, course, document, only_error

A, B = course("A"), course("B")


def _three_achievements(third_rule: Document) -> Document:
    return document({"first": A, "second": B, "third": third_rule})


class TestRuleReferences:
    def test_unknown_course_in_a_rule_is_named_by_its_full_path(self) -> None:
        rule = {"all_of": [A, {"course": {"provider": "lms", "course_id": "Z9"}}]}
        path, message = only_error(_three_achievements(rule))
        assert path == "achievements[2].rule.all_of[1].course.course_id"
        assert message == "course 'Z9' of provider 'lms' is not in courses"

    def test_known_course_id_of_another_provider_is_unknown(self) -> None:
        rule = course("A", provider="other-lms")
        assert only_error(_three_achievements(rule))[0] == "achievements[2].rule.course.course_id"

    def test_unknown_achievement_in_a_rule(self) -> None:
        rule = {"any_of": [A, {"achievement": "platinum"}]}
        assert only_error(_three_achievements(rule)) == (
            "achievements[2].rule.any_of[1].achievement",
            "unknown achievement 'platinum'",
        )

    def test_reference_to_an_invalid_entry_is_not_reported_twice(self) -> None:
        doc = _three_achievements({"achievement": "first"})
        doc["achievements"][0]["image"] = "not a url"
        assert only_error(doc)[0] == "achievements[0].image"


class TestCycles:
    def test_achievement_requiring_itself(self) -> None:
        doc = document({"loop": {"all_of": [A, {"achievement": "loop"}]}})
        assert only_error(doc) == (
            "achievements[0].rule.all_of[1].achievement",
            "achievements form a cycle: loop -> loop",
        )

    def test_cycle_through_three_achievements_is_named(self) -> None:
        doc = document(
            {
                "x": {"all_of": [A, {"achievement": "y"}]},
                "y": {"achievement": "z"},
                "z": {"any_of": [B, {"achievement": "x"}]},
            }
        )
        assert only_error(doc) == (
            "achievements[2].rule.any_of[1].achievement",
            "achievements form a cycle: z -> x -> y -> z",
        )

    def test_diamond_is_not_a_cycle(self) -> None:
        doc = document(
            {
                "base": A,
                "left": {"achievement": "base"},
                "right": {"achievement": "base"},
                "top": {"all_of": [{"achievement": "left"}, {"achievement": "right"}]},
            }
        )
        assert validate_skill_map(doc).ok


IMPOSSIBLE_CASES = [
    ("n_of zero", {"n_of": 0, "of": [A]}, "achievements[0].rule.n_of", "must be at least 1"),
    (
        "n_of above its list",
        {"n_of": 3, "of": [A, B]},
        "achievements[0].rule.n_of",
        "asks for 3 rules but its list has 2",
    ),
    ("empty all_of", {"all_of": []}, "achievements[0].rule.all_of", "must list at least one rule"),
    ("empty any_of", {"any_of": []}, "achievements[0].rule.any_of", "must list at least one rule"),
    (
        "empty n_of list",
        {"n_of": 1, "of": []},
        "achievements[0].rule.of",
        "must list at least one rule",
    ),
    (
        "within_days zero",
        {"all_of": [A, B], "within_days": 0},
        "achievements[0].rule.within_days",
        "must be at least 1",
    ),
    (
        "min_score above 100",
        course("A", min_score=101),
        "achievements[0].rule.course.min_score",
        "must be 0 to 100",
    ),
    (
        "min_score below 0",
        course("A", min_score=-1),
        "achievements[0].rule.course.min_score",
        "must be 0 to 100",
    ),
    (
        "same rule twice",
        {"n_of": 2, "of": [A, B, A]},
        "achievements[0].rule.of[2]",
        "same rule as of[0]",
    ),
    (
        "window over no course",
        {"all_of": [A, {"achievement": "other", "within_days": 5}]},
        "achievements[0].rule.all_of[1].within_days",
        "has no effect",
    ),
]


class TestImpossibleRules:
    @pytest.mark.parametrize(
        ("rule", "path", "fragment"),
        [pytest.param(*case[1:], id=case[0]) for case in IMPOSSIBLE_CASES],
    )
    def test_rule_that_can_never_be_met_is_an_error(
        self, rule: Document, path: str, fragment: str
    ) -> None:
        doc = document({"only": rule, "other": B})
        error_path, message = only_error(doc)
        assert error_path == path
        assert fragment in message

    def test_min_score_bounds_are_inclusive(self) -> None:
        rule = {"all_of": [course("A", min_score=0), course("B", min_score=100)]}
        assert validate_skill_map(document({"only": rule})).ok
