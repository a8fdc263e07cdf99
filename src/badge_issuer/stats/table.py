"""Counts before and after publication, and the finished table every format renders (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from badge_issuer.stats.query import Dimension, Period, Subject

Groups = tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class Tally:
    """Distinct learners in one cell (or one total, whose `groups` is empty), before suppression."""

    key: str
    groups: Groups
    period: str | None
    learners: int


@dataclass(frozen=True, slots=True)
class Shown:
    """One published cell or total: `learners` is None when suppressed."""

    key: str
    label: str
    groups: Groups
    period: str | None
    learners: int | None
    suppressed: bool


@dataclass(frozen=True, slots=True)
class StatsTable:
    """A finished answer: cells per key, group and period; totals per key and period."""

    subject: Subject
    group_by: tuple[Dimension, ...]
    period: Period | None
    cumulative: bool
    date_from: date | None
    date_to: date | None
    as_of: datetime
    min_cell: int
    skill_map_version: str | None
    periods: tuple[str, ...]
    cells: tuple[Shown, ...]
    totals: tuple[Shown, ...]
