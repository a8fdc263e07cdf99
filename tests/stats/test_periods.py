"""Period labels and day bounds in Japan Standard Time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from badge_issuer.stats.periods import (
    label_start,
    local_date,
    period_label,
    period_labels,
    start_of_day,
)
from badge_issuer.stats.query import Period


class TestPeriodLabel:
    @pytest.mark.parametrize(
        ("period", "label"),
        [(Period.MONTH, "2026-04"), (Period.QUARTER, "2026-Q2"), (Period.YEAR, "2026")],
    )
    def test_labels_a_day(self, period: Period, label: str) -> None:
        assert period_label(date(2026, 4, 1), period) == label

    @pytest.mark.parametrize("period", list(Period))
    def test_label_start_inverts_the_label(self, period: Period) -> None:
        for month in range(1, 13):
            day = date(2026, month, 15)
            start = label_start(period_label(day, period), period)
            assert start <= day
            assert period_label(start, period) == period_label(day, period)


class TestPeriodLabels:
    def test_lists_months_across_a_year_end(self) -> None:
        assert period_labels(date(2025, 11, 30), date(2026, 2, 1), Period.MONTH) == (
            "2025-11",
            "2025-12",
            "2026-01",
            "2026-02",
        )

    def test_lists_each_quarter_once(self) -> None:
        assert period_labels(date(2025, 12, 1), date(2026, 7, 1), Period.QUARTER) == (
            "2025-Q4",
            "2026-Q1",
            "2026-Q2",
            "2026-Q3",
        )

    def test_is_empty_when_first_is_after_last(self) -> None:
        assert period_labels(date(2026, 2, 1), date(2026, 1, 1), Period.YEAR) == ()


class TestJapanTime:
    def test_a_day_starts_at_midnight_in_japan(self) -> None:
        assert start_of_day(date(2026, 4, 1)) == datetime(2026, 3, 31, 15, 0, tzinfo=UTC)

    def test_evening_utc_is_the_next_day_in_japan(self) -> None:
        assert local_date(datetime(2026, 3, 31, 15, 0, tzinfo=UTC)) == date(2026, 4, 1)
        assert local_date(datetime(2026, 3, 31, 14, 59, tzinfo=UTC)) == date(2026, 3, 31)
