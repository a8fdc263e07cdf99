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
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    Select,
    String,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import ColumnElement

from badge_issuer.awards.models import Award
from badge_issuer.issuers.models import Issuer
from badge_issuer.stats.collection import paused_collection
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
    return _per_key(session, spec, _holders(spec, prepare_session(session), totals=False))


def count_first_holdings(session: Session, spec: HolderQuery) -> list[Tally]:
    """Count distinct learners per key, group and the period of their first learning (needs a
    period)."""
    branch = _first_holdings(spec, prepare_session(session), totals=False)
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
    return _split(_per_key(session, spec, _holders(spec, dialect, totals=True), totals=True))


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
    branch = _first_holdings(spec, dialect, totals=True)
    return _split(_per_key(session, spec, branch, totals=True))


def _ungrouped(spec: HolderQuery) -> HolderQuery:
    return replace(spec, group_by=())


class Counting(NamedTuple):
    """How one kind of answer is counted: `branch` counts one key's awards; `corrections`
    counts, per achievement, what the repeaters of the plain-counted achievements change."""

    branch: Callable[[str, Sequence[str]], list[Select[Any]]]
    corrections: Callable[[Sequence[str]], list[Select[Any]]]


def _holders(spec: HolderQuery, dialect: str, *, totals: bool) -> Counting:
    counted = _cell_counts(spec, dialect, totals=totals)
    # Sum over distinct learners: with the count, it names the set for the cell key.
    learners, id_sum = (
        func.count(Award.learner_id.distinct()),
        func.sum(Award.learner_id.distinct()),
    )
    rows, row_ids = func.count(), func.sum(Award.learner_id)
    where = _conditions(spec)  # built once for every branch (bench/stats.py)

    def branch(key: str, achievements: Sequence[str]) -> list[Select[Any]]:
        if len(achievements) > 1:
            held = [Award.achievement_id.in_(achievements), *where]
            # By period, cells and totals as two branches rather than grouping sets: PostgreSQL
            # then runs them in parallel (bench/stats.py: skills by category and quarter 0.7x;
            # without a period the sets share one sort and two branches were slower).
            split = spec.period is not None
            return counted(key, [learners, id_sum, false()], held, split=split)
        plain = [Award.achievement_id == achievements[0], *where]
        return counted(key, [rows, row_ids, false()], plain, plain=True)

    def corrections(achievements: Sequence[str]) -> list[Select[Any]]:
        # Only cells where a learner holds the achievement twice need a correction.
        correction = [learners - rows, id_sum - row_ids, true()]
        repeated = _repeated(spec, achievements)
        return [c.having(learners < rows) for c in counted(None, correction, repeated)]

    return Counting(branch, corrections)


CellCounts = Callable[..., list[Select[Any]]]


def _cell_counts(spec: HolderQuery, dialect: str, *, totals: bool) -> CellCounts:
    """Statements counting `columns` over the awards meeting `where` per cell of `key` (the
    awards' groups and the period of their learning), and with `totals` per period over all
    groups too: in one statement (GROUPING SETS), or with `split` in two; a `plain` key (one
    achievement, count(*)) may leave its totals to `_summed_totals`. A key of None counts per
    achievement (grouped by it)."""
    groups = [_GROUP_COLUMNS[d] for d in spec.group_by]
    labels, buckets = [], []
    if spec.period is not None:
        bucket = period_bucket(dialect, spec.period, Award.learned_at)
        labels, buckets = [bucket.label], [bucket.group]

    def counted(
        key: str | None,
        columns: list[Any],
        where: list[Any],
        *,
        split: bool = False,
        plain: bool = False,
    ) -> list[Select[Any]]:
        by = [] if key is not None else [Award.achievement_id]
        named = _key(key) if key is not None else _achievement_key()
        if not totals:
            cells = select(named, *groups, *labels, *columns).where(*where)
            return [cells.group_by(*by, *groups, *buckets)]
        if plain and _totals_summed(spec):
            cells = select(named, *groups, *labels, *columns, literal(0)).where(*where)
            return [cells.group_by(*groups, *buckets)]
        if split:
            cells = select(named, *groups, *labels, *columns, literal(0)).where(*where)
            whole = select(named, *[null() for _ in groups], *labels, *columns, literal(1))
            return [
                cells.group_by(*by, *groups, *buckets),
                whole.where(*where).group_by(*by, *buckets),
            ]
        grouping = func.grouping_sets(tuple_(*by, *groups, *buckets), tuple_(*by, *buckets))
        marker = func.grouping(*groups)
        return [select(named, *groups, *labels, *columns, marker).where(*where).group_by(grouping)]

    return counted


