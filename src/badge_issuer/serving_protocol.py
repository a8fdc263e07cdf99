"""uvicorn's HTTP/1.1 protocol with the limits a public server needs and uvicorn lacks.

uvicorn waits forever for a request head that trickles in, and for a body that never ends:
2,000 such connections all stayed open for 30 s and more. This protocol adds
- a header timeout: the request line and headers must arrive within `header_timeout_seconds`
  of the connection opening (or of the first byte after a keep-alive pause);
- a body timeout: the whole body must arrive within `body_timeout_seconds` of the head;
- a bound on the request head (`MAX_HEAD_BYTES`, h11's default): over it, 400 and close;
- a cap on concurrent connections per client address (`max_connections_per_client`): a
  connection over the cap gets a 429 problem and is closed at once.
A connection past a timeout is closed; the endpoint waiting for its body sees a disconnect.
The counts are per process (per worker), keyed by the peer address (a proxy's, behind one).

It wraps uvicorn's httptools protocol (llhttp, in C) rather than its h11 one (pure Python): in
process over loopback, about 0.2 ms less CPU per request (bench/http_layer.py). h11 refused a head
over 16 KiB; llhttp has no such bound, hence `MAX_HEAD_BYTES`.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import structlog
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from badge_issuer.kit.ratelimit import LogBudget, Rate

log = structlog.get_logger("badge_issuer.server")
_log_budget = LogBudget(Rate(30, 60))
_connections_per_client: Counter[str] = Counter()
# h11's default bound on an incomplete request head (uvicorn's h11 protocol had it).
MAX_HEAD_BYTES = 16 * 1024
HEAD, BODY = "request head", "request body"


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    header_timeout: float
    body_timeout: float
    max_per_client: int


_limits: ConnectionLimits | None = None


def connection_limits() -> ConnectionLimits:
    """The limits from the settings, read once per process (the first connection)."""
    global _limits
    if _limits is None:
        # Imported here: a worker process imports this module (uvicorn's config names the
        # protocol) before it can answer the supervisor's health checks, and the settings'
        # imports cost ~0.3 s of CPU: on a loaded machine a worker missed the 5 s check,
        # was killed and restarted, again and again.
        from badge_issuer.config import get_settings

        settings = get_settings()
        _limits = ConnectionLimits(
            header_timeout=settings.header_timeout_seconds,
            body_timeout=settings.body_timeout_seconds,
            max_per_client=settings.max_connections_per_client,
        )
    return _limits


def _note(event: str, **fields: Any) -> None:
    """One INFO line per event kind within a budget: 2,000 slow clients are not 2,000 lines."""
    suppressed = _log_budget.allow(event)
    if suppressed is not None:
        log.info(event, suppressed=suppressed, **fields)


class _Guard:
    """One connection's timer and its place in the per-client count."""

    __slots__ = ("counted", "limits", "loop", "timer", "timing")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.limits = connection_limits()
        self.loop = loop
        self.timer: asyncio.TimerHandle | None = None
        self.timing: str | None = None  # HEAD or BODY while the timer runs
        self.counted: str | None = None

    def admit(self, client: tuple[str, int] | None) -> bool:
        """Count the connection for its client address; False (not counted) over the cap."""
        address = client[0] if client else "unknown"
        if _connections_per_client[address] >= self.limits.max_per_client:
            _note("connection refused: too many from one client", client=address)
            return False
        _connections_per_client[address] += 1
        self.counted = address
        return True

    def release(self) -> None:
        self.disarm()
        if self.counted is not None:
            _connections_per_client[self.counted] -= 1
            if _connections_per_client[self.counted] <= 0:
                del _connections_per_client[self.counted]
            self.counted = None

    def arm(self, what: str, expire: Any) -> None:
        self.disarm()
        seconds = self.limits.header_timeout if what == HEAD else self.limits.body_timeout
        self.timer = self.loop.call_later(seconds, expire, seconds, what)
        self.timing = what

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
            self.timing = None


def _refuse_connection(transport: asyncio.Transport) -> None:
    body = json.dumps(
        {
            "type": "about:blank",
            "title": "Too many connections",
            "status": 429,
            "detail": "This client has too many open connections; close some and retry.",
        }
    ).encode()
    head = (
        "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\nretry-after: 1\r\nconnection: close\r\n\r\n"
    ).encode()
    transport.write(head + body)
    transport.close()


def _close_late(transport: asyncio.Transport, seconds: float, what: str) -> None:
    _note(f"connection closed: {what} not received in time", limit_seconds=seconds)
    transport.close()


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol plus header/body timeouts, a head size bound and a per-client cap."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guard = _Guard(self.loop)
        self._awaiting_head = True  # no head since the connection opened or the last message
        self._head_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if not self._guard.admit(self.client):
            _refuse_connection(transport)
            return
        self._guard.arm(HEAD, self._expire)

    def connection_lost(self, exc: Exception | None) -> None:
        self._guard.release()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._awaiting_head:
            if self._guard.timer is None:
                self._guard.arm(HEAD, self._expire)  # after a keep-alive pause
            self._head_bytes += len(data)
        before = self.cycle
        super().data_received(data)
        cycle = self.cycle
        if cycle is not before:  # a head completed: time the body, if one is still coming
            if cycle.more_body:
                self._guard.arm(BODY, self._expire)
            else:
                self._guard.disarm()
        elif cycle is not None and not cycle.more_body and self._guard.timing == BODY:
            self._guard.disarm()  # the body is complete
        over = self._awaiting_head and self._head_bytes > MAX_HEAD_BYTES
        if over and not self.transport.is_closing():
            self.send_400_response("Request head too large.")

    def on_headers_complete(self) -> None:
        self._awaiting_head = False
        self._head_bytes = 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._awaiting_head = True  # the next bytes begin the next request

    def _expire(self, seconds: float, what: str) -> None:
        self._guard.timer = self._guard.timing = None
        if self.transport.is_closing():
            return
        if what == BODY and (self.cycle is None or not self.cycle.more_body):
            return
        if what == BODY and self.flow.read_paused:
            # The application has not read the buffered body yet: the wait is ours, not the
            # client's. Look again later instead of cutting a client that sent in time.
            self._guard.arm(BODY, self._expire)
            return
        if what == HEAD and not self._awaiting_head:
            return
        _close_late(self.transport, seconds, what)
