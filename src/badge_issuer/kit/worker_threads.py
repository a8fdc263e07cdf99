"""Run a blocking call on a worker thread with as little hand-off work as the event loop allows.

`anyio.to_thread.run_sync` costs about 130 µs of CPU per call on this machine around the call
itself (measured with a call that does nothing: a capacity-limiter checkpoint, which is one more
turn of the event loop, a cancel scope, a `queue.Queue` with its conditions, `task_done`); an
asyncio future handed to an idle thread through a `SimpleQueue` and completed with
`call_soon_threadsafe` costs about 30 µs. POST /verify spends that hand-off on every request,
next to a bare Ed25519 verification of about 170 µs.

What stays as with anyio: the call runs in a copy of the caller's context (request id, trace),
its exception is raised in the caller, threads are started on demand, reused, and stopped after a
while idle (checked whenever a call ends). A thread gives itself back through the caller's event
loop. Past `limit` busy threads a call goes to anyio's threads, whose limiter queues it: never
more threads than before. Unlike anyio's default, a caller that is cancelled does not wait for
its call: the call still finishes in its thread (nothing is interrupted half way) and its result
is dropped. Use it for calls that are safe to finish unobserved. One instance serves any number
of event loops (the test suite runs many apps, each on its own loop); its threads are daemons,
as a process that exits must not wait for idle ones.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable
from queue import SimpleQueue
from typing import Any, TypeVar

import anyio.to_thread

_T = TypeVar("_T")
_Job = tuple[
    asyncio.AbstractEventLoop,
    "asyncio.Future[Any]",
    contextvars.Context,
    Callable[..., Any],
    tuple[Any, ...],
]


class WorkerThreads:
    """Worker threads of one kind of request (see the module's docstring)."""

    def __init__(self, name: str, *, limit: int = 64, idle_seconds: float = 10.0) -> None:
        self._name = name
        self._limit = limit
        self._idle_seconds = idle_seconds
        self._idle: list[_Worker] = []  # most recently used last: it is taken first
        self._busy = 0
        self._lock = threading.Lock()  # uncontended on one loop; callers on several loops exist

    async def run(self, function: Callable[..., _T], *args: Any) -> _T:
        """`function(*args)` in a worker thread; its result, or its exception raised here."""
        with self._lock:
            worker = self._idle.pop() if self._idle else None
            taken = worker is not None or self._busy < self._limit
            self._busy += taken
        if not taken:
            return await anyio.to_thread.run_sync(function, *args)
        worker = worker or _Worker(self)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[_T] = loop.create_future()
        worker.jobs.put((loop, future, contextvars.copy_context(), function, args))
        return await future

    @property
    def threads(self) -> int:
        """Threads started and not stopped (busy or idle)."""
        return self._busy + len(self._idle)

    def _finished(
        self, worker: _Worker, future: asyncio.Future[Any], result: Any, error: BaseException | None
    ) -> None:
        """On the event loop: the thread is free again, and the caller gets its answer."""
        worker.idle_since = now = time.monotonic()
        with self._lock:
            self._busy -= 1
            self._idle.append(worker)
            # The longest idle come first; stop those idle too long (never the one just freed).
            while self._idle[0].idle_since < now - self._idle_seconds:
                self._idle.pop(0).jobs.put(None)
        if future.cancelled():  # the caller went away; the call finished all the same
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def _stopped(self) -> None:
        with self._lock:
            self._busy -= 1


class _Worker:
    def __init__(self, threads: WorkerThreads) -> None:
        self.jobs: SimpleQueue[_Job | None] = SimpleQueue()
        self.idle_since = 0.0
        self._threads = threads
        threading.Thread(target=self._serve, name=f"{threads._name}-worker", daemon=True).start()

    def _serve(self) -> None:
        while (job := self.jobs.get()) is not None:
            loop, future, context, function, args = job
            del job
            result: Any = None
            error: BaseException | None = None
            try:
                result = context.run(function, *args)
            except BaseException as exc:  # handed to the caller, as anyio does
                error = exc
            try:
                loop.call_soon_threadsafe(self._threads._finished, self, future, result, error)
            except RuntimeError:  # the loop is closed: nobody is waiting any more
                self._threads._stopped()
                return
            del loop, future, context, function, args, result, error