def _repeated(spec: HolderQuery, achievements: Sequence[str]) -> list[ColumnElement[bool]]:
    """The counted awards of `achievements` whose learner holds that achievement more than once
    (or might: a superset).

    An achievement carried by one key is counted with count(*) over the covering index: the
    unique constraint (learner_id, achievement_id, sequence) lets a learner hold an achievement
    twice only through an award whose sequence is not 0, so outside the pairs of the small
    partial index ix_award_stats_repeat each learner has one counted award, and no cell's
    learners need sorting for count(DISTINCT) (bench/stats.py). The corrections read these rows
    in the same statement as the counts (one snapshot) and replace their plain count by their
    distinct one.
    """
    repeat = aliased(Award)
    repeaters = select(repeat.achievement_id, repeat.learner_id).where(
        repeat.achievement_id.in_(achievements),
        repeat.learner_id.is_not(None),
        repeat.revoked_at.is_(None),
        repeat.sequence != 0,
    )
    return [
        Award.achievement_id.in_(achievements),
        *_conditions(spec),
        tuple_(Award.achievement_id, Award.learner_id).in_(repeaters),
    ]


def _first_holdings(spec: HolderQuery, dialect: str, *, totals: bool) -> Counting:
    if spec.period is None:
        raise ValueError("first holdings are counted per period")
    period = spec.period
    counted = _cell_counts(spec, dialect, totals=totals)
    rows, row_ids = func.count(), func.sum(Award.learner_id)
    where = _conditions(spec)  # built once for every branch (bench/stats.py)

    def firsts(key: str | None, conditions: list[Any], correction: bool) -> Select[Any]:
        by = [] if key is not None else [Award.achievement_id]
        columns = [_GROUP_COLUMNS[d] for d in spec.group_by]
        groups = [column.label(f"g{i}") for i, column in enumerate(columns)]
        # With totals, each learner's first learning per group and over all groups at once;
        # `total` tells them apart (group columns are NULL in both "not stated" and totals).
        learner = [*by, Award.learner_id]
        grouping = (
            [func.grouping_sets(tuple_(*columns, *learner), tuple_(*learner))]
            if totals
            else [*columns, *learner]
        )
        marker = [func.grouping(*columns).label("total")] if totals else []
        first = (
            select(
                *[b.label("key") for b in by],
                *groups,
                Award.learner_id.label("learner"),
                func.min(Award.learned_at).label("first_at"),
                *marker,
            )
            .where(*conditions)
            .group_by(*grouping)
            .subquery("firsts")
        )
        outer_key = [first.c.key] if by else []
        outer_groups = [first.c[f"g{i}"] for i in range(len(groups))]
        outer_marker = [first.c.total] if totals else []
        bucket = period_bucket(dialect, period, first.c.first_at)
        return select(
            cast(first.c.key, String) if key is None else _key(key),
            *outer_groups,
            bucket.label,
            func.count(),
            func.sum(first.c.learner),
            true() if correction else false(),
            *outer_marker,
        ).group_by(*outer_key, *outer_marker, *outer_groups, bucket.group)

    def branch(key: str, achievements: Sequence[str]) -> list[Select[Any]]:
        if len(achievements) > 1:
            held = Award.achievement_id.in_(achievements)
            return [firsts(key, [held, *where], False)]
        # A learner with one counted award first learned it when that award's learning
        # happened: count awards per period of their learning.
        plain = [Award.achievement_id == achievements[0], *where]
        return counted(key, [rows, row_ids, false()], plain, plain=True)

    def corrections(achievements: Sequence[str]) -> list[Select[Any]]:
        # The repeaters' awards leave their periods; each repeater counts at its first.
        repeated = _repeated(spec, achievements)
        return [*counted(None, [-rows, -row_ids, true()], repeated), firsts(None, repeated, True)]

    return Counting(branch, corrections)


