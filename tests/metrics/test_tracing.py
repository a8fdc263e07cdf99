"""Traces over OTLP/HTTP to a real receiver on loopback: requests and SQL, with the request id."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from fastapi.testclient import TestClient
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from badge_issuer import bootstrap
from badge_issuer.config import Settings
from badge_issuer.main import create_app


class _Receiver(BaseHTTPRequestHandler):
    exports: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        type(self).exports.append(self.rfile.read(length))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def collector() -> Iterator[tuple[str, list[bytes]]]:
    _Receiver.exports = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1/traces", _Receiver.exports
    finally:
        server.shutdown()
        server.server_close()


def _spans(exports: list[bytes]) -> list[tuple[str, dict[str, str]]]:
    found = []
    for body in exports:
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        for resource in request.resource_spans:
            for scope in resource.scope_spans:
                for span in scope.spans:
                    attributes = {a.key: a.value.string_value for a in span.attributes}
                    found.append((span.name, attributes))
    return found


class TestTraces:
    def test_requests_and_statements_are_exported_with_the_request_id(
        self, settings: Settings, collector: tuple[str, list[bytes]], tmp_path: Path
    ) -> None:
        endpoint, exports = collector
        traced = settings.model_copy(update={"otlp_endpoint": endpoint})
        bootstrap.prepare(traced)
        app = create_app(traced)
        try:
            with TestClient(app) as client:
                answer = client.get(
                    "/issuers/default/did.json", headers={"X-Request-ID": "trace-me-0001"}
                )
                assert answer.status_code == 200
            assert app.state.tracer_provider.force_flush(10_000)
        finally:
            app.state.tracer_provider.shutdown()
            HTTPXClientInstrumentor().uninstrument()
            app.state.engine.dispose()
        spans = _spans(exports)
        server = [attrs for name, attrs in spans if name == "GET /issuers/{slug}/did.json"]
        assert server, [name for name, _ in spans]
        assert server[0].get("badge_issuer.request_id") == "trace-me-0001"
        statements = [attrs["db.statement"] for name, attrs in spans if name.startswith("SELECT")]
        assert any("signing_key" in statement for statement in statements), statements
