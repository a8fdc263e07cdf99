"""What `serve` prepares for metrics before the workers start."""

from __future__ import annotations

from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine, make_session_factory
from badge_issuer.kit.clock import utc_now
from badge_issuer.metrics import exposition
from badge_issuer.metrics.collectors import DatabaseCollector


def start_metrics(settings: Settings, *, workers: int) -> None:
    """Share counters between workers (multiprocess files), and open METRICS_PORT if set.

    With one worker the counters live in that process; with several, each writes its own
    files under METRICS_DIR (emptied here, before any worker starts) and whoever answers a
    scrape adds them up. The separate port is answered by this process, which with several
    workers is uvicorn's supervisor: it reads every worker's files.
    """
    if workers > 1:
        exposition.prepare_multiprocess_directory(settings.metrics_dir)
    if settings.metrics_port is not None:
        engine = create_db_engine(settings.database_url)
        collector = DatabaseCollector(make_session_factory(engine, read_only=True), engine, utc_now)
        exposition.serve_separately(
            exposition.metrics_registry(collector),
            host=settings.metrics_host,
            port=settings.metrics_port,
        )