def _per_key(
    session: Session, spec: HolderQuery, counting: Counting, *, totals: bool = False
) -> list[Tally]:
    """Run the branches of every key, KEYS_PER_STATEMENT per statement, with the corrections
    of their plain-counted achievements; with `totals`, each total comes back as a Tally whose
    groups are TOTAL (see `_split`)."""
    issuer_slugs = _issuer_slugs(session) if Dimension.ISSUER in spec.group_by else {}
    read = _reader(spec, issuer_slugs, totals=totals)
    tallies: list[Tally] = []
    corrections: list[Tally] = []
    for chunk in _chunks([(k, a) for k, a in spec.keys.items() if a], KEYS_PER_STATEMENT):
        plain = sorted({a[0] for _k, a in chunk if len(a) == 1})
        branches = [part for key, a in chunk for part in counting.branch(key, a)]
        if plain:
            branches.extend(counting.corrections(plain))
        statement = branches[0] if len(branches) == 1 else union_all(*branches)
        found: list[Tally] = []
        counted_before = len(tallies)
        with paused_collection():
            read(_all_rows(session, statement), tallies, found)
            if totals and _totals_summed(spec):
                single = {key for key, achievements in chunk if len(achievements) == 1}
                tallies.extend(_summed_totals(tallies[counted_before:], single))
        # A correction comes per achievement: it applies to each key counted by that one alone.
        keys_of: dict[str, list[str]] = {}
        for key, achievements in chunk:
            if len(achievements) == 1:
                keys_of.setdefault(achievements[0], []).append(key)
        corrections.extend(c._replace(key=key) for c in found for key in keys_of[c.key])
    return _corrected(tallies, corrections) if corrections else tallies


def _all_rows(session: Session, statement: Executable) -> Sequence[Any]:
    """The statement's rows, as the driver's own tuples when no column needs converting.

    An answer has up to ~50,000 rows, and a SQLAlchemy Row for each cost about a third of the
    statement's time (bench/stats.py, region+category: 514 -> 345 ms, loaded machine). The
    statement still runs through SQLAlchemy (compiled cache, cursor events); only the reading
    skips the Rows, and only when the result has no result processor (on PostgreSQL none of
    these columns has one; SQLite converts its 0/1 booleans, so it reads Rows).
    """
    if session.autoflush:
        session.flush()
    result = session.connection().execute(statement)
    try:
        if result._metadata._effective_processors is None:
            return result.cursor.fetchall()
        return result.all()
    finally:
        result.close()


def _totals_summed(spec: HolderQuery) -> bool:
    """Whether the totals of a key counted with count(*) (one achievement) are summed from its
    cells rather than counted by a second grouping set.

    Each counted award lies in exactly one cell, so a period's total of count(*) and of the
    learners' ids is the sum of its cells (the corrections of repeaters still come with their
    own totals). By period PostgreSQL hashes the cells, and a second grouping set is a second
    hash table per award (bench/stats.py: cumulative month 0.86x of the statement); without a
    period the sorted groups give the total almost for free, so it stays in SQL there.
    """
    return spec.period is not None and bool(spec.group_by)


def _summed_totals(cells: list[Tally], keys: set[str]) -> list[Tally]:
    """Totals per key and period of `keys`: the sums of their cells (see `_totals_summed`)."""
    sums: dict[tuple[str, str | None], list[int]] = {}
    for key, groups, period, learners, id_sum in cells:
        if groups is not TOTAL and key in keys:
            total = sums.get((key, period))
            if total is None:
                sums[key, period] = [learners, id_sum]
            else:
                total[0] += learners
                total[1] += id_sum
    new = tuple.__new__  # as in _reader: NamedTuple's own __new__ is Python
    return [new(Tally, (key, TOTAL, period, n, ids)) for (key, period), (n, ids) in sums.items()]


