"""Run the ASGI app under uvicorn: one process, or N workers sharing one TCP listener.

With several workers uvicorn binds the listener itself and leaves its `proto` at 0; asyncio
turns TCP_NODELAY on only for accepted sockets whose `proto` is TCP, so every response on a
keep-alive connection waited ~40 ms for the client's delayed ACK (uvicorn issue #3149; measured
here: 44 ms per request with --workers 2, 1 ms with one worker). The workers get the same
listener re-wrapped with `proto` IPPROTO_TCP instead.
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

ASGI_APP = "badge_issuer.asgi:app"


def tcp_listener(config: uvicorn.Config) -> socket.socket:
    """Bind as uvicorn does, then mark the socket as TCP so accepted ones get TCP_NODELAY."""
    bound = config.bind_socket()
    if bound.family not in (socket.AF_INET, socket.AF_INET6):
        return bound
    listener = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, bound.detach())
    listener.set_inheritable(True)  # the workers receive it
    return listener


def run(*, host: str, port: int, workers: int) -> None:
    """Serve until stopped: in this process, or under uvicorn's multiprocess supervisor."""
    if workers == 1:
        uvicorn.run(
            ASGI_APP, host=host, port=port, log_config=None, access_log=False, proxy_headers=True
        )
        return
    config = uvicorn.Config(
        ASGI_APP,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        proxy_headers=True,
    )
    Multiprocess(config, sockets=[tcp_listener(config)]).run()
