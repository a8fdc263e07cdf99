"""Cell-key random rounding of every published count (pure).

The scheme of the ABS TableBuilder and the UK 2021 Census (cell-key perturbation), with the
noise of Statistics New Zealand's random rounding:

- A cell's key is derived from the set of learners it counts (their number and the sum of their
  record ids) and the counted key (achievement or skill), under a server secret: the same
  learners in the same key always give the same key, whichever request, grouping, period or
  date range the cell comes from.
- A count v is rounded to a multiple of `base`: down with probability 1 - r/base and up with
  probability r/base, where r = v mod base (unbiased), the draw being the cell key. Multiples
  of `base` are published as they are.

So a published P only says that the count lies in (P - base, P + base), and repeating a query,
or asking for the same learners through another grouping or period, returns the same number:
there is nothing to average. Differencing two published figures (a region's total minus its
categories, a quarter minus its months, a cumulative series) leaves an interval at least
2 * base - 1 wide, and with `base` = min_cell every small group stays within it (see the
attacker tests in tests/stats/test_differencing.py). Limits are in the statistics notes.
"""

from __future__ import annotations

import hmac

_SCALE = float(1 << 64)


def cell_draw(secret: bytes, key: str, learners: int, id_sum: int) -> float:
    """A uniform number in [0, 1) fixed by the cell's learners and key (the cell key)."""
    message = f"{key}\x1f{learners}\x1f{id_sum}".encode()
    # hmac.digest: the same HMAC-SHA256 in one C call, ~3x faster than hmac.new per cell.
    digest = hmac.digest(secret, message, "sha256")
    return int.from_bytes(digest[:8], "big") / _SCALE


def round_randomly(value: int, base: int, draw: float) -> int:
    """Round to a multiple of `base`, up with probability (value mod base) / base."""
    if base < 1:
        raise ValueError("base must be at least 1")
    remainder = value % base
    if remainder == 0:
        return value
    return value - remainder + (base if draw < remainder / base else 0)