def _corrected(tallies: list[Tally], corrections: list[Tally]) -> list[Tally]:
    """Add each correction to its cell (or total): every correction's cell was counted in the
    same statement, since a repeater's awards are among the key's counted awards."""
    changes: dict[tuple[str, bool, Groups, str | None], list[int]] = {}
    for c in corrections:
        change = changes.setdefault((c.key, c.groups is TOTAL, c.groups, c.period), [0, 0])
        change[0] += c.learners
        change[1] += c.id_sum
    result = []
    for tally in tallies:
        found = changes.pop((tally.key, tally.groups is TOTAL, tally.groups, tally.period), None)
        if found is not None:
            tally = tally._replace(
                learners=tally.learners + found[0], id_sum=tally.id_sum + found[1]
            )
        # A repeater's first learning moves to its earliest period: a cell may be left empty.
        if tally.learners:
            result.append(tally)
    if changes:
        raise RuntimeError(f"corrections of cells that were not counted: {list(changes)[:3]}")
    return result


# Stands for the groups of a total while cells and totals travel in one list.
TOTAL: Groups = ("<total>",)


def _split(tallies: list[Tally]) -> Counts:
    cells: list[Tally] = []
    totals: list[Tally] = []
    new = tuple.__new__  # thousands of totals by period: _replace is Python (see _reader)
    for tally in tallies:
        if tally[1] is TOTAL:
            totals.append(new(Tally, (tally[0], (), tally[2], tally[3], tally[4])))
        else:
            cells.append(tally)
    return Counts(cells, totals)


def _reader(
    spec: HolderQuery, issuer_slugs: dict[int, str], *, totals: bool
) -> Callable[[Sequence[Any], list[Tally], list[Tally]], None]:
    """Turn result rows (key, groups..., [period], learners, id_sum, correction, [total]) into
    tallies, and the rows marked `correction` into corrections.

    Answers hold tens of thousands of cells: rows are read in one loop per shape rather than
    through a function per value (bench/stats.py: this was ~10 µs per cell), the groups taken
    by one C-level slice and each Tally built by tuple.__new__ (NamedTuple's own __new__ is
    Python: the loop took 0.5-0.6x of its time without it).
    """
    width = len(spec.group_by)
    period_at = 1 + width if spec.period is not None else None
    count_at = 1 + width + (period_at is not None)
    issuer_at = [1 + i for i, d in enumerate(spec.group_by) if d is Dimension.ISSUER]
    groups_of: Callable[[Any], Groups] = itemgetter(slice(1, 1 + width))
    if issuer_at:

        def groups_of(row: Any) -> Groups:
            values = list(row[1 : 1 + width])
            for at in issuer_at:
                value = values[at - 1]
                values[at - 1] = None if value is None else issuer_slugs.get(int(value), str(value))
            return tuple(values)

    total_at = count_at + 3 if totals else None
    new = tuple.__new__

    def read(rows: Sequence[Any], tallies: list[Tally], corrections: list[Tally]) -> None:
        append = tallies.append
        for row in rows:
            learners = row[count_at]
            # An ungrouped branch answers 0 for a key nobody holds: absent cells hold no learner.
            if not learners:
                continue
            groups = TOTAL if total_at is not None and row[total_at] else groups_of(row)
            period = None if period_at is None else row[period_at]
            ids = row[count_at + 1]
            if ids.__class__ is not int:
                ids = int(ids or 0)
            tally = new(Tally, (row[0], groups, period, learners, ids))
            if row[count_at + 2]:
                corrections.append(tally)
            else:
                append(tally)

    return read


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _key(key: str) -> ColumnElement[str]:
    return literal(key, String).label("key")


def _achievement_key() -> ColumnElement[str]:
    # As varchar, the type of the other branches' literal keys: mixing in varchar(100) made
    # PostgreSQL drop its parallel plan for the whole UNION ALL (bench/stats.py: 1.6x slower).
    return cast(Award.achievement_id, String).label("key")


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
