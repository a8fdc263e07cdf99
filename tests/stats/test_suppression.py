"""Small-cell and complementary suppression: no suppressed cell can be recovered by subtraction."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from badge_issuer.stats.suppression import publish
from badge_issuer.stats.table import Tally

K = 5


def _cells(*counts: int, key: str = "a", period: str | None = None) -> list[Tally]:
    return [Tally(key, (f"g{i}",), period, n) for i, n in enumerate(counts)]


def _total(cells: Sequence[Tally], key: str = "a", period: str | None = None) -> Tally:
    return Tally(key, (), period, sum(c.learners for c in cells))


def recoverable(total: int | None, shown: list[int | None], lower_bound: int = 1) -> set[int]:
    """Indexes of suppressed cells an attacker can pin to one value from this total.

    Brute force over every assignment of the suppressed cells (each at least `lower_bound`, as
    listed cells hold at least one learner) that adds up with the shown cells to the total.
    """
    hidden = [i for i, n in enumerate(shown) if n is None]
    if total is None or not hidden:
        return set()
    remainder = total - sum(n for n in shown if n is not None)
    options: dict[int, set[int]] = {i: set() for i in hidden}
    for values in product(range(lower_bound, remainder + 1), repeat=len(hidden)):
        if sum(values) == remainder:
            for i, value in zip(hidden, values, strict=True):
                options[i].add(value)
    return {i for i, values in options.items() if len(values) == 1}


class TestPrimarySuppression:
    def test_suppresses_cells_under_the_threshold(self) -> None:
        cells = [Tally("a", (), None, n) for n in (4, 5, 0)]
        hidden, hidden_totals = publish(cells, [], min_cell=K)
        assert hidden == {0, 2}
        assert hidden_totals == frozenset()

    def test_rejects_a_threshold_under_one(self) -> None:
        with pytest.raises(ValueError, match="min_cell"):
            publish([], [], min_cell=0)


class TestComplementarySuppression:
    def test_a_lone_suppressed_cell_gets_the_smallest_other_cell_as_complement(self) -> None:
        cells = _cells(20, 3, 9, 12)
        hidden, hidden_totals = publish(cells, [_total(cells)], min_cell=K)
        assert hidden == {1, 2}
        assert hidden_totals == frozenset()

    def test_two_small_cells_protect_each_other(self) -> None:
        cells = _cells(20, 3, 2, 12)
        hidden, _ = publish(cells, [_total(cells)], min_cell=K)
        assert hidden == {1, 2}

    def test_suppressed_cells_of_one_learner_each_get_a_complement(self) -> None:
        # 1 + 1: the remainder 2 over two cells that hold at least one each reveals both.
        cells = _cells(20, 1, 1, 12)
        hidden, _ = publish(cells, [_total(cells)], min_cell=K)
        assert hidden == {1, 2, 3}

    def test_the_total_is_suppressed_when_no_cell_can_complement(self) -> None:
        cells = _cells(1, 1, 1, 1, 1, 1)
        hidden, hidden_totals = publish(cells, [_total(cells)], min_cell=K)
        assert hidden == set(range(6))
        assert hidden_totals == {0}

    def test_a_small_total_is_suppressed_with_all_its_cells(self) -> None:
        cells = _cells(3, 1)
        hidden, hidden_totals = publish(cells, [_total(cells)], min_cell=K)
        assert hidden == {0, 1}
        assert hidden_totals == {0}

    def test_totals_of_other_keys_and_periods_are_independent(self) -> None:
        first = _cells(20, 3, 9, key="a", period="2026-01")
        second = _cells(20, 30, 9, key="a", period="2026-02")
        cells = first + second
        totals = [_total(first, "a", "2026-01"), _total(second, "a", "2026-02")]
        hidden, _ = publish(cells, totals, min_cell=K)
        assert hidden == {1, 2}

    def test_the_attacker_recovers_nothing_in_the_examples(self) -> None:
        for counts in [(20, 3, 9, 12), (20, 1, 1, 12), (7, 1, 6), (5, 5, 4), (100, 2, 50, 50)]:
            cells = _cells(*counts)
            total = _total(cells)
            hidden, hidden_totals = publish(cells, [total], min_cell=K)
            shown = [None if i in hidden else c.learners for i, c in enumerate(cells)]
            published_total = None if hidden_totals else total.learners
            assert recoverable(published_total, shown) == set(), counts


@given(st.lists(st.integers(min_value=1, max_value=14), min_size=1, max_size=6))
def test_no_suppressed_cell_is_recoverable_from_its_total(counts: list[int]) -> None:
    cells = _cells(*counts)
    total = _total(cells)
    hidden, hidden_totals = publish(cells, [total], min_cell=K)
    shown = [None if i in hidden else c.learners for i, c in enumerate(cells)]
    assert all(n is None or n >= K for n in shown)
    published_total = None if hidden_totals else total.learners
    assert recoverable(published_total, shown) == set()
