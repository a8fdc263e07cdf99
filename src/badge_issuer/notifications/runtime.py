"""Wire the dispatcher to its channels: what `serve` and `badge-issuer worker` run."""

from __future__ import annotations

from sqlalchemy import Engine

from badge_issuer.config import Settings
from badge_issuer.db import make_session_factory
from badge_issuer.kit.clock import Clock, utc_now
from badge_issuer.notifications.callbacks import CallbackSender
from badge_issuer.notifications.mail import MailSender
from badge_issuer.outbox.dispatcher import (
    BackgroundDispatcher,
    BatchHandler,
    Dispatcher,
    WaitIdle,
)
from badge_issuer.outbox.models import Channel


def handlers(engine: Engine, settings: Settings, clock: Clock) -> dict[str, BatchHandler]:
    """One sender per channel."""
    factories = {
        "session_factory": make_session_factory(engine),
        "read_factory": make_session_factory(engine, read_only=True),
    }
    return {
        Channel.CALLBACKS: CallbackSender(**factories, settings=settings, clock=clock),
        Channel.MAIL: MailSender(**factories, settings=settings, clock=clock),
    }


def dispatcher(
    engine: Engine, settings: Settings, clock: Clock = utc_now, wait_idle: WaitIdle | None = None
) -> Dispatcher:
    return Dispatcher(
        engine=engine,
        settings=settings,
        handlers=handlers(engine, settings, clock),
        clock=clock,
        batch=settings.outbox_batch_size,
        wait_idle=wait_idle,
    )


def start_background(
    engine: Engine, settings: Settings, clock: Clock, wait_idle: WaitIdle | None = None
) -> BackgroundDispatcher:
    """Start delivering in this process (the app's lifespan); stop() it on shutdown.
    `wait_idle`: the process's requests in flight (kit/activity.py), which the loop gives way to."""
    background = BackgroundDispatcher(dispatcher(engine, settings, clock, wait_idle))
    background.start()
    return background
