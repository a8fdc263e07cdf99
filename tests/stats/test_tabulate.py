"""Running sums for cumulative series, ordering and labels of the finished table."""

from __future__ import annotations

from badge_issuer.stats.query import Dimension
from badge_issuer.stats.table import Tally
from badge_issuer.stats.tabulate import cumulate
from tests.stats.factories import make_table


class TestCumulate:
    def test_sums_first_holdings_into_holders_at_each_period_end(self) -> None:
        firsts = [Tally("a", (), "2026-01", 2), Tally("a", (), "2026-03", 3)]
        assert cumulate(firsts, ("2026-01", "2026-02", "2026-03")) == [
            Tally("a", (), "2026-01", 2),
            Tally("a", (), "2026-02", 2),
            Tally("a", (), "2026-03", 5),
        ]

    def test_carries_earlier_holdings_into_the_first_period(self) -> None:
        firsts = [Tally("a", ("x",), "2025-12", 4), Tally("a", ("x",), "2026-02", 1)]
        assert cumulate(firsts, ("2026-01", "2026-02")) == [
            Tally("a", ("x",), "2026-01", 4),
            Tally("a", ("x",), "2026-02", 5),
        ]

    def test_leaves_out_periods_before_anyone_held_it(self) -> None:
        firsts = [Tally("a", (), "2026-02", 1)]
        assert cumulate(firsts, ("2026-01", "2026-02")) == [Tally("a", (), "2026-02", 1)]


class TestAssemble:
    def test_orders_keys_as_the_skill_map_and_unstated_groups_last(self) -> None:
        cells = [
            Tally("zeta", (None,), None, 9),
            Tally("zeta", ("01-kitami",), None, 9),
            Tally("unknown", ("01-kitami",), None, 9),
            Tally("alpha", ("02-sapporo",), None, 9),
        ]
        table = make_table(
            cells, group_by=(Dimension.REGION,), names={"zeta": "ゼータ", "alpha": "アルファ"}
        )
        assert [(c.key, c.label, c.groups) for c in table.cells] == [
            ("zeta", "ゼータ", ("01-kitami",)),
            ("zeta", "ゼータ", (None,)),
            ("alpha", "アルファ", ("02-sapporo",)),
            ("unknown", "unknown", ("01-kitami",)),
        ]

    def test_publishes_counts_at_or_over_the_threshold_only(self) -> None:
        table = make_table([Tally("a", (), None, 4), Tally("b", (), None, 5)])
        assert [(c.learners, c.suppressed) for c in table.cells] == [(None, True), (5, False)]
