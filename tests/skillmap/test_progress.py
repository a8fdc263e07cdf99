"""The way to each badge: rule in words, courses done and missing, nearest badges."""

from __future__ import annotations

from pathlib import Path

from badge_issuer.skillmap.progress import AchievementProgress, learner_progress, nearest
from badge_issuer.skillmap.rulebook import compile_rules
from badge_issuer.skillmap.rules import CompletedCourse
from badge_issuer.skillmap.validation import load_skill_map
from tests.skillmap.factories import at, completion, course, rule_book

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "skill-map.yaml"


def _by_id(progress: tuple[AchievementProgress, ...]) -> dict[str, AchievementProgress]:
    return {p.achievement_id: p for p in progress}


def _ids(steps: object) -> list[str]:
    return [step.course_id for step in steps]  # type: ignore[attr-defined]


def _example(
    completions: list[tuple[str, str, int]], held: tuple[str, ...] = ()
) -> dict[str, AchievementProgress]:
    checked = load_skill_map(EXAMPLE.read_bytes())
    assert checked.skill_map is not None
    book = compile_rules(checked.skill_map)
    rows = [
        CompletedCourse(f"c{i}", provider, course_id, at(day))
        for i, (provider, course_id, day) in enumerate(completions)
    ]
    return _by_id(learner_progress(book, rows, held=held))


def test_n_of_names_done_and_missing_courses_in_words() -> None:
    progress = _example([("manabi-portal", "DXL-101", 1)])
    bronze = progress["dx-literacy-bronze"]
    assert (bronze.met, bronze.required) == (1, 2)
    assert bronze.rule.ja == "3講座のうち2講座を修了"
    assert bronze.rule.en == "Complete 2 of these 3 courses"
    assert bronze.status.ja == "3講座のうち1講座を修了済み（あと1講座）"
    assert _ids(bronze.done) == ["DXL-101"]
    assert bronze.done[0].completed_at == at(1)
    assert _ids(bronze.missing) == ["DATA-110", "SEC-120"]
    assert bronze.missing[0].name == "データ活用の基礎"
    assert bronze.to_go == 1


def test_stacked_badge_counts_prerequisite_courses_and_names_the_prerequisite() -> None:
    progress = _example([("manabi-portal", "DXL-101", 1)])
    silver = progress["dx-case-silver"]
    assert silver.missing_achievements == ("dx-literacy-bronze",)
    assert _ids(silver.missing) == ["CASE-300", "PY101"]
    # one more bronze course, then CASE-300 and PY101
    assert silver.to_go == 3
    assert silver.rule.ja == "次のすべてを満たす"
    window = silver.requirement.children[1]
    assert window.words.ja == "365日以内に次の2講座をすべて修了"
    assert window.words.en == "Complete all 2 of these courses within 365 days"
    gold = progress["regional-dx-leader-gold"]
    assert gold.to_go == 4
    assert [p.achievement_id for p in nearest(progress.values(), limit=2)] == [
        "dx-literacy-bronze",
        "nocode-practitioner",
    ]


def test_min_score_in_words_and_a_low_score_is_missing() -> None:
    progress = _example([("kitami-it-academy", "NC201", 1)], held=("dx-literacy-bronze",))
    nocode = progress["nocode-practitioner"]
    # The completion has no score, so it does not reach min_score 80.
    assert _ids(nocode.done) == []
    assert _ids(nocode.missing) == ["NC201"]
    leaf = nocode.requirement.children[1]
    assert leaf.words.ja == "「ノーコードで作る業務アプリ」を80点以上で修了"
    assert leaf.words.en == "Complete “ノーコードで作る業務アプリ” with a score of at least 80"
    assert nocode.missing_achievements == ()
    assert "dx-literacy-bronze" not in progress  # held: no progress entry


def test_window_missed_lists_courses_to_retake() -> None:
    book = rule_book({"target": {"within_days": 10, "all_of": [course("A"), course("B")]}})
    (target,) = learner_progress(book, [completion("A", 0), completion("B", 30)])
    assert (target.met, target.required) == (1, 2)
    assert _ids(target.done) == ["A", "B"]
    assert sorted(_ids(target.missing)) == ["A", "B"]
    assert target.to_go == 1
    assert target.rule.ja == "10日以内に次の2講座をすべて修了"


def test_met_achievements_are_not_listed_and_blocked_ones_are_marked() -> None:
    book = rule_book(
        {
            "base": course("A"),
            "top": {"all_of": [{"achievement": "base"}, course("B")]},
        }
    )
    assert [p.achievement_id for p in learner_progress(book, [completion("A", 0)])] == ["top"]
    progress = _by_id(learner_progress(book, [], blocked=("base",)))
    assert progress["base"].blocked
    assert progress["top"].blocked
    assert nearest(progress.values()) == ()


def test_course_links_from_the_skill_map() -> None:
    """The example map gives a page for some courses (DX入門) and none for others (SEC-120)."""
    checked = load_skill_map(EXAMPLE.read_bytes())
    assert checked.skill_map is not None, checked.errors
    (bronze, *_) = learner_progress(compile_rules(checked.skill_map), [])
    urls = {course.course_id: course.url for course in bronze.missing}
    assert urls == {
        "DXL-101": "https://manabi.example.jp/courses/DXL-101",
        "DATA-110": "https://manabi.example.jp/courses/DATA-110",
        "SEC-120": None,
    }


def test_each_requirement_is_of_its_rule_kind_and_one_of_any_of_is_meet_one() -> None:
    prerequisite = {"achievement": "base"}
    book = rule_book(
        {
            "base": course("E"),
            "top": {
                "all_of": [
                    course("A"),
                    {"any_of": [course("B"), prerequisite]},
                    {"n_of": 1, "of": [course("C"), prerequisite]},
                ]
            },
        }
    )
    top = _by_id(learner_progress(book, []))["top"].requirement
    assert top.kind == "all_of"
    assert [child.kind for child in top.children] == ["course", "any_of", "n_of"]
    # One of an any_of and one of an n_of are the same need; only any_of reads "one of".
    assert top.children[1].words.en == "Meet one of the following"
    assert top.children[2].words.en == "Meet 1 of these 2"
    assert top.children[1].children[1].kind == "achievement"
