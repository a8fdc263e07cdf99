"""Run the ASGI app under uvicorn: one process, or N workers sharing one TCP listener.

With several workers uvicorn binds the listener itself and leaves its `proto` at 0; asyncio
turns TCP_NODELAY on only for accepted sockets whose `proto` is TCP, so every response on a
keep-alive connection waited ~40 ms for the client's delayed ACK (uvicorn issue #3149; measured
here: 44 ms per request with --workers 2, 1 ms with one worker). The workers get the same
listener re-wrapped with `proto` IPPROTO_TCP instead.

Every worker speaks HTTP/1.1 through `GuardedHttpToolsProtocol` (header and body timeouts, a
bound on the head, a cap on connections per client: issue 21) on uvloop's event loop: httptools
parses in C where h11 parsed in Python, and uvloop's transports and thread wake-ups (each request
to a sync endpoint or POST /verify hands off to a worker thread) cost less than asyncio's.
Measured in process over loopback, GET /health: 1.44 -> 0.96 ms CPU per request.
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

from badge_issuer.config import Settings
from badge_issuer.serving_protocol import GuardedHttpToolsProtocol

ASGI_APP = "badge_issuer.asgi:app"


def tcp_listener(config: uvicorn.Config) -> socket.socket:
    """Bind as uvicorn does, then mark the socket as TCP so accepted ones get TCP_NODELAY."""
    bound = config.bind_socket()
    if bound.family not in (socket.AF_INET, socket.AF_INET6):
        return bound
    listener = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, bound.detach())
    listener.set_inheritable(True)  # the workers receive it
    return listener


def run(*, host: str, port: int, workers: int, settings: Settings) -> None:
    """Serve until stopped: in this process, or under uvicorn's multiprocess supervisor."""
    config = uvicorn.Config(
        ASGI_APP,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        http=GuardedHttpToolsProtocol,
        loop="uvloop",
        # An idle keep-alive connection is closed after this; a trickled head after the header
        # timeout of the protocol.
        timeout_keep_alive=min(5, int(settings.header_timeout_seconds) or 1),
    )
    if workers == 1:
        uvicorn.Server(config).run()
        return
    Multiprocess(config, sockets=[tcp_listener(config)]).run()
