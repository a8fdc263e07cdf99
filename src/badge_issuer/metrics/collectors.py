"""Gauges read from the database when Prometheus scrapes: keys, status lists, connections.

They describe shared state, so every worker would report the same numbers: they are computed
once per scrape by the process answering it, never stored in the multiprocess files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.keys import repository as key_repository
from badge_issuer.outbox import service as outbox_service
from badge_issuer.status import repository as status_repository


class DatabaseCollector(Collector):
    """Collect the database-derived gauges in one short read-only session."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        engine: Engine,
        clock: Callable[[], datetime],
    ) -> None:
        self._session_factory = session_factory
        self._engine = engine
        self._clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily(
            "badge_issuer_database_up", "Whether the scrape could read the database (1) or not."
        )
        try:
            families = self._from_database()
        except SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families
        yield from self._pool()

    def _from_database(self) -> list[GaugeMetricFamily]:
        session = self._session_factory()
        try:
            slugs = {issuer.id: issuer.slug for issuer in issuer_repository.all_issuers(session)}
            keys = GaugeMetricFamily(
                "badge_issuer_signing_keys",
                "Signing keys by issuer and state.",
                labels=["issuer", "state"],
            )
            for issuer_id, state, count in key_repository.state_counts(session):
                keys.add_metric([slugs.get(issuer_id, "unknown"), state], count)
            age = GaugeMetricFamily(
                "badge_issuer_active_signing_key_age_seconds",
                "Seconds since each issuer's active signing key was activated.",
                labels=["issuer"],
            )
            now = self._clock()
            for issuer_id, activated_at in key_repository.active_since(session):
                seconds = (now - activated_at).total_seconds()
                age.add_metric([slugs.get(issuer_id, "unknown")], seconds)
            used = GaugeMetricFamily(
                "badge_issuer_status_list_entries_allocated",
                "Status-list entries handed out to credentials, by issuer.",
                labels=["issuer"],
            )
            capacity = GaugeMetricFamily(
                "badge_issuer_status_list_entries_capacity",
                "Status-list entries the issuer's lists hold in all (new lists are created "
                "when they are full).",
                labels=["issuer"],
            )
            for issuer_id, allocated, size in status_repository.usage_by_issuer(session):
                used.add_metric([slugs.get(issuer_id, "unknown")], allocated)
                capacity.add_metric([slugs.get(issuer_id, "unknown")], size)
            return [keys, age, used, capacity, *_outbox(session, now)]
        finally:
            session.rollback()
            session.close()

    def _pool(self) -> Iterator[GaugeMetricFamily]:
        pool = self._engine.pool
        checked_out = getattr(pool, "checkedout", None)
        size = getattr(pool, "size", None)
        if not callable(checked_out) or not callable(size):
            return
        family = GaugeMetricFamily(
            "badge_issuer_database_pool_connections",
            "Database connections of the answering process's pool, by state.",
            labels=["state"],
        )
        family.add_metric(["checked_out"], checked_out())
        family.add_metric(["pool_size"], size())
        yield family


def _outbox(session: Session, now: datetime) -> list[GaugeMetricFamily]:
    """Mail and callback queues: jobs by state, and how long the oldest pending one has waited."""
    jobs = GaugeMetricFamily(
        "badge_issuer_outbox_jobs",
        "Outbox jobs (mail, provider callbacks) waiting to be delivered or dead-lettered.",
        labels=["channel", "state"],
    )
    oldest = GaugeMetricFamily(
        "badge_issuer_outbox_oldest_pending_age_seconds",
        "Seconds the oldest pending job of each channel has waited (0 when none waits).",
        labels=["channel"],
    )
    for queue in outbox_service.queue_stats(session, now=now):
        jobs.add_metric([str(queue.channel), "pending"], queue.pending)
        jobs.add_metric([str(queue.channel), "dead"], queue.dead)
        oldest.add_metric([str(queue.channel)], queue.oldest_pending_age_seconds)
    return [jobs, oldest]
