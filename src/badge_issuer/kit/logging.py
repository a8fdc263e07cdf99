"""Structured JSON logs with a request id on every line, and secrets scrubbed before output."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog

# Values under these keys are never written, whatever the caller passes.
_SECRET_KEYS = re.compile(
    r"(secret|token|password|private|authorization|signature|proof_value|kek|seed)", re.I
)
# Bearer tokens and webhook secrets that slip into free text are masked too.
_SECRET_TEXT = re.compile(r"(whsec_[A-Za-z0-9+/=]+|bi_[A-Za-z0-9_\-]{20,}|Bearer\s+\S+)")


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _SECRET_TEXT.sub("[redacted]", value)
    if isinstance(value, dict):
        return {
            k: "[redacted]" if _SECRET_KEYS.search(str(k)) else _scrub(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def scrub_secrets(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: drop secret-looking keys and mask token-looking text."""
    return {
        key: "[redacted]" if _SECRET_KEYS.search(key) else _scrub(value)
        for key, value in event_dict.items()
    }


def configure_logging(*, level: str = "INFO", json: bool = True) -> None:
    """Route stdlib and structlog output through one JSON renderer on stderr."""
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        scrub_secrets,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's access log would print full URLs (query strings may carry emails): ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True
    # Readiness probes open a migration context on every call; its INFO lines are noise.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
