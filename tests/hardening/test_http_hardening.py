"""HTTP: rate limits, CORS and nosniff, auth before body, docs, one log entry per failure."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from structlog.testing import capture_logs

from badge_issuer.admin.scopes import Scope
from badge_issuer.config import Environment, Settings
from badge_issuer.kit.ratelimit import Rate, TokenBuckets
from badge_issuer.kit.ratelimit_middleware import classify
from badge_issuer.main import create_app
from tests.admin.factories import bearer, make_token
from tests.harness import Harness


def _app(settings: Settings, **changes: object) -> FastAPI:
    return create_app(settings.model_copy(update=changes))


@pytest.fixture
def limited(settings: Settings) -> Iterator[TestClient]:
    app = _app(
        settings,
        rate_limit_public="2/minute",
        rate_limit_webhook="2/minute",
        rate_limit_admin="3/minute",
    )
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


class TestTokenBuckets:
    def test_a_burst_then_one_per_interval(self) -> None:
        now = [0.0]
        buckets = TokenBuckets(Rate(3, 60), clock=lambda: now[0])
        assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
        assert buckets.take("a") == pytest.approx(20.0)
        assert buckets.take("b") == 0.0  # another key is not affected
        now[0] = 20.0
        assert buckets.take("a") == 0.0

    def test_keys_are_bounded(self) -> None:
        buckets = TokenBuckets(Rate(1, 60), max_keys=10)
        for index in range(1000):
            buckets.take(str(index))
        assert len(buckets._buckets) == 10


class TestClassification:
    @staticmethod
    def scope(method: str, path: str, client: str = "198.51.100.7", auth: bytes = b"") -> dict:
        headers = [(b"authorization", auth)] if auth else []
        return {"method": method, "path": path, "client": (client, 1), "headers": headers}

    def test_webhooks_are_limited_per_provider_whoever_sends(self) -> None:
        one = classify(self.scope("POST", "/v1/providers/manabi/completions", "192.0.2.1"))
        two = classify(self.scope("POST", "/v1/providers/manabi/completions", "192.0.2.2"))
        assert one[:2] == two[:2] == ("webhook", "provider:manabi")

    def test_admin_routes_are_limited_per_token(self) -> None:
        first = classify(self.scope("GET", "/v1/admin/issuers", auth=b"Bearer bi_one"))
        second = classify(self.scope("GET", "/v1/admin/issuers", auth=b"Bearer bi_two"))
        assert first[0] == second[0] == "admin"
        assert first[1] != second[1]
        assert "bi_one" not in first[1]

    def test_public_posts_per_client_and_public_reads_not_at_all(self) -> None:
        assert classify(self.scope("POST", "/verify"))[:2] == ("public", "client:198.51.100.7")
        assert classify(self.scope("GET", "/issuers/default/did.json"))[0] is None


class TestRateLimits:
    def test_public_posts_get_429_with_retry_after(self, limited: TestClient) -> None:
        answers = [limited.post("/verify", json={}) for _ in range(3)]
        assert [a.status_code for a in answers[:2]] == [422, 422]
        refused = answers[2]
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) == 30
        assert refused.json()["title"] == "Too many requests"
        assert "2/minute" in refused.json()["detail"]

    def test_webhooks_per_provider(self, limited: TestClient) -> None:
        statuses = [limited.post("/v1/providers/p-one/completions", json={}).status_code]
        statuses += [limited.post("/v1/providers/p-one/completions", json={}).status_code]
        statuses += [limited.post("/v1/providers/p-one/completions", json={}).status_code]
        assert statuses[2] == 429
        assert 429 not in statuses[:2]
        assert limited.post("/v1/providers/p-two/completions", json={}).status_code != 429

    def test_admin_routes_per_token(self, limited: TestClient) -> None:
        app = limited.app
        assert isinstance(app, FastAPI)
        first, second = make_token(app, Scope.ISSUERS), make_token(app, Scope.ISSUERS)
        statuses = [
            limited.get("/v1/admin/issuers", headers=bearer(first)).status_code for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        assert limited.get("/v1/admin/issuers", headers=bearer(second)).status_code == 200

    def test_limits_can_be_switched_off(self, client: TestClient) -> None:
        assert all(client.post("/verify", json={}).status_code == 422 for _ in range(30))


class TestPublicHeaders:
    def test_public_json_has_cors_and_nosniff(self, harness: Harness, client: TestClient) -> None:
        for path in ("/issuers/default/did.json", "/issuers/default", "/achievements"):
            answer = client.get(path)
            assert answer.status_code == 200, path
            assert answer.headers["access-control-allow-origin"] == "*", path
            assert answer.headers["x-content-type-options"] == "nosniff", path

    def test_a_preflight_for_get_is_answered(self, client: TestClient) -> None:
        answer = client.options(
            "/issuers/default/did.json",
            headers={"Origin": "https://verifier.example", "Access-Control-Request-Method": "GET"},
        )
        assert answer.status_code == 204
        assert answer.headers["access-control-allow-methods"] == "GET, HEAD"

    def test_admin_routes_and_posts_get_no_cors(self, client: TestClient) -> None:
        assert "access-control-allow-origin" not in client.get("/v1/admin/issuers").headers
        answer = client.post("/verify", json={})
        assert "access-control-allow-origin" not in answer.headers
        assert answer.headers["x-content-type-options"] == "nosniff"
        preflight = client.options(
            "/verify",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in preflight.headers


class TestAuthenticationBeforeBody:
    def test_no_token_and_broken_json_is_401(self, client: TestClient) -> None:
        answer = client.post(
            "/v1/admin/issuers", content=b"{broken", headers={"content-type": "application/json"}
        )
        assert answer.status_code == 401
        assert "broken" not in answer.text

    def test_no_token_and_a_big_chunked_body_is_401(self, client: TestClient) -> None:
        def chunks() -> Iterator[bytes]:
            for _ in range(40):
                yield b"x" * 65536

        answer = client.post("/v1/admin/providers", content=chunks())
        assert answer.status_code == 401

    def test_every_admin_operation_refuses_before_reading(self, app: FastAPI) -> None:
        checked = 0
        with TestClient(app) as client:
            for route in iter_route_contexts(app.routes):
                path = route.path or ""
                if not path.startswith(("/v1/admin/", "/credentials/issue")):
                    continue
                for method in (route.methods or set()) - {"HEAD"}:
                    url = path.replace("{", "").replace("}", "")
                    answer = client.request(method, url, content=b"{not json")
                    assert answer.status_code == 401, (method, path, answer.status_code)
                    checked += 1
        assert checked >= 30

    def test_a_token_with_the_wrong_scope_is_403_before_the_body(
        self, app: FastAPI, client: TestClient
    ) -> None:
        token = make_token(app, Scope.STATS)
        answer = client.post(
            "/v1/admin/issuers",
            content=b"{broken",
            headers={**bearer(token), "content-type": "application/json"},
        )
        assert answer.status_code == 403


class TestDocs:
    def test_development_serves_docs_without_a_cdn(self, client: TestClient) -> None:
        page = client.get("/docs")
        assert page.status_code == 200
        assert "cdn" not in page.text.lower()
        assert "https://" not in page.text
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
            assert asset in page.text
        assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200

    def test_production_serves_no_docs(self, settings: Settings, tmp_path: Path) -> None:
        kek = tmp_path / "prod.key"
        kek.write_bytes(b"k" * 32)
        kek.chmod(0o600)
        production = settings.model_copy(
            update={
                "env": Environment.PRODUCTION,
                "public_url": "https://badges.example",
                "key_encryption_key_file": kek,
            }
        )
        app = create_app(production)
        with TestClient(app) as client:
            assert client.get("/docs").status_code == 404
            assert client.get("/redoc").status_code == 404
            assert client.get("/openapi.json").status_code == 200
        app.state.engine.dispose()


def test_a_new_sqlite_file_is_private(tmp_path: Path) -> None:
    from badge_issuer.db import create_db_engine

    engine = create_db_engine(f"sqlite:///{tmp_path / 'fresh' / 'new.db'}")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    engine.dispose()
    assert (tmp_path / "fresh" / "new.db").stat().st_mode & 0o777 == 0o600


class TestOneEntryPerFailure:
    def test_a_5xx_is_one_log_entry(
        self, settings: Settings, caplog: pytest.LogCaptureFixture
    ) -> None:
        app = _app(settings)

        @app.get("/boom")
        def boom() -> None:
            raise RuntimeError("kaboom")

        with TestClient(app) as client, capture_logs() as logs, caplog.at_level(logging.INFO):
            answer = client.get("/boom")
        app.state.engine.dispose()
        assert answer.status_code == 500
        assert answer.headers["content-type"] == "application/problem+json"
        assert "kaboom" not in answer.text
        errors = [e for e in logs if e["log_level"] in ("error", "critical", "exception")]
        assert len(errors) == 1, logs
        assert errors[0]["exc_info"] is not None
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    def test_a_disconnect_is_one_info_line(
        self, settings: Settings, caplog: pytest.LogCaptureFixture
    ) -> None:
        app = _app(settings)
        messages = iter(
            [{"type": "http.request", "body": b"{", "more_body": True}, {"type": "http.disconnect"}]
        )

        async def receive() -> dict:
            return next(messages)

        sent: list[dict] = []

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/verify",
            "raw_path": b"/verify",
            "query_string": b"",
            "headers": [(b"content-type", b"application/json")],
            "client": ("127.0.0.1", 1),
            "server": ("testserver", 80),
            "scheme": "http",
            "root_path": "",
            "http_version": "1.1",
            "asgi": {"version": "3.0"},
        }
        import anyio

        with capture_logs() as logs, caplog.at_level(logging.INFO):
            anyio.run(app, scope, receive, send)
        app.state.engine.dispose()
        assert len(logs) == 1, logs
        assert logs[0]["log_level"] == "info"
        assert "exc_info" not in logs[0]
        assert "disconnected" in logs[0]["event"]
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
