"""The committed OpenAPI document is the app's, and every operation documents its problems."""

from __future__ import annotations

import json
import subprocess
import sys

from badge_issuer.openapi_export import openapi_json
from tests.shared_data import REPO_ROOT

COMMITTED = REPO_ROOT / "openapi" / "openapi.json"


class TestOpenApiDocument:
    def test_committed_document_matches_the_app(self) -> None:
        assert COMMITTED.read_text(encoding="utf-8") == openapi_json(), (
            "openapi/openapi.json is stale: run `badge-issuer openapi > openapi/openapi.json`"
        )

    def test_cli_prints_the_same_document(self) -> None:
        result = subprocess.run(
            [sys.executable, "-c", "from badge_issuer.cli import app; app()", "openapi"],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO_ROOT,
        )
        assert result.stdout == COMMITTED.read_text(encoding="utf-8")

    def test_every_operation_documents_problem_answers(self) -> None:
        document = json.loads(openapi_json())
        for path, item in document["paths"].items():
            for method, operation in item.items():
                responses = operation["responses"]
                problems = [
                    code
                    for code, answer in responses.items()
                    if code.startswith(("4", "5"))
                    and "application/problem+json" in answer.get("content", {})
                ]
                assert "500" in problems, f"{method.upper()} {path}"
                assert all(
                    "application/json" not in responses[code].get("content", {})
                    for code in problems
                ), f"{method.upper()} {path}"
