"""Concurrent deliveries against two real server processes sharing one PostgreSQL database.

Idempotency rests on unique constraints (webhook id per provider; one completion per learner,
course and time), not on in-process locks, so it must hold across processes: 16 copies of one
webhook and 16 distinct webhooks of one completion each store one completion and one award.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine, make_session_factory, session_scope
from badge_issuer.kit.clock import utc_now
from badge_issuer.providers import service
from badge_issuer.providers.models import Completion, WebhookDelivery
from badge_issuer.providers.schemas import ProviderCreate
from badge_issuer.skillmap import service as skillmap_service
from tests.providers.factories import (
    completion_body,
    completions_url,
    encode,
    one_badge_per_course,
    signed_headers,
)

COPIES = 16


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(base: str, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{base} did not become healthy")


@pytest.fixture
def servers(settings: Settings, db_backend: str, tmp_path: Path) -> Iterator[list[str]]:
    """Two `badge-issuer serve` processes on the test database; their base URLs."""
    if db_backend != "postgresql":
        pytest.skip("several server processes share one database only on PostgreSQL")
    env = {
        "BADGE_ISSUER_DATABASE_URL": settings.database_url,
        "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": str(settings.key_encryption_key_file),
        "BADGE_ISSUER_LOG_LEVEL": "WARNING",
        "PATH": "/usr/bin:/bin",
    }
    ports = [_free_port(), _free_port()]
    processes = []
    logs = [(tmp_path / f"server-{port}.log").open("wb") for port in ports]
    for port, log in zip(ports, logs, strict=True):
        command = [sys.executable, "-m", "badge_issuer", "serve", "--port", str(port)]
        processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=log))
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 120  # generous: a loaded CI machine starts slowly
        for base, process in zip(bases, processes, strict=True):
            _wait_healthy(base, process, deadline)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()


def _prepare(settings: Settings) -> str:
    """Register the provider and a skill map where one course earns one badge."""
    engine = create_db_engine(settings.database_url)
    try:
        for session in session_scope(make_session_factory(engine)):
            _provider, secret = service.create_provider(
                session,
                data=ProviderCreate(id="manabi-portal", name="Manabi"),
                actor="test",
                settings=settings,
                now=utc_now(),
            )
        document = one_badge_per_course("manabi-portal", "DXL-101", "SEC-120")
        for session in session_scope(make_session_factory(engine)):
            checked = skillmap_service.check(session, data=document)
            assert checked.ok, checked.errors
            skillmap_service.store_version(
                session, checked=checked, source_text="{}", created_by="test", now=utc_now()
            )
    finally:
        engine.dispose()
    return secret


def _count(settings: Settings, model: type[object], **where: object) -> int:
    engine = create_db_engine(settings.database_url)
    try:
        for session in session_scope(make_session_factory(engine)):
            query = select(func.count()).select_from(model)  # type: ignore[arg-type]
            for name, value in where.items():
                query = query.where(getattr(model, name) == value)
            return session.scalar(query) or 0
    finally:
        engine.dispose()
    raise AssertionError("unreachable")


def _fire(requests: list[tuple[str, bytes, dict[str, str]]]) -> list[httpx.Response]:
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(len(requests)) as pool:
        futures = [
            pool.submit(client.post, url, content=body, headers=h) for url, body, h in requests
        ]
        return [future.result() for future in futures]


@pytest.mark.postgres
@pytest.mark.slow
class TestConcurrentDeliveries:
    def test_copies_of_one_webhook_and_distinct_webhooks_of_one_completion_store_once(
        self, settings: Settings, servers: list[str]
    ) -> None:
        secret = _prepare(settings)
        same = encode(completion_body(course_id="DXL-101"))
        headers = signed_headers(secret, same, webhook_id="msg_concurrent")
        copies = _fire([(servers[i % 2] + completions_url(), same, headers) for i in range(COPIES)])
        other = encode(completion_body(course_id="SEC-120"))
        distinct = _fire(
            [
                (servers[i % 2] + completions_url(), other, signed_headers(secret, other))
                for i in range(COPIES)
            ]
        )

        assert sorted(r.status_code for r in copies) == [200] * (COPIES - 1) + [201]
        assert len({r.content for r in copies}) == 1  # every copy got the first answer
        assert sorted(r.status_code for r in distinct) == [200] * (COPIES - 1) + [201]
        assert len({r.json()["completion_id"] for r in distinct}) == 1
        first = next(r.json() for r in distinct if r.status_code == 201)
        assert [a["achievement_id"] for a in first["awards"]] == ["badge-sec-120"]
        assert _count(settings, Completion, course_id="DXL-101") == 1
        assert _count(settings, Completion, course_id="SEC-120") == 1
        assert _count(settings, WebhookDelivery) == 1 + COPIES
        assert _count(settings, Award, achievement_id="badge-dxl-101") == 1
        assert _count(settings, Award, achievement_id="badge-sec-120") == 1
