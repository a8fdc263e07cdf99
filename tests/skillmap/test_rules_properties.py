"""Property tests of the rules engine: order independence, self-sufficient evidence, windows."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from badge_issuer.skillmap.rules import CompletedCourse, evaluate
from tests.skillmap.factories import completion, course, rule_book

A, B, C, D, E = (course(cid) for cid in "ABCDE")
PICK_WINDOW_DAYS = 3
BOOK = rule_book(
    {
        "bronze": {"n_of": 2, "of": [A, B, course("C", min_score=60)]},
        "pair-in-a-week": {"all_of": [A, B], "within_days": 7},
        "silver": {
            "all_of": [{"achievement": "bronze"}, {"any_of": [D, course("E", min_score=80)]}, C],
            "within_days": 20,
        },
        "pick": {"n_of": 2, "of": [A, C, D, E], "within_days": PICK_WINDOW_DAYS},
        "nested": {
            "all_of": [A, {"n_of": 2, "of": [B, C, D], "within_days": 2}],
            "within_days": 10,
        },
        "gold": {"all_of": [{"achievement": "silver"}, {"achievement": "pair-in-a-week"}]},
    }
)
WINDOWS = {"pair-in-a-week": 7, "silver": 20, "pick": PICK_WINDOW_DAYS, "nested": 10}
BOUNDED = settings(max_examples=200, derandomize=True, deadline=None)


@st.composite
def completions(draw: st.DrawFn) -> list[CompletedCourse]:
    """Up to 12 completions of courses A-E over 40 days, with or without scores."""
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from("ABCDE"),
                st.integers(min_value=0, max_value=40 * 24),
                st.none() | st.integers(min_value=0, max_value=100),
            ),
            max_size=12,
        )
    )
    return [
        completion(cid, hours / 24, score, completion_id=f"c{index}")
        for index, (cid, hours, score) in enumerate(rows)
    ]


def _pick_met_by_brute_force(items: list[CompletedCourse]) -> bool:
    window = timedelta(days=PICK_WINDOW_DAYS)
    relevant = [c for c in items if c.course_id in "ACDE"]
    return any(
        len({c.course_id for c in relevant if start <= c.completed_at <= start + window}) >= 2
        for start in (c.completed_at for c in relevant)
    )


class TestEvaluationProperties:
    @BOUNDED
    @given(data=st.data(), items=completions(), held=st.sets(st.sampled_from(["bronze", "silver"])))
    def test_result_does_not_depend_on_completion_order(
        self, data: st.DataObject, items: list[CompletedCourse], held: set[str]
    ) -> None:
        shuffled = data.draw(st.permutations(items))
        assert evaluate(BOOK, shuffled, held=held) == evaluate(BOOK, items, held=held)

    @BOUNDED
    @given(items=completions())
    def test_evidence_alone_meets_each_award(self, items: list[CompletedCourse]) -> None:
        for award in evaluate(BOOK, items).awards:
            again = evaluate(BOOK, award.completions, held=set(award.prerequisites))
            assert award.achievement_id in {a.achievement_id for a in again.awards}

    @BOUNDED
    @given(items=completions())
    def test_evidence_of_windowed_awards_fits_the_window(
        self, items: list[CompletedCourse]
    ) -> None:
        for award in evaluate(BOOK, items).awards:
            if award.achievement_id in WINDOWS and award.completions:
                times = [c.completed_at for c in award.completions]
                assert max(times) - min(times) <= timedelta(days=WINDOWS[award.achievement_id])

    @BOUNDED
    @given(items=completions())
    def test_window_rule_agrees_with_brute_force(self, items: list[CompletedCourse]) -> None:
        awarded = {a.achievement_id for a in evaluate(BOOK, items).awards}
        assert ("pick" in awarded) == _pick_met_by_brute_force(items)

    @BOUNDED
    @given(items=completions())
    def test_progress_of_unmet_achievements_stays_below_required(
        self, items: list[CompletedCourse]
    ) -> None:
        for progress in evaluate(BOOK, items).progress:
            assert 0 <= progress.met < progress.required
