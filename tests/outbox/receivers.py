"""Real loopback listeners for outbox tests: an HTTP callback receiver and an SMTP server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook


@dataclass
class Received:
    """One request as the receiver saw it."""

    headers: dict[str, str]
    body: bytes
    started: float
    finished: float = 0.0
    status: int = 0

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    def json(self) -> Any:
        return json.loads(self.body)

    def verify(self, secret: str) -> Any:
        """Check the Standard Webhooks signature as a provider would; return the payload."""
        return Webhook(secret).verify(self.body, self.headers)


@dataclass
class CallbackReceiver:
    """A provider's callback endpoint on 127.0.0.1: answers from a script, records everything.

    `statuses` are answered in order (then `default`); `hang_first` holds the first request
    open without answering (a receiver that is slow while the sender dies); `delay` slows every
    answer, to widen any window in which two senders could overlap.
    """

    statuses: list[int] = field(default_factory=list)
    default: int = 204
    delay: float = 0.0
    hang_first: bool = False
    redirect_to: str | None = None
    received: list[Received] = field(default_factory=list)
    overlaps: list[str] = field(default_factory=list)
    _in_flight: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _release: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/callbacks"

    def _next_status(self) -> tuple[int, bool]:
        with self._lock:
            index = len(self.received) - 1
            hang = self.hang_first and index == 0
            status = self.statuses[index] if index < len(self.statuses) else self.default
            return status, hang

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length", "0"))
        body = handler.rfile.read(length)
        record = Received(
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
            started=time.monotonic(),
        )
        webhook_id = record.headers.get("webhook-id", "")
        with self._lock:
            self.received.append(record)
            self._in_flight[webhook_id] = self._in_flight.get(webhook_id, 0) + 1
            if self._in_flight[webhook_id] > 1:
                self.overlaps.append(webhook_id)
        status, hang = self._next_status()
        try:
            if hang:
                self._release.wait(120)
                return  # never answered: the connection just closes
            time.sleep(self.delay)
            record.status = status
            handler.send_response(status)
            if self.redirect_to and 300 <= status < 400:
                handler.send_header("location", self.redirect_to)
            handler.send_header("content-length", "0")
            handler.end_headers()
        finally:
            record.finished = time.monotonic()
            with self._lock:
                self._in_flight[webhook_id] -= 1

    def __enter__(self) -> CallbackReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        raise TimeoutError(f"expected {count} callbacks, got {len(self.received)}")

    def ids(self) -> Iterator[str]:
        return (r.webhook_id for r in self.received)
