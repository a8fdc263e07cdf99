"""Use case: count learners holding each achievement or skill, privacy-safe, as one table."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session

from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.stats import labels as group_labels
from badge_issuer.stats import periods as calendar
from badge_issuer.stats import repository, tabulate
from badge_issuer.stats.collection import paused_collection
from badge_issuer.stats.errors import StatsTooLarge
from badge_issuer.stats.query import StatsQuery, Subject
from badge_issuer.stats.table import GroupNames, StatsTable, Tally

# A spreadsheet or chart beyond this is unreadable, and the cost grows with it.
MAX_CELLS = 50_000
DEFAULT_CELL_SECRET = tabulate.DEFAULT_CELL_SECRET


@paused_collection()  # tens of thousands of tuples per answer (stats.collection)
def holder_statistics(
    session: Session,
    *,
    query: StatsQuery,
    as_of: datetime,
    min_cell: int,
    cell_secret: bytes = DEFAULT_CELL_SECRET,
    labels_file: Path | None = None,
    issuer_ids: Collection[int] | None = None,
) -> StatsTable:
    """Count distinct learners holding valid credentials, grouped, suppressed, rounded by cell
    key and labelled. Awards count in the period their learning happened (`learned_at`);
    `issuer_ids` counts only those issuers' credentials (a token bound to issuers)."""
    labels, keys = _catalog(session, query.subject)
    names = _group_names(session, labels_file)
    assemble = partial(
        tabulate.assemble,
        query,
        as_of=as_of,
        min_cell=min_cell,
        labels=labels,
        cell_secret=cell_secret,
        group_names=names,
    )
    if not keys:
        return assemble(periods=(), cells=[], totals=[])
    spec = _holder_query(query, keys, as_of)
    if issuer_ids is not None:
        spec = replace(spec, issuer_ids=frozenset(issuer_ids))
    # Cells and totals (grouped answers) come from one pass over the awards where the
    # database allows it (repository.holders_with_totals).
    if query.cumulative and query.period is not None:
        firsts = repository.first_holdings_with_totals(session, spec)
        periods = _periods(query, as_of, firsts.cells)
        _check_size(len({(c.key, c.groups) for c in firsts.cells}) * len(periods))
        cells = tabulate.cumulate(firsts.cells, periods)
        totals = tabulate.cumulate(firsts.totals, periods)
    else:
        counted = repository.holders_with_totals(session, spec)
        cells, totals = counted.cells, counted.totals
        _check_size(len(cells))
        periods = _periods(query, as_of, cells) if query.period is not None else ()
    return assemble(periods=periods, cells=cells, totals=totals)


def _group_names(session: Session, labels_file: Path | None) -> GroupNames:
    current = skillmap_service.load_current(session)
    from_file = group_labels.from_file(labels_file) if labels_file is not None else {}
    return group_labels.merged(from_file, None if current is None else current.skill_map.labels)


def _catalog(session: Session, subject: Subject) -> tuple[tabulate.Labels, dict[str, list[str]]]:
    """Names from the current skill map, and the achievements counted for each key."""
    current = skillmap_service.load_current(session)
    if subject is Subject.ACHIEVEMENTS:
        # Achievements no longer in the map still have holders: their id stands for a name.
        keys = {a: [a] for a in repository.achievement_ids(session)}
        if current is None:
            return tabulate.Labels({}, None), keys
        names = {a.id: a.name for a in current.skill_map.achievements}
        return tabulate.Labels(names, _version(current)), keys
    if current is None:
        return tabulate.Labels({}, None), {}
    carriers: dict[str, list[str]] = {}
    for achievement in current.skill_map.achievements:
        for skill in achievement.skills:
            carriers.setdefault(skill, []).append(achievement.id)
    names = {s.id: s.name for s in current.skill_map.skills}
    return tabulate.Labels(names, _version(current)), carriers


def _version(current: skillmap_service.CurrentSkillMap) -> str:
    return current.skill_map.version or current.content_hash[:12]


def _holder_query(
    query: StatsQuery, keys: Mapping[str, Sequence[str]], as_of: datetime
) -> repository.HolderQuery:
    # Cumulative holders at a period's end include everyone who got the credential earlier.
    starts = None if query.cumulative or query.date_from is None else query.date_from
    return repository.HolderQuery(
        keys=keys,
        group_by=query.group_by,
        period=query.period,
        learned_from=None if starts is None else calendar.start_of_day(starts),
        learned_before=_day_after(query.date_to),
        as_of=as_of,
    )


def _day_after(day: date | None) -> datetime | None:
    return None if day is None else calendar.start_of_day(day + timedelta(days=1))


def _periods(query: StatsQuery, as_of: datetime, tallies: Sequence[Tally]) -> tuple[str, ...]:
    """The periods shown: from `from` (or the first with data) to `to` (or today), in order."""
    if query.period is None:
        return ()
    last = calendar.local_date(as_of)
    if query.date_to is not None:
        last = min(last, query.date_to)
    first = query.date_from
    if first is None:
        seen = [t.period for t in tallies if t.period is not None]
        if not seen:
            return ()
        first = calendar.label_start(min(seen), query.period)
    return calendar.period_labels(first, last, query.period) if first <= last else ()


def _check_size(cells: int) -> None:
    if cells > MAX_CELLS:
        raise StatsTooLarge(
            f"The answer would hold {cells} cells (at most {MAX_CELLS}): group by fewer "
            "dimensions, use a coarser period or a shorter range."
        )
