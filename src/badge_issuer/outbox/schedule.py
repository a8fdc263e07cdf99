"""When to try again: the Standard Webhooks retry schedule, with jitter. Pure.

The Standard Webhooks specification suggests retrying with exponential backoff and gives the
schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h (about 3 days
in all). Each delay here is scaled by a random factor in [0.8, 1.2] so receivers that failed
together are not hit together again; the first retry still comes within 10 s.
"""

from __future__ import annotations

from datetime import datetime, timedelta

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1  # the first attempt, then one per delay
JITTER = 0.2


def next_attempt_at(
    failed_attempts: int, *, now: datetime, jitter: float, delays: tuple[timedelta, ...]
) -> datetime | None:
    """When to retry after `failed_attempts` failures; None when the job is to be dead-lettered.

    `jitter` is a number in [-1, 1] (the caller draws it): the delay is scaled by
    1 + jitter * JITTER.
    """
    if failed_attempts < 1 or failed_attempts > len(delays):
        return None
    if not -1.0 <= jitter <= 1.0:
        raise ValueError("jitter must lie in [-1, 1]")
    delay = delays[failed_attempts - 1] * (1.0 + jitter * JITTER)
    return now + delay


def total_span(delays: tuple[timedelta, ...] = RETRY_DELAYS) -> timedelta:
    """How long after the first attempt the last one comes (without jitter)."""
    return sum(delays, timedelta())
