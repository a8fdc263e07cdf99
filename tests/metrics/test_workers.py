"""`serve --workers 2`: every worker's counters add up in one /metrics answer, whoever answers."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from badge_issuer.config import Settings
from tests.faults.servers import ServerProcess, cli, free_port, server_env
from tests.metrics import script
from tests.metrics.expectations import expected_increments

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def two_workers(settings: Settings, tmp_path: Path) -> Iterator[tuple[ServerProcess, Path]]:
    metrics_dir = tmp_path / "metrics"
    env = server_env(settings) | {
        "BADGE_ISSUER_METRICS_DIR": str(metrics_dir),
        "BADGE_ISSUER_SKILL_MAP": str(REPO_ROOT / "examples" / "skill-map.yaml"),
    }
    server = ServerProcess(env, tmp_path / "server.log", workers=2)
    try:
        server.start()
        server.wait_ready()
        yield server, metrics_dir
    finally:
        server.stop()


def _secret_line(result: object) -> str:
    stdout = getattr(result, "stdout", "")
    assert getattr(result, "returncode", 1) == 0, result
    return str(stdout).strip().splitlines()[-1]


@pytest.mark.slow
class TestTwoWorkers:
    def test_one_answer_holds_both_workers_counts(
        self, two_workers: tuple[ServerProcess, Path]
    ) -> None:
        server, metrics_dir = two_workers
        secret = _secret_line(
            cli(
                server.env,
                "provider",
                "create",
                "--id",
                "manabi-portal",
                "--name",
                "まなびポータル",
            )
        )
        token = _secret_line(
            cli(
                server.env,
                "token",
                "create",
                "--scope",
                "metrics",
                "--scope",
                "credentials",
                "--name",
                "metrics-test",
            )
        )
        admin = {"Authorization": f"Bearer {token}"}
        # A new connection per request: the two workers accept in turn from the shared listener.
        headers = {"Connection": "close"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as client:
            before = script.samples(client.get("/metrics", headers=admin).text)
            with ThreadPoolExecutor(8) as pool:
                healthy = list(pool.map(lambda _: client.get("/health").status_code, range(48)))
            assert healthy == [200] * 48
            credential = script.run(client, secret=secret, admin=admin, email="w@example.jp")
            scrapes = [script.samples(client.get("/metrics", headers=admin).text) for _ in range(6)]
        writers = {path.stem.rsplit("_", 1)[-1] for path in metrics_dir.glob("*.db")}
        assert len(writers) >= 2, f"both workers recorded metrics: {sorted(writers)}"
        for after in scrapes:
            for name, labels, increment in expected_increments(credential):
                grown = script.value(after, name, **labels) - script.value(before, name, **labels)
                assert grown == increment, (name, labels, grown)
            health = script.value(
                after,
                "badge_issuer_http_requests_total",
                route="/health",
                method="GET",
                status="200",
            )
            assert (
                health
                - script.value(
                    before,
                    "badge_issuer_http_requests_total",
                    route="/health",
                    method="GET",
                    status="200",
                )
                == 48
            )


@pytest.mark.slow
class TestSeparatePort:
    def test_metrics_answer_on_their_own_port_only(
        self, settings: Settings, tmp_path: Path
    ) -> None:
        metrics_port = free_port()
        env = server_env(settings) | {
            "BADGE_ISSUER_METRICS_DIR": str(tmp_path / "metrics"),
            "BADGE_ISSUER_METRICS_PORT": str(metrics_port),
        }
        server = ServerProcess(env, tmp_path / "server.log", workers=2)
        try:
            server.start()
            server.wait_ready()
            token = _secret_line(cli(env, "token", "create", "--scope", "metrics"))
            with httpx.Client(timeout=30, headers={"Connection": "close"}) as client:
                for _ in range(10):
                    assert client.get(f"{server.base_url}/health").status_code == 200
                answer = client.get(f"http://127.0.0.1:{metrics_port}/metrics")
                here = client.get(
                    f"{server.base_url}/metrics", headers={"Authorization": f"Bearer {token}"}
                )
        finally:
            server.stop()
        assert answer.status_code == 200
        parsed = script.samples(answer.text)
        served = script.value(
            parsed,
            "badge_issuer_http_requests_total",
            route="/health",
            method="GET",
            status="200",
        )
        assert served >= 10, "the supervisor reads every worker's files"
        assert script.value(parsed, "badge_issuer_database_up") == 1
        assert here.status_code == 404
        assert here.headers["content-type"] == "application/problem+json"
