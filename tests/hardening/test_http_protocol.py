"""The guarded httptools protocol in process, over loopback, with short limits.

What the real-server tests (test_slow_clients.py) check with seconds-long timeouts, plus what
llhttp lacks and h11 had: a bound on the request head. Timeouts here are a fraction of a second.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
import uvicorn
from starlette.types import Receive, Scope, Send
from uvicorn.server import ServerState

from badge_issuer import serving_protocol
from badge_issuer.serving_protocol import (
    MAX_HEAD_BYTES,
    ConnectionLimits,
    GuardedHttpToolsProtocol,
)

HEADER_TIMEOUT = 0.4
BODY_TIMEOUT = 0.6
Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@pytest.fixture(autouse=True)
def short_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    limits = ConnectionLimits(
        header_timeout=HEADER_TIMEOUT, body_timeout=BODY_TIMEOUT, max_per_client=3
    )
    monkeypatch.setattr(serving_protocol, "_limits", limits)


async def _echo_length(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer the number of body bytes read, after `x-think` seconds of work."""
    if scope["type"] != "http":
        return
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    think = dict(scope["headers"]).get(b"x-think")
    if think:
        await asyncio.sleep(float(think))
    body = str(size).encode()
    headers = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@asynccontextmanager
async def _server() -> AsyncIterator[Callable[[], Awaitable[Streams]]]:
    config = uvicorn.Config(_echo_length, http=GuardedHttpToolsProtocol, lifespan="off")
    config.load()
    loop = asyncio.get_running_loop()
    state = ServerState()
    server = await loop.create_server(
        lambda: GuardedHttpToolsProtocol(config=config, server_state=state, app_state={}),
        "127.0.0.1",
        0,
    )
    port = server.sockets[0].getsockname()[1]
    opened: list[asyncio.StreamWriter] = []

    async def connect() -> Streams:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        opened.append(writer)
        return reader, writer

    try:
        yield connect
    finally:
        for writer in opened:
            writer.close()
        server.close()
        for protocol in list(state.connections):
            protocol.transport.close()
        await server.wait_closed()


async def _answer(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """(head, body) of one response; (b"", b"") when the server closed first."""
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
    except asyncio.IncompleteReadError:
        return b"", b""
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return head, await reader.readexactly(length)


async def _closed_after(reader: asyncio.StreamReader, started: float) -> float:
    """Seconds from `started` until the server closes the connection."""
    assert await asyncio.wait_for(reader.read(), timeout=5) == b""
    return time.monotonic() - started


def _get(extra: bytes = b"") -> bytes:
    return b"GET / HTTP/1.1\r\nHost: x\r\n" + extra + b"\r\n"


class TestGuardedHttpToolsProtocol:
    def test_a_request_is_served_and_the_connection_kept(self) -> None:
        async def scenario() -> list[bytes]:
            async with _server() as connect:
                reader, writer = await connect()
                bodies = []
                for _ in range(3):
                    writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
                    head, body = await _answer(reader)
                    assert head.startswith(b"HTTP/1.1 200")
                    bodies.append(body)
                writer.close()
                return bodies

        assert asyncio.run(scenario()) == [b"5", b"5", b"5"]

    def test_a_trickled_head_is_cut_after_the_header_timeout(self) -> None:
        async def scenario() -> float:
            async with _server() as connect:
                reader, writer = await connect()
                started = time.monotonic()
                writer.write(b"GET / HTTP/1.1\r\n")
                return await _closed_after(reader, started)

        assert HEADER_TIMEOUT - 0.05 <= asyncio.run(scenario()) < HEADER_TIMEOUT + 1

    def test_a_trickled_head_after_a_keep_alive_request_is_cut(self) -> None:
        async def scenario() -> float:
            async with _server() as connect:
                reader, writer = await connect()
                writer.write(_get())
                assert (await _answer(reader))[0].startswith(b"HTTP/1.1 200")
                await asyncio.sleep(HEADER_TIMEOUT)  # idle: only the keep-alive timeout runs
                started = time.monotonic()
                writer.write(b"GET / HTTP/1.1\r\nHost")
                return await _closed_after(reader, started)

        assert HEADER_TIMEOUT - 0.05 <= asyncio.run(scenario()) < HEADER_TIMEOUT + 1

    def test_a_trickled_body_is_cut_after_the_body_timeout(self) -> None:
        async def scenario() -> float:
            async with _server() as connect:
                reader, writer = await connect()
                started = time.monotonic()
                writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
                for _ in range(20):
                    await asyncio.sleep(0.1)
                    if writer.is_closing() or reader.at_eof():
                        break
                    writer.write(b" ")
                return await _closed_after(reader, started)

        assert BODY_TIMEOUT - 0.05 <= asyncio.run(scenario()) < BODY_TIMEOUT + 1

    def test_a_body_sent_in_time_is_not_cut_while_the_app_works(self) -> None:
        async def scenario() -> tuple[bytes, bytes]:
            async with _server() as connect:
                reader, writer = await connect()
                think = str(BODY_TIMEOUT + HEADER_TIMEOUT).encode()
                writer.write(
                    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nx-think: "
                    + think
                    + b"\r\n\r\nab"
                )
                await asyncio.sleep(0.1)
                writer.write(b"cd")
                return await _answer(reader)

        head, body = asyncio.run(scenario())
        assert head.startswith(b"HTTP/1.1 200")
        assert body == b"4"

    def test_a_head_over_the_bound_is_refused_with_400(self) -> None:
        async def scenario() -> tuple[bytes, bytes]:
            async with _server() as connect:
                reader, writer = await connect()
                filler = b"X-Filler: " + b"a" * 1000 + b"\r\n"
                writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")
                for _ in range(MAX_HEAD_BYTES // len(filler) + 2):
                    writer.write(filler)
                    await writer.drain()
                answer = await asyncio.wait_for(reader.read(), timeout=5)
                return answer.partition(b"\r\n")[0], answer

        status, answer = asyncio.run(scenario())
        assert status == b"HTTP/1.1 400 Bad Request"
        assert b"connection: close" in answer.lower()

    def test_a_head_under_the_bound_is_served(self) -> None:
        async def scenario() -> bytes:
            async with _server() as connect:
                reader, writer = await connect()
                filler = b"X-Filler: " + b"a" * (MAX_HEAD_BYTES - 200) + b"\r\n"
                writer.write(_get(filler))
                return (await _answer(reader))[0]

        assert asyncio.run(scenario()).startswith(b"HTTP/1.1 200")

    def test_connections_over_the_cap_get_429_and_are_closed(self) -> None:
        async def scenario() -> tuple[bytes, bytes]:
            async with _server() as connect:
                held = [await connect() for _ in range(3)]
                reader, _writer = await connect()
                refused = await asyncio.wait_for(reader.read(), timeout=5)
                for _reader, writer in held:
                    writer.close()
                await asyncio.sleep(0.1)
                reader, writer = await connect()
                writer.write(_get())
                return refused, (await _answer(reader))[0]

        refused, after = asyncio.run(scenario())
        assert refused.startswith(b"HTTP/1.1 429")
        assert b"application/problem+json" in refused
        assert after.startswith(b"HTTP/1.1 200")
