"""Headers for browsers: `nosniff` on every answer, CORS for the public read-only documents.

DID documents, credentials, status lists and achievements are fetched by verifiers that run in
a browser on another origin; they carry no secrets and are the same for everyone, so any origin
may GET them (`Access-Control-Allow-Origin: *`, no credentials). Admin routes and every other
method get no CORS header, so browsers keep other origins away from them. Preflights for a
public GET are answered here (204); anything else falls through to the application.
"""

from __future__ import annotations

from starlette.types import Message, Receive, Scope, Send

from badge_issuer.kit.asgi import HttpMiddleware, header

_PRIVATE_PREFIXES = ("/v1/admin/", "/credentials/issue", "/docs", "/redoc")
_READ_METHODS = frozenset({"GET", "HEAD"})
_NOSNIFF = (b"x-content-type-options", b"nosniff")
_ANY_ORIGIN = (b"access-control-allow-origin", b"*")
_PUBLIC_EXTRA = (_NOSNIFF, _ANY_ORIGIN)
_PRIVATE_EXTRA = (_NOSNIFF,)


def is_public_read(method: str, path: str) -> bool:
    return method in _READ_METHODS and not path.startswith(_PRIVATE_PREFIXES)


class PublicHeadersMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        method: str = scope["method"]
        if method == "OPTIONS" and _is_public_preflight(scope):
            await _preflight(send)
            return
        extra = _PUBLIC_EXTRA if is_public_read(method, scope["path"]) else _PRIVATE_EXTRA

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", ())
                present = {name.lower() for name, _ in headers}
                message["headers"] = [
                    *headers,
                    *(pair for pair in extra if pair[0] not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_public_preflight(scope: Scope) -> bool:
    requested = (header(scope, b"access-control-request-method") or b"").decode("latin-1")
    has_origin = header(scope, b"origin") is not None
    return has_origin and bool(requested) and is_public_read(requested.upper(), scope["path"])


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
