"""Token buckets: N events per period per key, in this process, with the wait until the next.

A bucket holds up to N tokens and refills continuously at N per period; each event takes one.
So a client may burst N requests, then one more every period/N seconds. Keys are bounded (the
least recently used bucket is forgotten first: a forgotten bucket is simply full again), so a
flood of distinct keys cannot grow memory without limit.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rate:
    count: int
    period_seconds: float

    def describe(self) -> str:
        unit = {1: "second", 60: "minute", 3600: "hour"}.get(int(self.period_seconds))
        return f"{self.count}/{unit}" if unit else f"{self.count} per {self.period_seconds:g} s"


class TokenBuckets:
    """One bucket per key, all at the same rate."""

    def __init__(
        self, rate: Rate, *, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        """Take one token: 0.0 when allowed, else the seconds until a token is available."""
        now = self._clock()
        capacity = float(self.rate.count)
        per_second = capacity / self.rate.period_seconds
        tokens, stamp = self._buckets.pop(key, (capacity, now))
        tokens = min(capacity, tokens + (now - stamp) * per_second)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / per_second
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        return wait


def retry_after_seconds(wait: float) -> int:
    """The Retry-After value for a wait: whole seconds, at least 1."""
    return max(1, math.ceil(wait))


class LogBudget:
    """Allow N log entries of one kind per period; count the ones left out, to report them."""

    def __init__(self, rate: Rate, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._buckets = TokenBuckets(rate, max_keys=1000, clock=clock)
        self._suppressed: dict[str, int] = {}

    def allow(self, kind: str) -> int | None:
        """None when this entry must be left out; else how many were left out before it."""
        if self._buckets.take(kind) > 0:
            self._suppressed[kind] = self._suppressed.get(kind, 0) + 1
            return None
        return self._suppressed.pop(kind, 0)
