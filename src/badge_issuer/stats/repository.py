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
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, String, func, literal, or_, select, tuple_, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from badge_issuer.awards.models import Award
from badge_issuer.issuers.models import Issuer
from badge_issuer.stats.query import Dimension, Period
from badge_issuer.stats.sql_dialect import (
    period_bucket,
    prepare_session,
    supports_grouping_sets,
)
from badge_issuer.stats.table import Groups, Tally

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
    # Only these issuers' awards (an admin token bound to issuers); None: every issuer.
    issuer_ids: frozenset[int] | None = None


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


class Counts(NamedTuple):
    """Cells of an answer, and the totals per key and period over its groups (grouped only)."""

    cells: list[Tally]
    totals: list[Tally]


def count_holders(session: Session, spec: HolderQuery) -> list[Tally]:
    """Count distinct learners per key, group and period in which the learning happened."""
    return _per_key(session, spec, _holders_branch(spec, prepare_session(session), totals=False))


def count_first_holdings(session: Session, spec: HolderQuery) -> list[Tally]:
    """Count distinct learners per key, group and the period of their first learning (needs a
    period)."""
    branch = _first_holdings_branch(spec, prepare_session(session), totals=False)
    return _per_key(session, spec, branch)


def holders_with_totals(session: Session, spec: HolderQuery) -> Counts:
    """`count_holders` of `spec`, and of `spec` without its groups (the totals), together.

    On PostgreSQL each key's branch counts both in one pass over its awards (GROUPING SETS),
    instead of a second statement reading every counted award again (bench/stats.py).
    """
    dialect = prepare_session(session)
    if not spec.group_by:
        return Counts(count_holders(session, spec), [])
    if not supports_grouping_sets(dialect):
        return Counts(count_holders(session, spec), count_holders(session, _ungrouped(spec)))
    return _split(_per_key(session, spec, _holders_branch(spec, dialect, totals=True), totals=True))


def first_holdings_with_totals(session: Session, spec: HolderQuery) -> Counts:
    """`count_first_holdings` of `spec` and of `spec` without its groups, together (as
    `holders_with_totals`)."""
    dialect = prepare_session(session)
    if not spec.group_by:
        return Counts(count_first_holdings(session, spec), [])
    if not supports_grouping_sets(dialect):
        return Counts(
            count_first_holdings(session, spec),
            count_first_holdings(session, _ungrouped(spec)),
        )
    branch = _first_holdings_branch(spec, dialect, totals=True)
    return _split(_per_key(session, spec, branch, totals=True))


def _ungrouped(spec: HolderQuery) -> HolderQuery:
    return replace(spec, group_by=())


def _holders_branch(spec: HolderQuery, dialect: str, *, totals: bool) -> Branch:
    groups = [_GROUP_COLUMNS[d] for d in spec.group_by]
    labels, buckets = [], []
    if spec.period is not None:
        bucket = period_bucket(dialect, spec.period, Award.learned_at)
        labels, buckets = [bucket.label], [bucket.group]
    grouping = (
        [func.grouping_sets(tuple_(*groups, *buckets), tuple_(*buckets))]
        if totals
        else [*groups, *buckets]
    )
    marker = [func.grouping(*groups)] if totals else []

    def branch(key: str, achievements: Sequence[str]) -> Select[Any]:
        learners = func.count(Award.learner_id.distinct())
        # Sum over distinct learners: with the count, it names the set for the cell key.
        id_sum = func.sum(Award.learner_id.distinct())
        return (
            select(_key(key), *groups, *labels, learners, id_sum, *marker)
            .where(Award.achievement_id.in_(achievements), *_conditions(spec))
            .group_by(*grouping)
        )

    return branch


