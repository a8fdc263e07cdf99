"""Validity period checks: validFrom not in the future, validUntil not in the past."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from badge_issuer.verification.report import Check, CheckName


def parse_datetime(value: Any) -> datetime | None:
    """Return an aware datetime for an XML Schema / RFC 3339 date-time string, else None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
        # In UTC from here on: years 1 and 9999 with an offset fall outside what Python can
        # represent (OverflowError), which is a bad date, not a server error.
        return moment.astimezone(UTC) if moment.tzinfo is not None else None
    except (ValueError, OverflowError):
        return None


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def valid_from_check(
    document: Mapping[str, Any], now: datetime, *, not_before: datetime | None = None
) -> Check:
    """Check that the credential is already valid (validFrom, and a VC-JWT's nbf, <= now)."""
    name = CheckName.VALID_FROM
    raw = document.get("validFrom")
    start = parse_datetime(raw)
    if raw is not None and start is None:
        return Check.failed(
            name, f"validFrom {raw!r} is not a date-time with a time zone in years 1-9999"
        )
    starts = [moment for moment in (start, not_before) if moment is not None]
    if not starts:
        return Check.warning(name, "the credential gives no validFrom")
    latest = max(starts)
    if latest > now:
        return Check.failed(name, f"not valid before {_stamp(latest)}")
    return Check.passed(name, f"valid since {_stamp(latest)}")


def valid_until_check(
    document: Mapping[str, Any], now: datetime, *, expires: datetime | None = None
) -> Check:
    """Check that the credential has not expired (validUntil, and a VC-JWT's exp, > now)."""
    name = CheckName.VALID_UNTIL
    raw = document.get("validUntil")
    end = parse_datetime(raw)
    if raw is not None and end is None:
        return Check.failed(
            name, f"validUntil {raw!r} is not a date-time with a time zone in years 1-9999"
        )
    ends = [moment for moment in (end, expires) if moment is not None]
    if not ends:
        return Check.passed(name, "the credential does not expire")
    earliest = min(ends)
    if earliest <= now:
        return Check.failed(name, f"expired at {_stamp(earliest)}")
    return Check.passed(name, f"valid until {_stamp(earliest)}")
