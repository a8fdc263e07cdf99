"""Headers for browsers: `nosniff` on every answer, CORS for the public read-only documents.

DID documents, credentials, status lists and achievements are fetched by verifiers that run in
a browser on another origin; they carry no secrets and are the same for everyone, so any origin
may GET them (`Access-Control-Allow-Origin: *`, no credentials). Admin routes and every other
method get no CORS header, so browsers keep other origins away from them. Preflights for a
public GET are answered here (204); anything else falls through to the application.
"""

from __future__ import annotations

from starlette.types import Message, Receive, Scope, Send

from badge_issuer.kit.asgi import HttpMiddleware

_PRIVATE_PREFIXES = ("/v1/admin/", "/credentials/issue", "/docs", "/redoc")
_READ_METHODS = frozenset({"GET", "HEAD"})
_NOSNIFF = (b"x-content-type-options", b"nosniff")
_ANY_ORIGIN = (b"access-control-allow-origin", b"*")


def is_public_read(method: str, path: str) -> bool:
    return method in _READ_METHODS and not path.startswith(_PRIVATE_PREFIXES)


class PublicHeadersMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", []))
        requested = headers.get(b"access-control-request-method", b"").decode("latin-1")
        preflight = scope["method"] == "OPTIONS" and b"origin" in headers and requested
        if preflight and is_public_read(requested.upper(), scope["path"]):
            await _preflight(send)
            return
        cors = is_public_read(scope["method"], scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [_NOSNIFF, _ANY_ORIGIN] if cors else [_NOSNIFF]
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(pair for pair in extra if pair[0] not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _preflight(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 204,
            "headers": [
                _ANY_ORIGIN,
                (b"access-control-allow-methods", b"GET, HEAD"),
                (b"access-control-max-age", b"600"),
                _NOSNIFF,
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})
