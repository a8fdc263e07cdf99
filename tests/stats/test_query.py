"""Checking a statistics request before any SQL runs."""

from __future__ import annotations

from datetime import date

import pytest

from badge_issuer.stats.errors import StatsQueryInvalid
from badge_issuer.stats.query import Dimension, Period, Subject, build_query


class TestBuildQuery:
    def test_accepts_a_full_query(self) -> None:
        query = build_query(
            subject=Subject.SKILLS,
            group_by=[Dimension.REGION, Dimension.ISSUER],
            period=Period.QUARTER,
            cumulative=True,
            date_from=date(2026, 1, 1),
            date_to=date(2026, 12, 31),
        )
        assert query.group_by == (Dimension.REGION, Dimension.ISSUER)

    def test_refuses_a_dimension_named_twice(self) -> None:
        with pytest.raises(StatsQueryInvalid) as raised:
            build_query(subject=Subject.SKILLS, group_by=[Dimension.REGION, Dimension.REGION])
        assert raised.value.extensions["errors"][0]["pointer"] == "/query/group_by"

    def test_refuses_from_after_to(self) -> None:
        with pytest.raises(StatsQueryInvalid, match="from"):
            build_query(
                subject=Subject.SKILLS, date_from=date(2026, 2, 1), date_to=date(2026, 1, 1)
            )

    def test_refuses_days_outside_the_supported_range(self) -> None:
        with pytest.raises(StatsQueryInvalid) as raised:
            build_query(subject=Subject.SKILLS, date_from=date(1, 1, 1), date_to=date(9999, 12, 31))
        pointers = [e["pointer"] for e in raised.value.extensions["errors"]]
        assert pointers == ["/query/from", "/query/to"]
