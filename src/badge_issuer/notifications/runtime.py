"""Wire the dispatcher to its channels: what `serve` and `badge-issuer worker` run."""

from __future__ import annotations

from sqlalchemy import Engine

from badge_issuer.config import Settings
from badge_issuer.db import make_session_factory
from badge_issuer.kit.clock import Clock, utc_now
from badge_issuer.notifications.callbacks import CallbackSender
from badge_issuer.notifications.mail import MailSender
from badge_issuer.outbox.dispatcher import BackgroundDispatcher, BatchHandler, Dispatcher
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


def dispatcher(engine: Engine, settings: Settings, clock: Clock = utc_now) -> Dispatcher:
    return Dispatcher(
        engine=engine,
        settings=settings,
        handlers=handlers(engine, settings, clock),
        clock=clock,
        batch=settings.outbox_batch_size,
    )


def start_background(engine: Engine, settings: Settings, clock: Clock) -> BackgroundDispatcher:
    """Start delivering in this process (the app's lifespan); stop() it on shutdown."""
    background = BackgroundDispatcher(dispatcher(engine, settings, clock))
    background.start()
    return background
