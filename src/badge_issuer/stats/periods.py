"""Calendar periods in Japan Standard Time: labels, the list between two days, day bounds (pure).

The programme is Japanese, so a credential issued at 2026-03-31T20:00Z belongs to April 2026.
Japan has kept UTC+9 without daylight saving since 1951, so a fixed offset is exact.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from badge_issuer.stats.query import Period

UTC_OFFSET = timedelta(hours=9)
JST = timezone(UTC_OFFSET, "JST")
TIME_ZONE_NAME = "Asia/Tokyo (UTC+09:00)"


def start_of_day(day: date) -> datetime:
    """Return midnight JST at the start of `day`, as an aware datetime."""
    return datetime(day.year, day.month, day.day, tzinfo=JST)


def local_date(moment: datetime) -> date:
    """Return the JST calendar day of an aware datetime."""
    return moment.astimezone(JST).date()


def period_label(day: date, period: Period) -> str:
    """Label a day's period the way the SQL buckets do: 2026-04, 2026-Q2, 2026."""
    if period is Period.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    if period is Period.QUARTER:
        return f"{day.year:04d}-Q{(day.month + 2) // 3}"
    return f"{day.year:04d}"


def period_labels(first: date, last: date, period: Period) -> tuple[str, ...]:
    """Every period label from the one holding `first` to the one holding `last`, in order."""
    labels: list[str] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        label = period_label(date(year, month, 1), period)
        if not labels or labels[-1] != label:
            labels.append(label)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(labels)


def label_start(label: str, period: Period) -> date:
    """Return the first day of a labelled period (inverse of `period_label`)."""
    year = int(label[:4])
    if period is Period.MONTH:
        return date(year, int(label[5:7]), 1)
    if period is Period.QUARTER:
        return date(year, 3 * int(label[6:]) - 2, 1)
    return date(year, 1, 1)
