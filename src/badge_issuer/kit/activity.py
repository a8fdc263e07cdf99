"""Requests in flight in this process, so that background work can give way to them.

Why: the outbox dispatcher runs in a thread of every `serve` process. While it composes mail
(pure Python) it holds the GIL, and a request gives the GIL up at each statement, await and
thread hand-off (dozens per completion), waiting up to the switch interval (5 ms) to get it
back each time: a batch of mails adds tens to hundreds of milliseconds to the requests it
overlaps. The dispatcher waits for a moment without requests before each piece of its work
(outbox/dispatcher.py).
"""

from __future__ import annotations

import threading

from starlette.types import ASGIApp, Receive, Scope, Send

from badge_issuer.kit.asgi import HttpMiddleware


class RequestsInFlight:
    """A count changed on the event loop's thread only; `wait_idle` may be called from any."""

    def __init__(self) -> None:
        self.count = 0
        self._idle = threading.Event()
        self._idle.set()

    def started(self) -> None:
        self.count += 1
        if self.count == 1:
            self._idle.clear()

    def finished(self) -> None:
        self.count -= 1
        if self.count == 0:
            self._idle.set()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no request is in flight, at most `timeout` seconds; whether it is so."""
        return self._idle.wait(timeout)


class CountRequestsMiddleware(HttpMiddleware):
    """Count every HTTP request from its arrival to its last byte (the outermost middleware)."""

    def __init__(self, app: ASGIApp, *, requests: RequestsInFlight) -> None:
        super().__init__(app)
        self.requests = requests

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.requests.started()
        try:
            await self.app(scope, receive, send)
        finally:
            self.requests.finished()
