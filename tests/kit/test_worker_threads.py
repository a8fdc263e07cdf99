"""kit.worker_threads: a blocking call on a worker thread, answered in the caller's event loop."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from badge_issuer.kit.worker_threads import WorkerThreads

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="none")


def _run(main: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    return asyncio.run(main())


class Refused(Exception):
    pass


class TestWorkerThreads:
    def test_runs_the_call_on_another_thread_and_returns_its_result(self) -> None:
        threads = WorkerThreads("test")

        async def main() -> tuple[int, str]:
            return await threads.run(lambda a, b: (a + b, threading.current_thread().name), 2, 3)

        total, name = _run(main)
        assert total == 5
        assert name == "test-worker"
        assert name != threading.current_thread().name

    def test_the_calls_exception_is_raised_in_the_caller(self) -> None:
        threads = WorkerThreads("test")
        error = Refused("no")

        def fail() -> None:
            raise error

        async def main() -> None:
            await threads.run(fail)

        with pytest.raises(Refused) as raised:
            _run(main)
        assert raised.value is error
        assert threads.threads == 1  # and the thread is free again

    def test_the_call_sees_the_callers_context(self) -> None:
        threads = WorkerThreads("test")

        async def main() -> str:
            _request_id.set("abc123")
            return await threads.run(_request_id.get)

        assert _run(main) == "abc123"

    def test_one_thread_serves_calls_one_after_the_other(self) -> None:
        threads = WorkerThreads("test")

        async def main() -> set[int]:
            return {await threads.run(threading.get_ident) for _ in range(20)}

        assert len(_run(main)) == 1
        assert threads.threads == 1

    def test_concurrent_calls_run_at_the_same_time(self) -> None:
        threads = WorkerThreads("test")
        # Each call waits for all four: they only get there if four threads run them at once.
        barrier = threading.Barrier(4, timeout=10)

        async def main() -> list[int]:
            return await asyncio.gather(*(threads.run(barrier.wait) for _ in range(4)))

        assert sorted(_run(main)) == [0, 1, 2, 3]
        assert threads.threads == 4

    def test_past_the_limit_calls_go_to_anyios_threads(self) -> None:
        threads = WorkerThreads("test", limit=2)
        barrier = threading.Barrier(3, timeout=10)

        def meet() -> str:
            barrier.wait()
            return threading.current_thread().name

        async def main() -> list[str]:
            return await asyncio.gather(*(threads.run(meet) for _ in range(3)))

        names = sorted(_run(main))
        assert names == ["AnyIO worker thread", "test-worker", "test-worker"]
        assert threads.threads == 2

    def test_threads_idle_too_long_are_stopped(self) -> None:
        threads = WorkerThreads("test", idle_seconds=0.05)
        barrier = threading.Barrier(3, timeout=10)

        async def main() -> None:
            await asyncio.gather(*(threads.run(barrier.wait) for _ in range(3)))
            await asyncio.sleep(0.1)
            await threads.run(time.sleep, 0)  # ends after the other two were idle 0.1 s

        before = {thread.ident for thread in threading.enumerate()}
        _run(main)
        assert threads.threads == 1
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            started = [t for t in threading.enumerate() if t.ident not in before]
            if len([t for t in started if t.name == "test-worker"]) == 1:
                break
            time.sleep(0.01)
        else:
            pytest.fail("the idle threads did not stop")

    def test_a_cancelled_caller_leaves_the_call_to_finish_and_the_thread_free(self) -> None:
        threads = WorkerThreads("test")
        started, release, finished = threading.Event(), threading.Event(), threading.Event()
        errors: list[dict[str, Any]] = []

        def slow() -> str:
            started.set()
            release.wait(10)
            finished.set()
            return "done"

        async def main() -> str:
            asyncio.get_running_loop().set_exception_handler(lambda _, error: errors.append(error))
            task = asyncio.create_task(threads.run(slow))
            while not started.is_set():
                await asyncio.sleep(0.001)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            release.set()
            while threads.threads != 1 or not finished.is_set():
                await asyncio.sleep(0.001)
            return await threads.run(lambda: "next")  # the same thread takes the next call

        assert _run(main) == "next"
        assert errors == []  # the dropped answer was not set on the cancelled future
        assert finished.is_set()
        assert threads.threads == 1

    def test_serves_callers_on_several_event_loops(self) -> None:
        threads = WorkerThreads("test")

        async def main() -> int:
            return await threads.run(lambda: 7)

        assert [_run(main) for _ in range(3)] == [7, 7, 7]
        assert threads.threads == 1
