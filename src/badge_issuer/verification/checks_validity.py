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
    return _edge_check(document, now, start=True, claim=not_before)


def valid_until_check(
    document: Mapping[str, Any], now: datetime, *, expires: datetime | None = None
) -> Check:
    """Check that the credential has not expired (validUntil, and a VC-JWT's exp, > now)."""
    return _edge_check(document, now, start=False, claim=expires)


def _edge_check(
    document: Mapping[str, Any], now: datetime, *, start: bool, claim: datetime | None
) -> Check:
    """Check one end of the validity period: the document's property and a JWT claim, if any.

    Both ends read and merge their moments alike; the start takes the latest moment and must
    have passed, the end takes the earliest and must still be ahead.
    """
    name, key = (
        (CheckName.VALID_FROM, "validFrom") if start else (CheckName.VALID_UNTIL, "validUntil")
    )
    raw = document.get(key)
    declared = parse_datetime(raw)
    if raw is not None and declared is None:
        return Check.failed(
            name, f"{key} {raw!r} is not a date-time with a time zone in years 1-9999"
        )
    moments = [moment for moment in (declared, claim) if moment is not None]
    if start:
        if not moments:
            return Check.warning(name, "the credential gives no validFrom")
        latest = max(moments)
        if latest > now:
            return Check.failed(name, f"not valid before {_stamp(latest)}")
        return Check.passed(name, f"valid since {_stamp(latest)}")
    if not moments:
        return Check.passed(name, "the credential does not expire")
    earliest = min(moments)
    if earliest <= now:
        return Check.failed(name, f"expired at {_stamp(earliest)}")
    return Check.passed(name, f"valid until {_stamp(earliest)}")
