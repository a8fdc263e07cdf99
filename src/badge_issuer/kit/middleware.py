"""ASGI middleware: request ids on every answer and log line, and a hard cap on body size."""

from __future__ import annotations

import re
import secrets

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from badge_issuer.kit.asgi import HttpMiddleware, header, send_problem

_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{8,64}$")


class RequestIdMiddleware(HttpMiddleware):
    """Bind a request id (the client's X-Request-ID if sane, else a new one) to logs and answer."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        supplied = (header(scope, b"x-request-id") or b"").decode("latin-1")
        # 32 random hex digits, as uuid4().hex was (minus its fixed version digits); uuid4's
        # object construction cost about as much as the rest of this middleware.
        request_id = supplied if _CLIENT_REQUEST_ID.match(supplied) else secrets.token_hex(16)
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            request_id=request_id, method=scope["method"], path=scope["path"]
        )
        pair = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", ())
                if not any(name.lower() == b"x-request-id" for name, _ in headers):
                    message["headers"] = [*headers, pair]
            await send(message)

        await self.app(scope, receive, send_with_id)


class BodySizeLimitMiddleware(HttpMiddleware):
    """Refuse bodies over the limit with 413 before they are read into memory."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, type_base: str) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes
        self.type_base = type_base

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        await send_problem(
            scope,
            send,
            problem_type=f"{self.type_base}payload-too-large",
            title="Request body too large",
            status=413,
            detail=f"The request body exceeds {self.max_bytes} bytes.",
            headers=[(b"connection", b"close")],
        )


class _BodyTooLarge(Exception):
    pass
