"""Aggregate queries: achievement ids by loose index scan, per-key branches in statements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import false, func, select
from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award
from badge_issuer.stats import repository
from badge_issuer.stats.query import Dimension, Period
from tests.stats.conftest import NOW
from tests.stats.factories import AwardFactory

ISSUED = datetime(2026, 5, 1, tzinfo=UTC)


def _spec(keys: dict[str, list[str]], **changes: object) -> repository.HolderQuery:
    fields: dict[str, object] = {
        "keys": keys,
        "group_by": (Dimension.REGION,),
        "period": Period.MONTH,
        "learned_from": None,
        "learned_before": None,
        "as_of": NOW,
        **changes,
    }
    return repository.HolderQuery(**fields)  # type: ignore[arg-type]


class TestAchievementIds:
    def test_lists_each_achievement_a_learner_holds_unrevoked_once(
        self, session: Session, factory: AwardFactory
    ) -> None:
        for achievement in ("b-badge", "a-badge", "b-badge", "c-badge"):
            factory.award(factory.learner(), achievement, issued_at=ISSUED)
        factory.award(factory.learner(), "revoked-only", issued_at=ISSUED, revoked_at=NOW)
        factory.award(None, "nobody", issued_at=ISSUED)
        assert repository.achievement_ids(session) == ["a-badge", "b-badge", "c-badge"]

    def test_is_empty_without_awards(self, session: Session) -> None:
        assert repository.achievement_ids(session) == []


class TestBranches:
    def test_several_statements_give_the_same_counts_as_one(
        self, session: Session, factory: AwardFactory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        keys = {f"badge-{n}": [f"badge-{n}"] for n in range(5)}
        for n in range(5):
            for region in ("01-kitami", "02-sapporo")[: 1 + n % 2]:
                learner = factory.learner(region=region)
                factory.award(learner, f"badge-{n}", issued_at=ISSUED + timedelta(days=40 * n))
        together = repository.count_holders(session, _spec(keys))
        firsts_together = repository.count_first_holdings(session, _spec(keys))
        monkeypatch.setattr(repository, "KEYS_PER_STATEMENT", 2)
        assert repository.count_holders(session, _spec(keys)) == together
        assert repository.count_first_holdings(session, _spec(keys)) == firsts_together
        assert len(together) == 7

    def test_keys_without_achievements_are_skipped(
        self, session: Session, factory: AwardFactory
    ) -> None:
        factory.award(factory.learner(), "badge-1", issued_at=ISSUED)
        tallies = repository.count_holders(
            session, _spec({"lonely-skill": [], "s1": ["badge-1"]}, group_by=(), period=None)
        )
        assert [(t.key, t.learners) for t in tallies] == [("s1", 1)]


class TestAllRows:
    """Result rows are read as the driver's tuples only where nothing needs converting."""

    def test_gives_what_sqlalchemy_reads(self, session: Session, factory: AwardFactory) -> None:
        for region in ("01-kitami", "02-sapporo", "02-sapporo"):
            factory.award(factory.learner(region=region), "badge-1", issued_at=ISSUED)
        statement = (
            select(Award.achievement_id, Award.learner_region, func.count(), false())
            .group_by(Award.achievement_id, Award.learner_region)
            .order_by(Award.learner_region)
        )
        rows = repository._all_rows(session, statement)
        assert [tuple(row) for row in rows] == [
            ("badge-1", "01-kitami", 1, False),
            ("badge-1", "02-sapporo", 2, False),
        ]
        # SQLite's driver answers 0 for false: that column is converted (read as Rows).
        assert all(row[3] is False for row in rows)

    def test_postgresql_rows_are_the_drivers_tuples(
        self, session: Session, factory: AwardFactory
    ) -> None:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("only PostgreSQL's driver answers without conversion here")
        factory.award(factory.learner(region="01-kitami"), "badge-1", issued_at=ISSUED)
        statement = select(Award.achievement_id, func.count()).group_by(Award.achievement_id)
        rows = repository._all_rows(session, statement)
        assert rows == [("badge-1", 1)]
        assert type(rows[0]) is tuple

    def test_columns_with_a_result_type_are_converted(
        self, session: Session, factory: AwardFactory
    ) -> None:
        factory.award(factory.learner(), "badge-1", issued_at=ISSUED)
        # UTCDateTime: aware UTC on every backend (SQLite's driver answers text).
        (issued,) = repository._all_rows(session, select(Award.issued_at))[0]
        assert issued == ISSUED
        assert issued.utcoffset() == timedelta(0)
