"""Counts before and after publication, and the finished table every format renders (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from badge_issuer.stats.query import Dimension, Period, Subject

Groups = tuple[str | None, ...]


class GroupLabel(NamedTuple):
    """A region or category code as people read it."""

    ja: str
    en: str | None


# dimension ("region", "category") -> code -> label
GroupNames = Mapping[str, Mapping[str, GroupLabel]]


class Tally(NamedTuple):
    """Distinct learners in one cell (or one total, whose `groups` is empty), before suppression.

    Tuples rather than dataclasses: answers hold tens of thousands of cells, and tuples are
    built several times faster.
    """

    key: str
    groups: Groups
    period: str | None
    learners: int
    # Sum of the counted learners' record ids: with `learners`, it identifies the set of
    # learners for the cell key of perturbation (never published).
    id_sum: int = 0


class Shown(NamedTuple):
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
    group_names: GroupNames = field(default_factory=dict)

    def group_label(self, dimension: str, code: str | None) -> GroupLabel | None:
        """The name of a group code, when the skill map or the labels file gives one."""
        return None if code is None else self.group_names.get(dimension, {}).get(code)
