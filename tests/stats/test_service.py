"""Counting in SQL on both backends: grouping, periods, cumulative counts, what never counts."""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from badge_issuer.stats import service
from badge_issuer.stats.errors import StatsTooLarge
from badge_issuer.stats.query import Dimension, Period, StatsQuery, Subject
from badge_issuer.stats.table import StatsTable
from tests.stats.conftest import NOW
from tests.stats.factories import AwardFactory, load_example_skill_map

BRONZE = "dx-literacy-bronze"
SILVER = "dx-case-silver"
EARLIER = datetime(2026, 6, 10, 3, 0, tzinfo=UTC)


def _count(session: Session, query: StatsQuery, *, min_cell: int = 1) -> StatsTable:
    return service.holder_statistics(session, query=query, as_of=NOW, min_cell=min_cell)


def _cells(table: StatsTable) -> dict[tuple[object, ...], int | None]:
    return {(c.key, *c.groups, c.period): c.learners for c in table.cells}


def _totals(table: StatsTable) -> dict[tuple[object, ...], int | None]:
    return {(t.key, t.period): t.learners for t in table.totals}


def _holders(factory: AwardFactory, count: int, achievement: str, **award: object) -> None:
    region = award.pop("region", None)
    category = award.pop("category", None)
    for _ in range(count):
        learner = factory.learner(region=region, category=category)  # type: ignore[arg-type]
        factory.award(learner, achievement, **{"issued_at": EARLIER, **award})  # type: ignore[arg-type]


class TestGrouping:
    def test_counts_distinct_learners_per_achievement(
        self, session: Session, factory: AwardFactory
    ) -> None:
        _holders(factory, 3, BRONZE)
        twice = factory.learner()
        factory.award(twice, BRONZE, issued_at=EARLIER)
        factory.award(twice, BRONZE, issued_at=EARLIER + timedelta(days=1))
        table = _count(session, StatsQuery(Subject.ACHIEVEMENTS))
        assert _cells(table) == {(BRONZE, None): 4}
        assert table.totals == ()

    def test_groups_by_region_and_category_with_totals(
        self, session: Session, factory: AwardFactory
    ) -> None:
        _holders(factory, 2, BRONZE, region="01-kitami", category="student")
        _holders(factory, 3, BRONZE, region="01-kitami", category="worker-non-it")
        _holders(factory, 1, BRONZE, region=None, category="student")
        query = StatsQuery(Subject.ACHIEVEMENTS, group_by=(Dimension.REGION, Dimension.CATEGORY))
        table = _count(session, query)
        assert _cells(table) == {
            (BRONZE, "01-kitami", "student", None): 2,
            (BRONZE, "01-kitami", "worker-non-it", None): 3,
            (BRONZE, None, "student", None): 1,
        }
        assert _totals(table) == {(BRONZE, None): 6}

    def test_groups_use_the_snapshot_taken_at_award_time(
        self, session: Session, factory: AwardFactory
    ) -> None:
        moved = factory.learner(region="02-sapporo")
        factory.award(moved, BRONZE, issued_at=EARLIER, region="01-kitami")
        table = _count(session, StatsQuery(Subject.ACHIEVEMENTS, group_by=(Dimension.REGION,)))
        assert _cells(table) == {(BRONZE, "01-kitami", None): 1}

    def test_groups_by_issuer_slug(self, session: Session, factory: AwardFactory) -> None:
        _holders(factory, 2, BRONZE, issuer="hokkaido")
        _holders(factory, 1, BRONZE, issuer="kitami-city")
        table = _count(session, StatsQuery(Subject.ACHIEVEMENTS, group_by=(Dimension.ISSUER,)))
        assert _cells(table) == {(BRONZE, "hokkaido", None): 2, (BRONZE, "kitami-city", None): 1}

    def test_a_learner_in_two_groups_counts_once_in_the_total(
        self, session: Session, factory: AwardFactory
    ) -> None:
        learner = factory.learner()
        factory.award(learner, BRONZE, issued_at=EARLIER, region="01-kitami")
        factory.award(learner, BRONZE, issued_at=EARLIER, region="02-sapporo")
        table = _count(session, StatsQuery(Subject.ACHIEVEMENTS, group_by=(Dimension.REGION,)))
        assert _cells(table) == {(BRONZE, "01-kitami", None): 1, (BRONZE, "02-sapporo", None): 1}
        assert _totals(table) == {(BRONZE, None): 1}


