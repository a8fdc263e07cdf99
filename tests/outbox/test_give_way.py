"""Inside `serve`, the dispatcher gives way to requests in flight (kit/activity.py)."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from badge_issuer.config import Settings
from badge_issuer.kit.activity import CountRequestsMiddleware, RequestsInFlight
from badge_issuer.notifications import runtime
from badge_issuer.outbox import dispatcher as outbox_dispatcher
from tests.harness import Harness
from tests.outbox.support import SteppedClock, earn_bronze, jobs


class TestRequestsInFlight:
    def test_the_middleware_counts_a_request_until_its_last_byte(self) -> None:
        requests = RequestsInFlight()
        seen: list[tuple[int, bool]] = []

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            seen.append((requests.count, requests.wait_idle(0)))
            await send({"type": "http.response.start", "status": 204, "headers": []})
            seen.append((requests.count, requests.wait_idle(0)))
            await send({"type": "http.response.body", "body": b""})

        counted = CountRequestsMiddleware(app, requests=requests)

        async def call() -> int:
            transport = httpx.ASGITransport(app=counted)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                return (await client.get("/")).status_code

        assert asyncio.run(call()) == 204
        assert seen == [(1, False), (1, False)]
        assert (requests.count, requests.wait_idle(0)) == (0, True)

    def test_waiting_for_idle_returns_when_the_last_request_ends(self) -> None:
        requests = RequestsInFlight()
        requests.started()
        requests.started()
        requests.finished()
        assert requests.wait_idle(0.01) is False
        threading.Timer(0.05, requests.finished).start()
        started = time.monotonic()
        assert requests.wait_idle(5) is True
        assert time.monotonic() - started < 4


class TestDispatcherGivesWay:
    def test_it_waits_a_little_before_each_piece_of_work_while_requests_run(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        earn_bronze(harness, "first@example.jp")
        earn_bronze(harness, "second@example.jp")
        requests = RequestsInFlight()
        requests.started()  # a request that never ends
        waits: list[float] = []

        def wait_idle(timeout: float) -> bool:
            waits.append(timeout)
            return requests.wait_idle(timeout)

        worker = runtime.dispatcher(app.state.engine, settings, SteppedClock(), wait_idle)
        started = time.monotonic()
        assert worker.run_once() == 2
        took = time.monotonic() - started
        worker.close()
        # The claim, the mails' facts, each of the two attempts and the outcomes.
        assert waits == [outbox_dispatcher.YIELD_SECONDS] * 5
        assert requests.wait_idle(0) is False
        # The two attempts run side by side (the dispatcher sends a batch a few at a time), so
        # their waits overlap: four waits one after the other.
        assert took >= 4 * outbox_dispatcher.YIELD_SECONDS
        # It still delivers: giving way is bounded.
        assert {job.state for job in jobs(app, "mail")} == {"delivered"}

    def test_without_requests_it_does_not_wait(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        earn_bronze(harness)
        requests = RequestsInFlight()
        answers: list[bool] = []

        def wait_idle(timeout: float) -> bool:
            answers.append(requests.wait_idle(timeout))
            return answers[-1]

        worker = runtime.dispatcher(app.state.engine, settings, SteppedClock(), wait_idle)
        assert worker.run_once() == 1
        worker.close()
        assert answers == [True] * 4  # idle at once: the claim, the facts, the attempt, outcomes
        assert {job.state for job in jobs(app, "mail")} == {"delivered"}
