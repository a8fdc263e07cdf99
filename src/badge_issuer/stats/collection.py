"""Pause Python's cyclic garbage collector while a statistics answer is built.

A large answer allocates tens of thousands of small acyclic tuples (result rows, tallies,
published cells). Each 700 allocations start a collection, and every few of them one of the
oldest generation, which walks every object of the process: in bench/stats.py that cost more
than reading the rows (achievements by region+category: 0.55-0.75x with the collector paused).
Nothing here makes reference cycles, and the collector resumes when the last pause ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_resume = False


@contextmanager
def paused_collection() -> Iterator[None]:
    """Disable automatic collection inside the block (nested and concurrent blocks share one
    pause); re-enable it after the last block only if it was enabled before the first."""
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