def _first_holdings_branch(spec: HolderQuery, dialect: str, *, totals: bool) -> Branch:
    if spec.period is None:
        raise ValueError("first holdings are counted per period")
    period = spec.period

    def branch(key: str, achievements: Sequence[str]) -> Select[Any]:
        columns = [_GROUP_COLUMNS[d] for d in spec.group_by]
        groups = [column.label(f"g{i}") for i, column in enumerate(columns)]
        # With totals, each learner's first learning per group and over all groups at once;
        # `total` tells them apart (group columns are NULL in both "not stated" and totals).
        grouping = (
            [func.grouping_sets(tuple_(*columns, Award.learner_id), tuple_(Award.learner_id))]
            if totals
            else [*columns, Award.learner_id]
        )
        marker = [func.grouping(*columns).label("total")] if totals else []
        firsts = (
            select(
                *groups,
                Award.learner_id.label("learner"),
                func.min(Award.learned_at).label("first_at"),
                *marker,
            )
            .where(Award.achievement_id.in_(achievements), *_conditions(spec))
            .group_by(*grouping)
            .subquery("firsts")
        )
        outer_groups = [firsts.c[f"g{i}"] for i in range(len(groups))]
        outer_marker = [firsts.c.total] if totals else []
        bucket = period_bucket(dialect, period, firsts.c.first_at)
        return select(
            _key(key),
            *outer_groups,
            bucket.label,
            func.count(),
            func.sum(firsts.c.learner),
            *outer_marker,
        ).group_by(*outer_marker, *outer_groups, bucket.group)

    return branch


def _per_key(
    session: Session, spec: HolderQuery, branch: Branch, *, totals: bool = False
) -> list[Tally]:
    """Run the branches of every key, KEYS_PER_STATEMENT per statement; with `totals`, each
    total comes back as a Tally whose groups are TOTAL (see `_split`)."""
    issuer_slugs = _issuer_slugs(session) if Dimension.ISSUER in spec.group_by else {}
    read = _reader(spec, issuer_slugs, totals=totals)
    tallies: list[Tally] = []
    for chunk in _chunks([(k, a) for k, a in spec.keys.items() if a], KEYS_PER_STATEMENT):
        branches = [branch(key, achievements) for key, achievements in chunk]
        statement = branches[0] if len(branches) == 1 else union_all(*branches)
        tallies.extend(read(session.execute(statement).all()))
    return tallies


# Stands for the groups of a total while cells and totals travel in one list.
TOTAL: Groups = ("<total>",)


def _split(tallies: list[Tally]) -> Counts:
    cells = [t for t in tallies if t.groups is not TOTAL]
    totals = [t._replace(groups=()) for t in tallies if t.groups is TOTAL]
    return Counts(cells, totals)


def _reader(
    spec: HolderQuery, issuer_slugs: dict[int, str], *, totals: bool
) -> Callable[[Sequence[Any]], list[Tally]]:
    """Turn result rows (key, groups..., [period], learners, id_sum, [total]) into tallies.

    Answers hold tens of thousands of cells: rows are read in one loop per shape rather than
    through a function per value (bench/stats.py: this was ~10 µs per cell).
    """
    width = len(spec.group_by)
    period_at = 1 + width if spec.period is not None else None
    count_at = 1 + width + (period_at is not None)
    issuer_at = [1 + i for i, d in enumerate(spec.group_by) if d is Dimension.ISSUER]

    def read(rows: Sequence[Any]) -> list[Tally]:
        result: list[Tally] = []
        append = result.append
        for row in rows:
            learners = row[count_at]
            # An ungrouped branch answers 0 for a key nobody holds: absent cells hold no learner.
            if not learners:
                continue
            if totals and row[count_at + 2]:
                groups: Groups = TOTAL
            elif issuer_at:
                values = list(row[1 : 1 + width])
                for at in issuer_at:
                    value = values[at - 1]
                    values[at - 1] = (
                        None if value is None else issuer_slugs.get(int(value), str(value))
                    )
                groups = tuple(values)
            else:
                groups = tuple(row[1 : 1 + width])
            period = None if period_at is None else row[period_at]
            append(Tally(row[0], groups, period, learners, int(row[count_at + 1] or 0)))
        return result

    return read


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
    if spec.issuer_ids is not None:
        conditions.append(Award.issuer_id.in_(sorted(spec.issuer_ids)))
    return conditions


def _issuer_slugs(session: Session) -> dict[int, str]:
    return {row.id: row.slug for row in session.execute(select(Issuer.id, Issuer.slug))}