class TestWhatCounts:
    def test_revoked_expired_and_learnerless_credentials_do_not_count(
        self, session: Session, factory: AwardFactory
    ) -> None:
        _holders(factory, 1, BRONZE)
        _holders(factory, 1, BRONZE, revoked_at=NOW - timedelta(days=1))
        _holders(factory, 1, BRONZE, valid_until=NOW - timedelta(seconds=1))
        _holders(factory, 1, BRONZE, valid_until=NOW)
        _holders(factory, 1, BRONZE, valid_until=NOW + timedelta(days=1))
        factory.award(None, BRONZE, issued_at=EARLIER)
        table = _count(session, StatsQuery(Subject.ACHIEVEMENTS))
        assert _cells(table) == {(BRONZE, None): 2}

    def test_a_renewed_credential_counts_its_holder_once(
        self, session: Session, factory: AwardFactory
    ) -> None:
        learner = factory.learner()
        factory.award(learner, BRONZE, issued_at=EARLIER, valid_until=EARLIER + timedelta(days=1))
        factory.award(learner, BRONZE, issued_at=EARLIER + timedelta(days=2))
        table = _count(session, StatsQuery(Subject.ACHIEVEMENTS))
        assert _cells(table) == {(BRONZE, None): 1}

    def test_from_and_to_are_inclusive_days_in_japan_time(
        self, session: Session, factory: AwardFactory
    ) -> None:
        # 2026-03-31T15:00Z is 2026-04-01 00:00 in Japan; one second earlier is still March.
        _holders(factory, 1, BRONZE, issued_at=datetime(2026, 3, 31, 14, 59, 59, tzinfo=UTC))
        _holders(factory, 2, BRONZE, issued_at=datetime(2026, 3, 31, 15, 0, tzinfo=UTC))
        _holders(factory, 4, BRONZE, issued_at=datetime(2026, 4, 30, 14, 59, 59, tzinfo=UTC))
        _holders(factory, 8, BRONZE, issued_at=datetime(2026, 4, 30, 15, 0, tzinfo=UTC))
        query = StatsQuery(
            Subject.ACHIEVEMENTS, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30)
        )
        assert _cells(_count(session, query)) == {(BRONZE, None): 6}


