"""Every error answer is RFC 9457 problem+json with the right status, and 500s leak nothing."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from badge_issuer.problems import PROBLEM_MEDIA_TYPE


def _assert_problem(response_json: dict[str, object], status: int) -> None:
    assert response_json["status"] == status
    for member in ("type", "title", "detail", "instance", "request_id"):
        assert member in response_json, member
    assert str(response_json["type"]).startswith("https://")


class _Body(BaseModel):
    name: str
    count: int


def _add_probe_routes(app: FastAPI) -> None:
    @app.post("/_probe/body")
    def probe_body(body: _Body) -> dict[str, str]:
        return {"name": body.name}

    @app.get("/_probe/boom")
    def probe_boom() -> None:
        raise RuntimeError("secret internal detail /etc/passwd")


class TestProblemAnswers:
    def test_unknown_path_is_404_problem(self, client: TestClient) -> None:
        response = client.get("/no/such/thing")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
        _assert_problem(response.json(), 404)

    def test_wrong_method_is_405_problem(self, client: TestClient) -> None:
        response = client.delete("/health")
        assert response.status_code == 405
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
        _assert_problem(response.json(), 405)

    def test_invalid_body_is_422_problem_listing_each_field(self, app: FastAPI) -> None:
        _add_probe_routes(app)
        with TestClient(app) as client:
            response = client.post("/_probe/body", json={"name": 5})
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
        body = response.json()
        _assert_problem(body, 422)
        pointers = {error["pointer"] for error in body["errors"]}
        assert pointers == {"/body/name", "/body/count"}

    def test_malformed_json_is_422_problem(self, app: FastAPI) -> None:
        _add_probe_routes(app)
        with TestClient(app) as client:
            response = client.post(
                "/_probe/body", content=b"{not json", headers={"content-type": "application/json"}
            )
        assert response.status_code == 422
        _assert_problem(response.json(), 422)

    def test_unexpected_exception_is_500_without_internals(self, app: FastAPI) -> None:
        _add_probe_routes(app)
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.get("/_probe/boom")
        assert response.status_code == 500
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
        body = response.json()
        _assert_problem(body, 500)
        text = response.text
        assert "secret internal detail" not in text
        assert "Traceback" not in text
        assert "RuntimeError" not in text
        assert body["request_id"] == response.headers["x-request-id"]

    def test_oversized_body_is_413_problem(self, app: FastAPI) -> None:
        _add_probe_routes(app)
        limit = app.state.settings.max_body_bytes
        with TestClient(app) as client:
            response = client.post(
                "/_probe/body",
                content=b"x" * (limit + 1),
                headers={"content-type": "application/json"},
            )
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
        _assert_problem(response.json(), 413)

    def test_client_request_id_is_echoed(self, client: TestClient) -> None:
        response = client.get("/nowhere", headers={"x-request-id": "abc12345-req"})
        assert response.headers["x-request-id"] == "abc12345-req"
        assert response.json()["request_id"] == "abc12345-req"
