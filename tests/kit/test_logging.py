"""Log lines are JSON, carry the request id, and never carry secrets."""

from __future__ import annotations

import json
import logging

import pytest
import structlog
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.kit.logging import configure_logging, scrub_secrets


class TestSecretScrubbing:
    def test_secret_keys_are_redacted(self) -> None:
        event = scrub_secrets(None, "info", {"event": "x", "token": "bi_abc", "kek": b"1"})
        assert event["token"] == "[redacted]"
        assert event["kek"] == "[redacted]"

    def test_token_like_text_is_masked(self) -> None:
        event = scrub_secrets(
            None, "info", {"event": "got Bearer bi_0123456789abcdefghijklmn and whsec_QUJDRA=="}
        )
        assert "bi_0123" not in event["event"]
        assert "whsec_QUJD" not in event["event"]

    def test_nested_values_are_scrubbed(self) -> None:
        event = scrub_secrets(None, "info", {"event": "x", "ctx": {"password": "p", "n": 1}})
        assert event["ctx"] == {"password": "[redacted]", "n": 1}


class TestRequestLogs:
    def test_lines_are_json_with_request_id(
        self, app: FastAPI, capsys: pytest.CaptureFixture[str]
    ) -> None:
        @app.get("/_probe/log")
        def probe_log() -> dict[str, str]:
            structlog.get_logger("probe").info("probe line", token="bi_should_not_show")
            return {}

        configure_logging(level="INFO", json=True)
        try:
            with TestClient(app) as client:
                response = client.get("/_probe/log", headers={"x-request-id": "req-abcdef12"})
            lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
        finally:
            logging.getLogger().handlers.clear()
            structlog.reset_defaults()
        assert response.status_code == 200
        probe = [line for line in lines if line.get("event") == "probe line"]
        assert probe
        assert probe[0]["request_id"] == "req-abcdef12"
        assert probe[0]["token"] == "[redacted]"
