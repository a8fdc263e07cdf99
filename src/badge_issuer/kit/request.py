"""Per-request dependencies every web room shares: settings, the session, the clock.

They live below `api` so that domain route guards (`admin.deps`) can share the request's
session without importing the routers' package. `api.deps` re-exports them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.types import Send

from badge_issuer.config import Settings
from badge_issuer.kit.clock import Clock


# The small dependencies are `async def`: FastAPI runs a plain `def` dependency on a worker
# thread, and each such hop costs a thread switch and a wake-up of the event loop (measured on
# the completion webhook: about 8% of the server's samples in the event loop's wake-up).
async def get_app_settings(request: Request) -> Settings:
    return app_settings(request)


def app_settings(request: Request) -> Settings:
    """The settings, for code that runs in a worker thread of its own (see api/verify.py)."""
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request: committed once when the endpoint returns, else rolled back.

    Made on the event loop (a session does no I/O until first used); only the commit or the
    rollback, which talk to the database, go to a worker thread.
    """
    session: Session = request.app.state.session_factory()
    try:
        yield session
        if session.in_transaction():
            await _on_worker_thread(session.commit)
    except BaseException:
        await _on_worker_thread(session.rollback)
        raise
    finally:
        session.close()


async def get_read_session(request: Request) -> AsyncIterator[Session]:
    """A session for endpoints that only read (public verification, catalog, credentials)."""
    session: Session = request.app.state.read_session_factory()
    try:
        yield session
    finally:
        if session.in_transaction():
            await _on_worker_thread(session.rollback)
        session.close()


async def _on_worker_thread(step: Callable[[], None]) -> None:
    # Shielded: a client that disconnects must not leave a transaction half ended.
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(step)


async def get_now(request: Request) -> datetime:
    return now_of(request)


def now_of(request: Request) -> datetime:
    """The app's clock, read in a worker thread of its own (see api/verify.py)."""
    clock: Clock = request.app.state.clock
    return clock()


ExceptionHandler = Callable[[Request, Exception], Awaitable[Response]]


def _exception_handler(request: Request, exc: Exception) -> ExceptionHandler | None:
    """The application's handler for `exc`, as Starlette's exception middleware finds it, for
    an endpoint answered from a middleware (`api.verify.DirectVerify`,
    `api.completions.DirectWebhook`).

    Handlers of Exception itself belong to the server-error middleware, outermost, which the
    error containment answers before: they are not looked up here either.
    """
    handlers = request.app.exception_handlers
    for kind in type(exc).__mro__:
        if kind is Exception:
            return None
        if kind in handlers:
            found: ExceptionHandler = handlers[kind]
            return found
    return None


async def respond(request: Request, send: Send, answer: Callable[[], Awaitable[Response]]) -> None:
    """Send `answer()`'s response, or the application's handler's for the problem it raised;
    an exception without a handler propagates to the error containment outside."""
    try:
        response = await answer()
    except Exception as exc:
        handler = _exception_handler(request, exc)
        if handler is None:
            raise
        response = await handler(request, exc)
    await response(request.scope, request.receive, send)


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
# scope="function": commit before the answer is sent, so a failed commit is never a false 2xx.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]
NowDep = Annotated[datetime, Depends(get_now)]
