"""The Prometheus text answer: in-process (or every worker's) metrics plus the database gauges.

With several workers (`serve --workers N`) each process writes its counters to files under
PROMETHEUS_MULTIPROC_DIR, which `serve` prepares before the workers start, and the answering
process adds them up (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from prometheus_client import REGISTRY as PROCESS_REGISTRY
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess_directory(directory: Path) -> None:
    """Empty `directory` and point prometheus_client at it, before any worker starts.

    Must run before prometheus_client is imported by the workers (they inherit the variable).
    """
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, mode=0o700)
    os.environ[MULTIPROCESS_VARIABLE] = str(directory)


def metrics_registry(database: Collector) -> CollectorRegistry:
    """Return a registry answering every process's metrics and the database gauges."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROCESS_VARIABLE):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Process())
    registry.register(database)
    return registry


class _Process(Collector):
    """This process's own registry (one worker)."""

    def collect(self):  # type: ignore[no-untyped-def]
        yield from PROCESS_REGISTRY.collect()


def render(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)


def serve_separately(registry: CollectorRegistry, *, host: str, port: int) -> None:
    """Answer the registry on its own port (no authentication: bind it to a private address)."""
    from prometheus_client import start_http_server

    start_http_server(port, addr=host, registry=registry)
