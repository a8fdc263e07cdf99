"""The ASGI entry point uvicorn workers import: `badge_issuer.asgi:app`."""

from __future__ import annotations

from badge_issuer.config import get_settings
from badge_issuer.kit.logging import configure_logging
from badge_issuer.main import create_app

_settings = get_settings()
configure_logging(level=_settings.log_level, json=_settings.log_json)
# Every serving process also delivers the outbox (learner mail, provider callbacks).
app = create_app(_settings, deliver_outbox=True, warm_shapes=True)
