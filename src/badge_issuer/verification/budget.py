"""A per-request CPU budget for work no library bounds (JSON-LD processing in pyld).

pyld offers no limit: expanding a credential of many typed objects costs about a millisecond
of CPU per object, so a body within the size limits can cost many seconds. RDFC-1.0 has its
own work limit (`credentials.jsonld.rdfc`); everything else the verifier does runs under
`cpu_budget`: a watchdog thread reads the verifying thread's CPU clock and, once the budget is
spent, raises `BudgetExceeded` in that thread (CPython's asynchronous exception, delivered
between bytecodes). It derives from BaseException, like KeyboardInterrupt, so no
`except Exception` on the way swallows it; the caller turns it into a failed check.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

DEFAULT_SECONDS = 1.0
_POLL_SECONDS = 0.01
# An asynchronous exception delivered inside a garbage-collector callback or a finalizer is
# swallowed there (reported as "unraisable") and the work goes on. A thread that keeps burning
# CPU this long after an exception was raised in it did not get it: raise it again.
_REFIRE_CPU_SECONDS = 0.05


class BudgetExceeded(BaseException):  # named like KeyboardInterrupt, on purpose
    """The verifying thread used up its CPU budget."""


@dataclass
class _Watched:
    clock: int
    deadline: float
    fired_at: float | None = None  # the thread's CPU time when the exception was last raised


_lock = threading.Lock()
_watched: dict[int, _Watched] = {}
_watchdog: threading.Thread | None = None


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Schedule (or, with None, cancel) an exception in another thread."""
    target = ctypes.py_object(exception) if exception is not None else None
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), target)


def _watch() -> None:
    while True:
        time.sleep(_POLL_SECONDS)
        with _lock:
            for thread_id, watched in _watched.items():
                try:
                    used = time.clock_gettime(watched.clock)
                except OSError:  # the thread is gone
                    continue
                if used < watched.deadline:
                    continue
                if watched.fired_at is not None and used < watched.fired_at + _REFIRE_CPU_SECONDS:
                    continue
                watched.fired_at = used
                _raise_in(thread_id, BudgetExceeded)


def _ensure_watchdog() -> None:
    global _watchdog
    if _watchdog is not None and _watchdog.is_alive():  # every request after the first
        return
    with _lock:
        if _watchdog is None or not _watchdog.is_alive():
            _watchdog = threading.Thread(target=_watch, name="cpu-budget", daemon=True)
            _watchdog.start()


@contextmanager
def cpu_budget(seconds: float = DEFAULT_SECONDS) -> Iterator[None]:
    """Raise BudgetExceeded in this thread once it has spent `seconds` of CPU in the block."""
    _ensure_watchdog()
    thread_id = threading.get_ident()
    clock = time.pthread_getcpuclockid(thread_id)
    with _lock:
        if thread_id in _watched:  # nested: the outer budget already bounds this block
            nested = True
        else:
            nested = False
            _watched[thread_id] = _Watched(clock, time.clock_gettime(clock) + seconds)
    if nested:
        yield
        return
    try:
        yield
    finally:
        _release(thread_id)


def _release(thread_id: int) -> None:
    """Stop watching this thread and cancel a budget exception that is still pending."""
    for _ in range(3):  # the pending exception may land here once; then nothing is pending
        try:
            with _lock:
                watched = _watched.pop(thread_id, None)
                if watched is not None and watched.fired_at is not None:
                    _raise_in(thread_id, None)
            return
        except BudgetExceeded:
            continue
