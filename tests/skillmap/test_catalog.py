"""Catalog helpers: which courses count toward an achievement, and its skill alignments."""

from __future__ import annotations

import pytest

from badge_issuer.skillmap.catalog import (
    Alignment,
    CourseOption,
    UnknownAchievement,
    alignments,
    catalog_entry,
)
from badge_issuer.skillmap.document import SkillMap
from badge_issuer.skillmap.validation import load_skill_map
from tests.shared_data import example_path
from tests.skillmap.factories import course, skill_map


@pytest.fixture(scope="module")
def example_map() -> SkillMap:
    check = load_skill_map(example_path("skill-map.yaml").read_bytes())
    assert check.skill_map is not None
    return check.skill_map


def _ids(options: tuple[CourseOption, ...]) -> list[tuple[str, float | None]]:
    return [(option.course.course_id, option.min_score) for option in options]


class TestCatalogEntry:
    def test_own_courses_in_rule_order(self, example_map: SkillMap) -> None:
        entry = catalog_entry(example_map, "dx-case-silver")
        assert _ids(entry.courses) == [("CASE-300", None), ("PY101", None)]
        assert entry.prerequisites == ("dx-literacy-bronze",)

    def test_all_courses_follow_prerequisites_transitively(self, example_map: SkillMap) -> None:
        entry = catalog_entry(example_map, "regional-dx-leader-gold")
        assert _ids(entry.courses) == [("CASE-310", None)]
        assert _ids(entry.all_courses) == [
            ("CASE-310", None),
            ("CASE-300", None),
            ("PY101", None),
            ("DXL-101", None),
            ("DATA-110", None),
            ("SEC-120", None),
        ]

    def test_min_score_is_shown_with_the_course(self, example_map: SkillMap) -> None:
        entry = catalog_entry(example_map, "nocode-practitioner")
        assert _ids(entry.courses) == [("NC201", 80.0)]

    def test_course_named_twice_is_listed_once(self) -> None:
        rule = {"any_of": [course("A"), {"all_of": [course("A"), course("B")]}]}
        entry = catalog_entry(skill_map({"x": rule}), "x")
        assert _ids(entry.courses) == [("A", None), ("B", None)]

    def test_unknown_achievement(self, example_map: SkillMap) -> None:
        with pytest.raises(UnknownAchievement):
            catalog_entry(example_map, "platinum")


class TestAlignments:
    def test_one_alignment_per_skill_pointing_at_its_framework(self, example_map: SkillMap) -> None:
        silver = example_map.find_achievement("dx-case-silver")
        assert silver is not None
        assert alignments(example_map, silver) == (
            Alignment(
                target_name="データ活用",
                target_url="https://www.ipa.go.jp/jinzai/skill-standard/dss/",
                target_framework="デジタルスキル標準 (Digital Skill Standard)",
                target_code="DSS-L-What-Data",
            ),
            Alignment(
                target_name="Pythonプログラミング",
                target_url="https://www.ipa.go.jp/jinzai/skill-standard/plus-it-ui/itss/",
                target_framework="ITスキル標準 (IT Skill Standard)",
                target_code="ITSS-L1-SD",
            ),
        )


class TestSkillMapLookups:
    def test_find_course_by_provider_and_id(self, example_map: SkillMap) -> None:
        found = example_map.find_course("kitami-it-academy", "PY101")
        assert found is not None
        assert found.name == "Python入門"

    def test_find_course_of_another_provider_is_none(self, example_map: SkillMap) -> None:
        assert example_map.find_course("manabi-portal", "PY101") is None

    def test_stored_dump_validates_back_to_the_same_map(self, example_map: SkillMap) -> None:
        stored = example_map.model_dump(mode="json", exclude_none=True)
        assert SkillMap.model_validate(stored) == example_map
