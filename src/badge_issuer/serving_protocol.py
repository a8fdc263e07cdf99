"""uvicorn's HTTP/1.1 protocol with the limits a public server needs and uvicorn lacks.

uvicorn (h11) waits forever for a request head that trickles in, and for a body that never
ends: 2,000 such connections all stayed open for 30 s and more. This protocol adds
- a header timeout: the request line and headers must arrive within `header_timeout_seconds`
  of the connection opening (or of the first byte after a keep-alive pause);
- a body timeout: the whole body must arrive within `body_timeout_seconds` of the head;
- a cap on concurrent connections per client address (`max_connections_per_client`): a
  connection over the cap gets a 429 problem and is closed at once.
A connection past a timeout is closed; the endpoint waiting for its body sees a disconnect.
The counts are per process (per worker), keyed by the peer address (a proxy's, behind one).
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import h11
import structlog
from uvicorn.protocols.http.h11_impl import H11Protocol

from badge_issuer.config import get_settings
from badge_issuer.kit.ratelimit import LogBudget, Rate

log = structlog.get_logger("badge_issuer.server")
_log_budget = LogBudget(Rate(30, 60))
_connections_per_client: Counter[str] = Counter()


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    header_timeout: float
    body_timeout: float
    max_per_client: int


def _limits() -> ConnectionLimits:
    settings = get_settings()
    return ConnectionLimits(
        header_timeout=settings.header_timeout_seconds,
        body_timeout=settings.body_timeout_seconds,
        max_per_client=settings.max_connections_per_client,
    )


def _note(event: str, **fields: Any) -> None:
    """One INFO line per event kind within a budget: 2,000 slow clients are not 2,000 lines."""
    suppressed = _log_budget.allow(event)
    if suppressed is not None:
        log.info(event, suppressed=suppressed, **fields)


class GuardedH11Protocol(H11Protocol):
    """H11Protocol plus header/body timeouts and a per-client connection cap."""

    limits: ConnectionLimits | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if GuardedH11Protocol.limits is None:
            GuardedH11Protocol.limits = _limits()
        self._limits = GuardedH11Protocol.limits
        self._timer: asyncio.TimerHandle | None = None
        self._counted: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        address = self.client[0] if self.client else "unknown"
        if _connections_per_client[address] >= self._limits.max_per_client:
            _note("connection refused: too many from one client", client=address)
            self._refuse_connection()
            return
        _connections_per_client[address] += 1
        self._counted = address
        self._arm(self._limits.header_timeout, "request head")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._counted is not None:
            _connections_per_client[self._counted] -= 1
            if _connections_per_client[self._counted] <= 0:
                del _connections_per_client[self._counted]
            self._counted = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._timer is None and self.conn.their_state is h11.IDLE:
            self._arm(self._limits.header_timeout, "request head")  # after a keep-alive pause
        super().data_received(data)

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        cycle = self.cycle
        if cycle is not None and cycle is not before:
            self._disarm()  # the head is complete
            if cycle.more_body:
                self._arm(self._limits.body_timeout, "request body")
        elif cycle is not None and not cycle.more_body and self.conn.their_state is not h11.IDLE:
            self._disarm()  # the body is complete

    def _arm(self, seconds: float, what: str) -> None:
        self._disarm()
        self._timer = self.loop.call_later(seconds, self._expire, seconds, what)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self, seconds: float, what: str) -> None:
        self._timer = None
        if self.transport.is_closing():
            return
        if what == "request body" and (self.cycle is None or not self.cycle.more_body):
            return
        if what == "request body" and self.flow.read_paused:
            # The application has not read the buffered body yet: the wait is ours, not the
            # client's. Look again later instead of cutting a client that sent in time.
            self._arm(seconds, what)
            return
        if what == "request head" and self.conn.their_state is not h11.IDLE:
            return
        _note(f"connection closed: {what} not received in time", limit_seconds=seconds)
        self.transport.close()

    def _refuse_connection(self) -> None:
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
        self.transport.write(head + body)
        self.transport.close()