class TestPeriods:
    def test_counts_awards_per_month_in_japan_time(
        self, session: Session, factory: AwardFactory
    ) -> None:
        _holders(factory, 1, BRONZE, issued_at=datetime(2026, 3, 31, 14, 59, tzinfo=UTC))
        _holders(factory, 2, BRONZE, issued_at=datetime(2026, 3, 31, 15, 0, tzinfo=UTC))
        _holders(factory, 3, BRONZE, issued_at=datetime(2026, 6, 1, 0, 0, tzinfo=UTC))
        query = StatsQuery(Subject.ACHIEVEMENTS, period=Period.MONTH, date_to=date(2026, 6, 30))
        table = _count(session, query)
        assert _cells(table) == {
            (BRONZE, "2026-03"): 1,
            (BRONZE, "2026-04"): 2,
            (BRONZE, "2026-06"): 3,
        }
        assert table.periods == ("2026-03", "2026-04", "2026-05", "2026-06")

    @pytest.mark.parametrize(
        ("period", "labels"),
        [
            (Period.QUARTER, {"2025-Q4": 1, "2026-Q1": 2, "2026-Q2": 3}),
            (Period.YEAR, {"2025": 1, "2026": 5}),
        ],
    )
    def test_counts_awards_per_quarter_and_year(
        self, session: Session, factory: AwardFactory, period: Period, labels: dict[str, int]
    ) -> None:
        _holders(factory, 1, BRONZE, issued_at=datetime(2025, 12, 31, 14, 0, tzinfo=UTC))
        _holders(factory, 2, BRONZE, issued_at=datetime(2025, 12, 31, 15, 0, tzinfo=UTC))
        _holders(factory, 3, BRONZE, issued_at=datetime(2026, 6, 30, 14, 0, tzinfo=UTC))
        table = _count(session, StatsQuery(Subject.ACHIEVEMENTS, period=period))
        assert {c.period: c.learners for c in table.cells} == labels

    def test_cumulative_counts_holders_at_each_period_end(
        self, session: Session, factory: AwardFactory
    ) -> None:
        _holders(factory, 2, BRONZE, issued_at=datetime(2026, 1, 10, tzinfo=UTC))
        _holders(factory, 3, BRONZE, issued_at=datetime(2026, 3, 10, tzinfo=UTC))
        _holders(factory, 1, BRONZE, issued_at=datetime(2026, 3, 11, tzinfo=UTC), revoked_at=NOW)
        query = StatsQuery(
            Subject.ACHIEVEMENTS,
            period=Period.MONTH,
            cumulative=True,
            date_from=date(2026, 2, 1),
            date_to=date(2026, 4, 30),
        )
        table = _count(session, query)
        # January's holders are carried into February, the first period shown.
        assert _cells(table) == {
            (BRONZE, "2026-02"): 2,
            (BRONZE, "2026-03"): 5,
            (BRONZE, "2026-04"): 5,
        }

    def test_cumulative_counts_a_learner_from_their_first_award(
        self, session: Session, factory: AwardFactory
    ) -> None:
        learner = factory.learner(region="01-kitami")
        factory.award(learner, BRONZE, issued_at=datetime(2026, 1, 10, tzinfo=UTC))
        factory.award(learner, BRONZE, issued_at=datetime(2026, 2, 10, tzinfo=UTC))
        query = StatsQuery(
            Subject.ACHIEVEMENTS,
            group_by=(Dimension.REGION,),
            period=Period.MONTH,
            cumulative=True,
            date_to=date(2026, 2, 28),
        )
        table = _count(session, query)
        assert _cells(table) == {
            (BRONZE, "01-kitami", "2026-01"): 1,
            (BRONZE, "01-kitami", "2026-02"): 1,
        }
        assert _totals(table) == {(BRONZE, "2026-01"): 1, (BRONZE, "2026-02"): 1}

    def test_cumulative_without_period_counts_holders_up_to_to(
        self, session: Session, factory: AwardFactory
    ) -> None:
        _holders(factory, 2, BRONZE, issued_at=datetime(2025, 5, 1, tzinfo=UTC))
        _holders(factory, 3, BRONZE, issued_at=datetime(2026, 5, 1, tzinfo=UTC))
        query = StatsQuery(
            Subject.ACHIEVEMENTS,
            cumulative=True,
            date_from=date(2026, 1, 1),
            date_to=date(2026, 4, 1),
        )
        assert _cells(_count(session, query)) == {(BRONZE, None): 2}

    def test_refuses_answers_over_the_cell_limit(
        self, session: Session, factory: AwardFactory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _holders(factory, 1, BRONZE, issued_at=datetime(2026, 1, 10, tzinfo=UTC))
        monkeypatch.setattr(service, "MAX_CELLS", 5)
        query = StatsQuery(Subject.ACHIEVEMENTS, period=Period.MONTH, cumulative=True)
        with pytest.raises(StatsTooLarge):
            _count(session, query)


class TestSkills:
    def test_counts_a_learner_once_per_skill_across_achievements(
        self, session: Session, factory: AwardFactory
    ) -> None:
        factory.issuer("default")
        load_example_skill_map(session, NOW)
        both = factory.learner()
        factory.award(both, BRONZE, issued_at=EARLIER)
        factory.award(both, SILVER, issued_at=EARLIER)
        _holders(factory, 1, SILVER)
        table = _count(session, StatsQuery(Subject.SKILLS))
        assert _cells(table) == {
            ("dx-literacy", None): 1,
            ("data-utilisation", None): 2,
            ("security-basics", None): 1,
            ("python-programming", None): 2,
        }
        assert table.skill_map_version == "2026.1"
        assert {c.key: c.label for c in table.cells}["data-utilisation"] == "データ活用"

    def test_skills_of_revoked_achievements_do_not_count(
        self, session: Session, factory: AwardFactory
    ) -> None:
        factory.issuer("default")
        load_example_skill_map(session, NOW)
        _holders(factory, 1, SILVER, revoked_at=NOW - timedelta(days=1))
        _holders(factory, 1, "nocode-practitioner")
        table = _count(session, StatsQuery(Subject.SKILLS, period=Period.MONTH))
        assert _cells(table) == {("nocode-automation", "2026-06"): 1}

    def test_skills_without_a_skill_map_are_an_empty_table(
        self, session: Session, factory: AwardFactory
    ) -> None:
        _holders(factory, 1, BRONZE)
        table = _count(session, StatsQuery(Subject.SKILLS))
        assert table.cells == ()
        assert table.skill_map_version is None

    def test_achievement_labels_come_from_the_skill_map(
        self, session: Session, factory: AwardFactory
    ) -> None:
        factory.issuer("default")
        load_example_skill_map(session, NOW)
        _holders(factory, 1, BRONZE)
        _holders(factory, 1, "retired-badge")
        table = _count(session, StatsQuery(Subject.ACHIEVEMENTS))
        assert [(c.key, c.label) for c in table.cells] == [
            (BRONZE, "北海道DXリテラシー（ブロンズ）"),
            ("retired-badge", "retired-badge"),
        ]


class TestIssuerFilter:
    """A token bound to issuers counts only those issuers' credentials."""

    def test_counts_only_the_given_issuers_awards(
        self, session: Session, factory: AwardFactory
    ) -> None:
        _holders(factory, 2, BRONZE, issuer="default")
        _holders(factory, 3, BRONZE, issuer="kitami-city")
        kitami = factory.issuer("kitami-city").id
        query = StatsQuery(Subject.ACHIEVEMENTS)
        everyone = service.holder_statistics(session, query=query, as_of=NOW, min_cell=1)
        bound = service.holder_statistics(
            session, query=query, as_of=NOW, min_cell=1, issuer_ids={kitami}
        )
        assert _cells(everyone) == {(BRONZE, None): 5}
        assert _cells(bound) == {(BRONZE, None): 3}
        nobody = service.holder_statistics(
            session, query=query, as_of=NOW, min_cell=1, issuer_ids=set()
        )
        assert _cells(nobody) == {}


class TestCollectorPause:
    def test_answers_with_the_collector_paused_and_resume_it(
        self, session: Session, factory: AwardFactory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _holders(factory, 2, BRONZE, region="01-kitami")
        seen: list[bool] = []
        counted = service.repository.holders_with_totals

        def spy(*args: Any, **kwargs: Any) -> Any:
            seen.append(gc.isenabled())
            return counted(*args, **kwargs)

        monkeypatch.setattr(service.repository, "holders_with_totals", spy)
        assert gc.isenabled()
        table = _count(session, StatsQuery(Subject.ACHIEVEMENTS, group_by=(Dimension.REGION,)))
        assert seen == [False]
        assert gc.isenabled()
        assert _cells(table) == {(BRONZE, "01-kitami", None): 2}
