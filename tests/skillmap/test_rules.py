"""Table-driven tests of the rules engine: every rule kind, nesting, windows, scores, stacking."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

import pytest

from badge_issuer.skillmap.document import SkillMap
from badge_issuer.skillmap.rulebook import compile_rules
from badge_issuer.skillmap.rules import CompletedCourse, Evaluation, Progress, evaluate
from tests.skillmap.factories import (
    PROVIDER,
    Document,
    at,
    completion,
    course,
    document,
    rule_book,
)

A, B, C, D, E = (course(cid) for cid in "ABCDE")


@dataclass(frozen=True)
class Case:
    """The rule of achievement `target`, the completions, and what evaluation must say."""

    rule: Document
    completions: tuple[CompletedCourse, ...]
    evidence: tuple[str, ...] | None  # completion ids of the award; None: not met
    progress: tuple[int, int] | None = None  # (met, required) when not met
    held: frozenset[str] = field(default_factory=frozenset)


def _case(
    case_id: str,
    rule: Document,
    completions: list[CompletedCourse],
    evidence: list[str] | None,
    progress: tuple[int, int] | None = None,
    held: frozenset[str] = frozenset(),
) -> object:
    evidence_ids = None if evidence is None else tuple(evidence)
    return pytest.param(Case(rule, tuple(completions), evidence_ids, progress, held), id=case_id)


def all_of(*rules: Document, within_days: int | None = None) -> Document:
    return _windowed({"all_of": list(rules)}, within_days)


def any_of(*rules: Document, within_days: int | None = None) -> Document:
    return _windowed({"any_of": list(rules)}, within_days)


def n_of(n: int, *rules: Document, within_days: int | None = None) -> Document:
    return _windowed({"n_of": n, "of": list(rules)}, within_days)


def _windowed(rule: Document, within_days: int | None) -> Document:
    return rule if within_days is None else {**rule, "within_days": within_days}


PRIOR = {"achievement": "prior"}
HELD_PRIOR = frozenset({"prior"})
c = completion

RULE_KIND_CASES = [
    _case("course met by a completion", A, [c("A", 0)], ["A@0"]),
    _case("course not met by another course", A, [c("B", 0)], None, (0, 1)),
    _case("course not met without completions", A, [], None, (0, 1)),
    _case("course evidence is the earliest completion", A, [c("A", 5), c("A", 1)], ["A@1"]),
    _case("achievement met when held", PRIOR, [], [], held=HELD_PRIOR),
    _case("achievement not met when not held", PRIOR, [], None, (0, 1)),
    _case("all_of met when every rule is", all_of(A, B), [c("A", 0), c("B", 9)], ["A@0", "B@9"]),
    _case("all_of counts met rules", all_of(A, B, C), [c("A", 0), c("C", 1)], None, (2, 3)),
    _case("any_of met by one rule", any_of(A, B), [c("B", 2)], ["B@2"]),
    _case("any_of picks the rule met first", any_of(A, B), [c("A", 3), c("B", 1)], ["B@1"]),
    _case("any_of not met", any_of(A, B), [c("C", 0)], None, (0, 1)),
    _case("n_of met by n rules", n_of(2, A, B, C), [c("A", 1), c("C", 2)], ["A@1", "C@2"]),
    _case(
        "n_of evidence is the n rules met first",
        n_of(2, A, B, C),
        [c("B", 5), c("A", 1), c("C", 2)],
        ["A@1", "C@2"],
    ),
    _case("n_of counts met rules", n_of(3, A, B, C, D), [c("A", 1), c("D", 1)], None, (2, 3)),
    _case(
        "n_of same course twice counts once", n_of(2, A, B), [c("A", 1), c("A", 2)], None, (1, 2)
    ),
    _case("n_of ties broken by rule order", n_of(1, A, B), [c("B", 1), c("A", 1)], ["A@1"]),
]

NESTING_CASES = [
    _case(
        "all_of of any_of and n_of",
        all_of(any_of(A, B), n_of(2, C, D, E)),
        [c("B", 1), c("C", 2), c("E", 3)],
        ["B@1", "C@2", "E@3"],
    ),
    _case(
        "nested progress counts whole sub-rules",
        all_of(any_of(A, B), n_of(2, C, D, E), PRIOR),
        [c("B", 1), c("C", 2)],
        None,
        (1, 3),
    ),
    _case(
        "held achievement inside all_of",
        all_of(PRIOR, A),
        [c("A", 4)],
        ["A@4"],
        held=HELD_PRIOR,
    ),
    _case("any_of prefers a held achievement", any_of(A, PRIOR), [c("A", 0)], [], held=HELD_PRIOR),
]

WINDOW_CASES = [
    _case("window: inside", all_of(A, B, within_days=30), [c("A", 0), c("B", 10)], ["A@0", "B@10"]),
    _case(
        "window: exactly D days apart is inside",
        all_of(A, B, within_days=30),
        [c("A", 0), c("B", 30)],
        ["A@0", "B@30"],
    ),
    _case(
        "window: one microsecond past D days is outside",
        all_of(A, B, within_days=30),
        [c("A", 0), c("B", 30 + 1 / 86_400_000_000, completion_id="B-late")],
        None,
        (1, 2),
    ),
    _case(
        "window: outside",
        all_of(A, B, within_days=30),
        [c("A", 0), c("B", 31)],
        None,
        (1, 2),
    ),
    _case(
        "window: a later retake brings both inside",
        all_of(A, B, within_days=30),
        [c("A", 0), c("B", 100), c("A", 90)],
        ["A@90", "B@100"],
    ),
    _case(
        "window: n_of picks the rules that fit one window",
        n_of(2, A, B, C, within_days=10),
        [c("A", 0), c("B", 20), c("C", 25)],
        ["B@20", "C@25"],
    ),
    _case(
        "window: the earliest-finishing window wins",
        n_of(2, A, B, C, D, within_days=5),
        [c("A", 0), c("B", 50), c("C", 52), c("D", 3)],
        ["A@0", "D@3"],
    ),
    _case(
        "window: best window count is the progress",
        all_of(A, B, C, within_days=10),
        [c("A", 0), c("B", 5), c("C", 50)],
        None,
        (2, 3),
    ),
    _case(
        "window: held achievement counts without a date",
        all_of(PRIOR, A, B, within_days=10),
        [c("A", 400), c("B", 405)],
        ["A@400", "B@405"],
        held=HELD_PRIOR,
    ),
    _case(
        "window: scores below min_score do not open a window",
        all_of(course("A", min_score=80), B, within_days=10),
        [c("A", 0, 90), c("B", 40), c("A", 35, 50)],
        None,
        (1, 2),
    ),
    _case(
        "window: nested window inside a wider one",
        all_of(A, all_of(B, C, within_days=2), within_days=30),
        [c("A", 0), c("B", 10), c("C", 20), c("B", 19)],
        ["A@0", "B@19", "C@20"],
    ),
    _case(
        "window: nested window met but outer window not",
        all_of(A, all_of(B, C, within_days=2), within_days=30),
        [c("A", 0), c("B", 40), c("C", 41)],
        None,
        (1, 2),
    ),
    _case(
        "window: any_of branch is the only one counted",
        all_of(A, any_of(B, C), within_days=10),
        [c("B", 0), c("A", 20), c("C", 25)],
        ["A@20", "C@25"],
    ),
]

SCORE_CASES = [
    _case("min_score reached", course("A", min_score=80), [c("A", 0, 80)], ["A@0"]),
    _case("min_score missed", course("A", min_score=80), [c("A", 0, 79.9)], None, (0, 1)),
    _case("min_score without a score", course("A", min_score=80), [c("A", 0)], None, (0, 1)),
    _case(
        "min_score: a later passing attempt is the evidence",
        course("A", min_score=80),
        [c("A", 0, 60), c("A", 7, 95)],
        ["A@7"],
    ),
    _case("no min_score: any score counts", A, [c("A", 0, 0)], ["A@0"]),
]


def _target(case: Case) -> Evaluation:
    book = rule_book({"prior": course("E"), "target": case.rule})
    return evaluate(book, case.completions, held=case.held)


class TestEvaluateRules:
    @pytest.mark.parametrize("case", RULE_KIND_CASES + NESTING_CASES + WINDOW_CASES + SCORE_CASES)
    def test_target_met_with_expected_evidence_or_progress(self, case: Case) -> None:
        result = _target(case)
        awards = {award.achievement_id: award for award in result.awards}
        progress = {p.achievement_id: (p.met, p.required) for p in result.progress}
        if case.evidence is None:
            assert "target" not in awards
            assert progress["target"] == case.progress
        else:
            assert "target" in awards
            evidence = tuple(c.completion_id for c in awards["target"].completions)
            assert evidence == case.evidence
            assert "target" not in progress


STACK = {
    "gold": all_of({"achievement": "silver"}, C),
    "silver": all_of({"achievement": "bronze"}, B),
    "bronze": A,
}


class TestStacking:
    def test_awards_unlock_each_other_in_one_evaluation_in_dependency_order(self) -> None:
        result = evaluate(rule_book(STACK), [c("A", 0), c("B", 1), c("C", 2)])
        assert [a.achievement_id for a in result.awards] == ["bronze", "silver", "gold"]
        assert result.progress == ()

    def test_award_names_the_achievements_it_relied_on(self) -> None:
        result = evaluate(rule_book(STACK), [c("A", 0), c("B", 1)])
        silver = result.awards[1]
        assert silver.achievement_id == "silver"
        assert silver.prerequisites == ("bronze",)
        assert [x.completion_id for x in silver.completions] == ["B@1"]

    def test_held_achievements_are_not_awarded_again(self) -> None:
        result = evaluate(rule_book(STACK), [c("A", 0), c("B", 1)], held={"bronze"})
        assert [a.achievement_id for a in result.awards] == ["silver"]

    def test_held_achievements_have_no_progress(self) -> None:
        result = evaluate(rule_book(STACK), [], held={"bronze", "silver"})
        assert result.awards == ()
        assert result.progress == (Progress("gold", 1, 2),)

    def test_held_achievement_unknown_to_the_map_is_ignored(self) -> None:
        result = evaluate(rule_book(STACK), [c("A", 0)], held={"retired-badge"})
        assert [a.achievement_id for a in result.awards] == ["bronze"]

    def test_progress_is_listed_in_file_order(self) -> None:
        result = evaluate(rule_book(STACK), [c("B", 1)])
        assert result.progress == (
            Progress("gold", 0, 2),
            Progress("silver", 1, 2),
            Progress("bronze", 0, 1),
        )

    def test_award_records_its_last_evidence_time(self) -> None:
        result = evaluate(rule_book({"both": all_of(A, B)}), [c("B", 4), c("A", 2)])
        assert result.awards[0].last_completed_at == at(4)

    def test_award_without_completions_has_no_evidence_time(self) -> None:
        book = rule_book({"prior": A, "alias": {"achievement": "prior"}})
        result = evaluate(book, [c("A", 1)])
        assert result.awards[1].last_completed_at is None
        assert result.awards[1].completions == ()


class TestCompletions:
    def test_completions_of_courses_no_rule_names_are_ignored(self) -> None:
        stray = CompletedCourse("x", "other-lms", "A", at(0))
        result = evaluate(rule_book({"only": A}), [stray])
        assert result.awards == ()

    def test_naive_completion_time_is_refused(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            CompletedCourse("x", PROVIDER, "A", datetime(2026, 1, 1))

    def test_windows_compare_instants_across_time_zones(self) -> None:
        tokyo = timezone(timedelta(hours=9))
        first = CompletedCourse("a", PROVIDER, "A", datetime(2026, 1, 1, 0, 0, tzinfo=tokyo))
        second = CompletedCourse("b", PROVIDER, "B", datetime(2026, 1, 30, 15, 0, tzinfo=UTC))
        book = rule_book({"pair": all_of(A, B, within_days=30)})
        assert [a.achievement_id for a in evaluate(book, [first, second]).awards] == ["pair"]


class TestCompileRules:
    def test_cycle_in_an_unvalidated_map_is_refused(self) -> None:
        doc = document({"x": {"achievement": "y"}, "y": {"achievement": "x"}})
        unvalidated = SkillMap.model_validate(doc)
        with pytest.raises(ValueError, match="cycle"):
            compile_rules(unvalidated)

    def test_duplicate_ids_in_an_unvalidated_map_are_refused(self) -> None:
        doc = document({"x": A})
        doc["achievements"] *= 2
        with pytest.raises(ValueError, match="unique"):
            compile_rules(SkillMap.model_validate(doc))
