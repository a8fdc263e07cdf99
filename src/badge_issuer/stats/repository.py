"""Aggregate queries over awards: distinct learners per key, group and period, done in SQL.

A credential counts when it is valid at `as_of` (not revoked, not expired) and belongs to a
learner record. Each key (an achievement, or a skill with the achievements that carry it in
the current skill map) is counted in its own UNION ALL branch restricted to its achievements:
sorting a few thousand rows per key is much faster than one sort of every award (measured in
bench/stats.py), and a learner holding two achievements that carry the same skill is still
counted once. The partial covering index ix_award_stats_holding serves every branch from the
index alone on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, func, literal, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from badge_issuer.awards.models import Award
from badge_issuer.issuers.models import Issuer
from badge_issuer.stats.query import Dimension, Period
from badge_issuer.stats.sql_dialect import period_bucket, prepare_session
from badge_issuer.stats.table import Tally

# SQLite refuses compound SELECTs of more than 500 members; smaller statements also plan faster.
KEYS_PER_STATEMENT = 100

_GROUP_COLUMNS: dict[Dimension, Any] = {
    Dimension.REGION: Award.learner_region,
    Dimension.CATEGORY: Award.learner_category,
    Dimension.ISSUER: Award.issuer_id,
}

Branch = Callable[[str, Sequence[str]], Select[Any]]


@dataclass(frozen=True, slots=True)
class HolderQuery:
    """One aggregate: `keys` maps each counted key to the achievement ids that give it."""

    keys: Mapping[str, Sequence[str]]
    group_by: tuple[Dimension, ...]
    period: Period | None
    learned_from: datetime | None  # when the learning happened (award.learned_at)
    learned_before: datetime | None
    as_of: datetime


def achievement_ids(session: Session) -> list[str]:
    """Every achievement id with a learner's unrevoked award, one index probe per id."""
    first = select(func.min(Award.achievement_id).label("id")).where(*_held())
    present = first.cte("present", recursive=True)
    following = (
        select(func.min(Award.achievement_id))
        .where(*_held(), Award.achievement_id > present.c.id)
        .scalar_subquery()
    )
    present = present.union_all(select(following).where(present.c.id.is_not(None)))
    return [value for value in session.scalars(select(present.c.id)) if value is not None]


def count_holders(session: Session, spec: HolderQuery) -> list[Tally]:
    """Count distinct learners per key, group and period in which the learning happened."""
    dialect = prepare_session(session)

    def branch(key: str, achievements: Sequence[str]) -> Select[Any]:
        groups = [_GROUP_COLUMNS[d] for d in spec.group_by]
        labels, buckets = [], []
        if spec.period is not None:
            bucket = period_bucket(dialect, spec.period, Award.learned_at)
            labels, buckets = [bucket.label], [bucket.group]
        learners = func.count(Award.learner_id.distinct())
        # Sum over distinct learners: with the count, it names the set for the cell key.
        id_sum = func.sum(Award.learner_id.distinct())
        return (
            select(_key(key), *groups, *labels, learners, id_sum)
            .where(Award.achievement_id.in_(achievements), *_conditions(spec))
            .group_by(*groups, *buckets)
        )

    return _per_key(session, spec, branch)


def count_first_holdings(session: Session, spec: HolderQuery) -> list[Tally]:
    """Count distinct learners per key, group and the period of their first learning (needs a
    period)."""
    if spec.period is None:
        raise ValueError("first holdings are counted per period")
    dialect, period = prepare_session(session), spec.period

    def branch(key: str, achievements: Sequence[str]) -> Select[Any]:
        groups = [_GROUP_COLUMNS[d].label(f"g{i}") for i, d in enumerate(spec.group_by)]
        firsts = (
            select(
                *groups,
                Award.learner_id.label("learner"),
                func.min(Award.learned_at).label("first_at"),
            )
            .where(Award.achievement_id.in_(achievements), *_conditions(spec))
            .group_by(*[_GROUP_COLUMNS[d] for d in spec.group_by], Award.learner_id)
            .subquery("firsts")
        )
        outer_groups = [firsts.c[f"g{i}"] for i in range(len(groups))]
        bucket = period_bucket(dialect, period, firsts.c.first_at)
        return select(
            _key(key), *outer_groups, bucket.label, func.count(), func.sum(firsts.c.learner)
        ).group_by(*outer_groups, bucket.group)

    return _per_key(session, spec, branch)


def _per_key(session: Session, spec: HolderQuery, branch: Branch) -> list[Tally]:
    issuer_slugs = _issuer_slugs(session) if Dimension.ISSUER in spec.group_by else {}
    tallies: list[Tally] = []
    for chunk in _chunks([(k, a) for k, a in spec.keys.items() if a], KEYS_PER_STATEMENT):
        branches = [branch(key, achievements) for key, achievements in chunk]
        statement = branches[0] if len(branches) == 1 else union_all(*branches)
        # An ungrouped branch answers 0 for a key nobody holds: absent cells hold no learner.
        tallies.extend(
            _tally(row, spec, issuer_slugs) for row in session.execute(statement) if _counted(row)
        )
    return tallies


def _counted(row: Any) -> bool:
    return bool(row[-2])  # rows end with (learners, sum of their ids)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _key(key: str) -> ColumnElement[str]:
    return literal(key, String).label("key")


def _held() -> list[ColumnElement[bool]]:
    # The predicate of the partial index: queries must repeat it for the index to apply.
    return [Award.learner_id.is_not(None), Award.revoked_at.is_(None)]


def _conditions(spec: HolderQuery) -> list[ColumnElement[bool]]:
    conditions = [
        *_held(),
        or_(Award.valid_until.is_(None), Award.valid_until > spec.as_of),
    ]
    if spec.learned_from is not None:
        conditions.append(Award.learned_at >= spec.learned_from)
    if spec.learned_before is not None:
        conditions.append(Award.learned_at < spec.learned_before)
    return conditions


def _tally(row: Any, spec: HolderQuery, issuer_slugs: dict[int, str]) -> Tally:
    width = len(spec.group_by)
    groups = tuple(
        _group_value(dimension, row[1 + i], issuer_slugs)
        for i, dimension in enumerate(spec.group_by)
    )
    period = row[1 + width] if spec.period is not None else None
    return Tally(str(row[0]), groups, period, int(row[-2]), int(row[-1] or 0))


def _group_value(dimension: Dimension, value: Any, issuer_slugs: dict[int, str]) -> str | None:
    if value is None:
        return None
    if dimension is Dimension.ISSUER:
        return issuer_slugs.get(int(value), str(value))
    return str(value)


def _issuer_slugs(session: Session) -> dict[int, str]:
    return {row.id: row.slug for row in session.execute(select(Issuer.id, Issuer.slug))}
