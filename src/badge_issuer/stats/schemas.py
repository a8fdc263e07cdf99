"""API shapes of the statistics answers (JSON), built from a finished table."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field
from pydantic_core import to_json

from badge_issuer.stats import periods as calendar
from badge_issuer.stats.query import Dimension, Period, Subject
from badge_issuer.stats.table import Shown, StatsTable


class StatsCounting(BaseModel):
    """What the numbers mean: read `notes` before using them."""

    as_of: datetime = Field(description="Credentials are counted when valid at this instant.")
    unit: str = Field(description="What a number counts: distinct learners.")
    excludes: list[str] = Field(description="Credentials never counted.")
    time_zone: str = Field(description="Periods and from/to days are in this time zone.")
    min_cell: int = Field(description="Cells with fewer learners are suppressed.")
    skill_map_version: str | None = Field(description="Source of names and skills.")
    notes: list[str]


class StatsTotal(BaseModel):
    """Distinct learners of one key (and period) over all groups."""

    key: str = Field(description="Achievement or skill id.")
    label: str = Field(description="Its name in the current skill map.")
    period: str | None
    learners: int | None = Field(description="null when suppressed.")
    suppressed: bool


class GroupLabelRead(BaseModel):
    ja: str
    en: str | None


class StatsCell(StatsTotal):
    """Distinct learners of one key in one group (and period)."""

    groups: dict[str, str | None] = Field(
        description="Value of each grouping dimension; null means not stated."
    )
    group_labels: dict[str, GroupLabelRead | None] = Field(
        description="Name of each group code (ja/en) from the skill map's `labels` or the "
        "labels file (BADGE_ISSUER_STATS_LABELS_FILE); null when none is defined."
    )


class StatsRead(BaseModel):
    """A table of learner counts; cells absent from `cells` hold no learner."""

    subject: Subject
    group_by: list[Dimension]
    period: Period | None
    cumulative: bool
    from_: date | None = Field(alias="from")
    to: date | None
    periods: list[str] = Field(description="Every period of the range, in order.")
    counting: StatsCounting
    cells: list[StatsCell]
    totals: list[StatsTotal] = Field(description="Per key and period; only when grouped.")


def stats_json(table: StatsTable) -> bytes:
    """Serialise a finished table as the StatsRead JSON document.

    Written straight from plain data: validating tens of thousands of cells through the
    models took about a second under load (tests check answers against StatsRead instead).
    """
    dimensions = [str(d) for d in table.group_by]
    document = {
        "subject": table.subject,
        "group_by": list(table.group_by),
        "period": table.period,
        "cumulative": table.cumulative,
        "from": table.date_from,
        "to": table.date_to,
        "periods": list(table.periods),
        "counting": {
            "as_of": table.as_of,
            "unit": "distinct learners",
            "excludes": ["revoked credentials", "expired credentials"],
            "time_zone": calendar.TIME_ZONE_NAME,
            "min_cell": table.min_cell,
            "skill_map_version": table.skill_map_version,
            "notes": counting_notes(table),
        },
        "cells": [
            {
                **_total(shown),
                "groups": dict(zip(dimensions, shown.groups, strict=True)),
                "group_labels": _group_labels(table, dimensions, shown),
            }
            for shown in table.cells
        ],
        "totals": [_total(shown) for shown in table.totals],
    }
    return to_json(document)


def counting_notes(table: StatsTable) -> list[str]:
    """Explain, in sentences, what the table counts."""
    notes = [
        "Each number counts distinct learners holding a credential valid at "
        f"{table.as_of.isoformat()} (as_of): revoked and expired credentials are not "
        "counted, nor credentials without a learner.",
        _subject_note(table),
        _period_note(table),
    ]
    if table.group_by:
        notes.append(
            "Region and category are those recorded with each credential when it was issued. "
            "A learner appearing in several groups is counted in each, once in the total."
        )
    notes.append(
        f"Cells with fewer than {table.min_cell} learners are suppressed (learners null, "
        "suppressed true). Where a total would let a suppressed cell be found by subtraction, "
        "the smallest other cells of that total, or the total itself, are suppressed too."
    )
    notes.append(
        f"Every published number is rounded to a multiple of {table.min_cell}, up or down at "
        "random with the chance of its distance (unbiased), the draw fixed by the set of "
        "learners counted (cell-key perturbation, as the ABS TableBuilder and the UK 2021 "
        "Census publish flexible tables). The same learners always give the same number in "
        "any request, grouping or period, so repeating or re-slicing a query reveals nothing "
        "new; sums of cells differ from totals by the rounding. A published n means a count "
        f"between n - {table.min_cell - 1} and n + {table.min_cell - 1}."
    )
    return notes


def _subject_note(table: StatsTable) -> str:
    version = table.skill_map_version or "none loaded"
    if table.subject is Subject.SKILLS:
        return (
            "A learner holds a skill when they hold a valid achievement that carries it in the "
            f"current skill map (version {version}); holding several such achievements counts once."
        )
    return f"Achievement names come from the current skill map (version {version})."


def _period_note(table: StatsTable) -> str:
    if table.cumulative and table.period:
        return (
            "Cumulative: each period counts learners holding a credential (valid at as_of) "
            "whose learning was done by the end of that period; `from` only chooses the first "
            "period shown."
        )
    if table.cumulative:
        return (
            "Cumulative: learners holding a credential (valid at as_of) whose learning was "
            f"done up to `to`. {_LEARNED}"
        )
    if table.period:
        return f"Each period counts learners whose learning was done in it (Japan time). {_LEARNED}"
    return (
        "Counts learners whose learning was done between `from` and `to` (inclusive days). "
        + _LEARNED
    )


_LEARNED = (
    "A credential counts at the date of the latest completion that earned it (for a stacked "
    "badge, the latest of its own completions and its prerequisites'), not when it was issued: "
    "completions imported late fall in their own month. Direct awards count at their award "
    "date."
)


def _group_labels(
    table: StatsTable, dimensions: list[str], shown: Shown
) -> dict[str, dict[str, str | None] | None]:
    labels: dict[str, dict[str, str | None] | None] = {}
    for dimension, code in zip(dimensions, shown.groups, strict=True):
        label = table.group_label(dimension, code)
        labels[dimension] = None if label is None else {"ja": label.ja, "en": label.en}
    return labels


def _total(shown: Shown) -> dict[str, object]:
    return {
        "key": shown.key,
        "label": shown.label,
        "period": shown.period,
        "learners": shown.learners,
        "suppressed": shown.suppressed,
    }
