"""What a statistics request asks for, checked before any SQL runs (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from badge_issuer.stats.errors import StatsQueryInvalid

# Far enough for any real programme; keeps date arithmetic (to + 1 day) away from date.max.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2199, 12, 31)


class Subject(StrEnum):
    ACHIEVEMENTS = "achievements"
    SKILLS = "skills"


class Dimension(StrEnum):
    REGION = "region"
    CATEGORY = "category"
    ISSUER = "issuer"


class Period(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class StatsQuery:
    """Count learners holding each achievement or skill, split by groups and periods.

    `date_from` and `date_to` are inclusive calendar days in Japan Standard Time.
    """

    subject: Subject
    group_by: tuple[Dimension, ...] = ()
    period: Period | None = None
    cumulative: bool = False
    date_from: date | None = None
    date_to: date | None = None


def build_query(
    *,
    subject: Subject,
    group_by: Sequence[Dimension] = (),
    period: Period | None = None,
    cumulative: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
) -> StatsQuery:
    """Check the combination of parameters; raise StatsQueryInvalid listing every problem."""
    errors: list[dict[str, str]] = []
    if len(set(group_by)) != len(group_by):
        errors.append(_error("group_by", "each dimension may be named once"))
    for name, day in (("from", date_from), ("to", date_to)):
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            errors.append(_error(name, f"must lie between {EARLIEST_DATE} and {LATEST_DATE}"))
    if date_from and date_to and date_from > date_to:
        errors.append(_error("from", "must not be after `to`"))
    if errors:
        raise StatsQueryInvalid(
            "; ".join(f"{e['pointer']}: {e['message']}" for e in errors), errors=errors
        )
    return StatsQuery(
        subject=subject,
        group_by=tuple(group_by),
        period=period,
        cumulative=cumulative,
        date_from=date_from,
        date_to=date_to,
    )


def _error(parameter: str, message: str) -> dict[str, str]:
    return {"pointer": f"/query/{parameter}", "message": message}
