"""`badge-issuer worker`: deliver outbox jobs without serving HTTP (optional; `serve` does too)."""

from __future__ import annotations

import signal
import threading
from types import FrameType

from badge_issuer.cli_support import say
from badge_issuer.config import get_settings


def worker() -> None:
    """Deliver learner mail and provider callbacks until stopped (SIGTERM or Ctrl-C)."""
    from badge_issuer import migrate
    from badge_issuer.db import create_db_engine
    from badge_issuer.kit.logging import configure_logging
    from badge_issuer.notifications import runtime

    settings = get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    migrate.upgrade(settings.database_url)
    engine = create_db_engine(settings.database_url)
    dispatcher = runtime.dispatcher(engine, settings)
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    say(f"outbox worker {dispatcher.owner} delivering")
    try:
        dispatcher.run_forever(stop)
    finally:
        dispatcher.close()
        engine.dispose()
