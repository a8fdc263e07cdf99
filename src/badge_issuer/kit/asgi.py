"""Pieces every pure-ASGI middleware of the service shares.

The middleware run outside FastAPI (no Request objects, no exception handlers), so the two
things each needs are here once: passing non-HTTP scopes (lifespan) through untouched, and
answering an RFC 9457 problem straight onto the ASGI `send`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

PROBLEM_MEDIA_TYPE = b"application/problem+json"


def header(scope: Scope, name: bytes) -> bytes | None:
    """The value of a request header (lower-case `name`; the last one if repeated), or None.

    A scan of the few (name, value) pairs: building a dict of them on each request, in each
    middleware, cost more.
    """
    found = None
    for key, value in scope["headers"]:
        if key == name:
            found = value
    return found


class HttpMiddleware:
    """A middleware that acts on HTTP requests only; subclasses implement `handle`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


async def send_problem(
    scope: Scope,
    send: Send,
    *,
    problem_type: str,
    title: str,
    status: int,
    detail: str,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """Answer a problem+json document, with the request id when one was assigned."""
    body: dict[str, object] = {
        "type": problem_type,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": scope["path"],
    }
    request_id = scope.get("state", {}).get("request_id")
    response_headers = [(b"content-type", PROBLEM_MEDIA_TYPE)]
    if request_id:
        body["request_id"] = request_id
        response_headers.append((b"x-request-id", str(request_id).encode()))
    payload = json.dumps(body).encode()
    response_headers.append((b"content-length", str(len(payload)).encode()))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*response_headers, *headers],
        }
    )
    await send({"type": "http.response.body", "body": payload})
