"""One log entry per failed request, never a flood: disconnects are one INFO line, 5xx one entry.

Without this a client that hung up mid-body produced two ERROR entries with full tracebacks
(the app's handler, then uvicorn's "Exception in ASGI application" for the re-raised error):
20 disconnects wrote ~175 KB. Here the exception stops: a disconnect is logged once at INFO
without a traceback; any other error once at ERROR with its traceback, within a budget per
minute (beyond it, one line without traceback, and the next full entry says how many were
cut short), and the client gets a 500 problem when no answer had started.
"""

from __future__ import annotations

import structlog
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from badge_issuer.kit.asgi import HttpMiddleware, send_problem
from badge_issuer.kit.ratelimit import LogBudget, Rate

log = structlog.get_logger("badge_issuer.errors")
TRACEBACKS_PER_MINUTE = 20
DISCONNECT_LINES_PER_MINUTE = 60


class ErrorContainmentMiddleware(HttpMiddleware):
    def __init__(self, app: ASGIApp, *, type_base: str) -> None:
        super().__init__(app)
        self.type_base = type_base
        self._tracebacks = LogBudget(Rate(TRACEBACKS_PER_MINUTE, 60))
        self._disconnects = LogBudget(Rate(DISCONNECT_LINES_PER_MINUTE, 60))

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except ClientDisconnect:
            suppressed = self._disconnects.allow("disconnect")
            if suppressed is not None:
                log.info("client disconnected before the request was read", suppressed=suppressed)
        except Exception as exc:  # the one place an unexpected error is logged
            self._log_error(exc)
            if not started:
                await self._answer_500(scope, send)

    def _log_error(self, exc: Exception) -> None:
        suppressed = self._tracebacks.allow("error")
        if suppressed is None:
            log.error("unhandled error (traceback budget spent)", exc_type=type(exc).__name__)
        else:
            log.error(
                "unhandled error", exc_type=type(exc).__name__, suppressed=suppressed, exc_info=exc
            )

    async def _answer_500(self, scope: Scope, send: Send) -> None:
        try:
            await send_problem(
                scope,
                send,
                problem_type=f"{self.type_base}internal-error",
                title="Internal server error",
                status=500,
                detail="The server could not complete the request; quote the request id when "
                "asking.",
            )
        except OSError:
            return  # the client is gone; the error is logged already
