"""Turn raw counts into a published table: running sums, ordering, labels, suppression (pure)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from badge_issuer.stats import perturbation, suppression
from badge_issuer.stats.query import StatsQuery
from badge_issuer.stats.table import GroupNames, Groups, Shown, StatsTable, Tally

# Tests and benchmarks; the API derives the secret from the learner hash secret.
DEFAULT_CELL_SECRET = b"badge-issuer statistics cell key"


@dataclass(frozen=True, slots=True)
class Labels:
    """Names of keys in skill-map order (achievements or skills), and the map's version."""

    names: Mapping[str, str]
    skill_map_version: str | None


def cumulate(first_holdings: Sequence[Tally], periods: Sequence[str]) -> list[Tally]:
    """Turn counts of learners first holding a key in each period into holders at each period's end.

    Holdings from before the first listed period are carried into it; periods with no holder
    yet are left out (zero, like any absent cell).
    """
    if not periods:
        return []
    series: dict[tuple[str, Groups], dict[str, tuple[int, int]]] = defaultdict(dict)
    for row in first_holdings:
        if row.period is None:
            raise ValueError("cumulative counts need a period on every row")
        by_period = series[(row.key, row.groups)]
        learners, id_sum = by_period.get(row.period, (0, 0))
        by_period[row.period] = (learners + row.learners, id_sum + row.id_sum)
    result: list[Tally] = []
    for (key, groups), by_period in series.items():
        earlier = [n for period, n in by_period.items() if period < periods[0]]
        running, running_ids = sum(n for n, _ in earlier), sum(i for _, i in earlier)
        for period in periods:
            learners, id_sum = by_period.get(period, (0, 0))
            running, running_ids = running + learners, running_ids + id_sum
            if running:
                result.append(Tally(key, groups, period, running, running_ids))
    return result


def assemble(
    query: StatsQuery,
    *,
    as_of: datetime,
    min_cell: int,
    labels: Labels,
    periods: tuple[str, ...],
    cells: Sequence[Tally],
    totals: Sequence[Tally],
    cell_secret: bytes = DEFAULT_CELL_SECRET,
    group_names: GroupNames | None = None,
) -> StatsTable:
    """Order cells and totals, suppress, round every published count by its cell key
    (`perturbation`), and attach the names of keys and group codes."""
    ordered_cells = sorted(cells, key=_order(labels))
    ordered_totals = sorted(totals, key=_order(labels))
    hidden, hidden_totals = suppression.publish(ordered_cells, ordered_totals, min_cell=min_cell)
    publish = _rounding(cell_secret, min_cell)
    return StatsTable(
        subject=query.subject,
        group_by=query.group_by,
        period=query.period,
        cumulative=query.cumulative,
        date_from=query.date_from,
        date_to=query.date_to,
        as_of=as_of,
        min_cell=min_cell,
        skill_map_version=labels.skill_map_version,
        periods=periods,
        cells=_shown(ordered_cells, hidden, labels, publish),
        totals=_shown(ordered_totals, hidden_totals, labels, publish),
        group_names=group_names or {},
    )


def _rounding(secret: bytes, base: int) -> Callable[[Tally], int]:
    def publish(tally: Tally) -> int:
        draw = perturbation.cell_draw(secret, tally.key, tally.learners, tally.id_sum)
        return perturbation.round_randomly(tally.learners, base, draw)

    return publish


def _order(labels: Labels) -> Callable[[Tally], tuple[object, ...]]:
    rank = {key: index for index, key in enumerate(labels.names)}
    unknown = len(rank)

    def sort_key(tally: Tally) -> tuple[object, ...]:
        # Keys in skill-map order (unknown ones last, by id); "not stated" groups last. Each
        # group value v becomes (v is None, v or ""), flattened: no generator per cell (answers
        # hold tens of thousands of cells).
        key, groups = tally.key, tally.groups
        if not groups:
            return (rank.get(key, unknown), key, tally.period or "")
        if len(groups) == 1:
            (first,) = groups
            return (rank.get(key, unknown), key, first is None, first or "", tally.period or "")
        flat: list[object] = [rank.get(key, unknown), key]
        for value in groups:
            flat += (value is None, value or "")
        flat.append(tally.period or "")
        return tuple(flat)

    return sort_key


def _shown(
    tallies: Sequence[Tally],
    hidden: frozenset[int],
    labels: Labels,
    publish: Callable[[Tally], int],
) -> tuple[Shown, ...]:
    # One plain loop with positional fields: this runs once per cell of answers holding tens
    # of thousands of cells.
    name = labels.names.get
    shown: list[Shown] = []
    append = shown.append
    for index, tally in enumerate(tallies):
        key = tally.key
        suppressed = index in hidden
        learners = None if suppressed else publish(tally)
        append(Shown(key, name(key, key), tally.groups, tally.period, learners, suppressed))
    return tuple(shown)
