"""The route label of an answer that routing did not reach: one lookup, the routing order kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from badge_issuer.config import Settings
from badge_issuer.main import create_app
from badge_issuer.metrics.http import UNMATCHED, WEBHOOK_ROUTE, RouteLabels, _route_template

_PARAMETER = re.compile(r"\{([^}:]+)(:[^}]+)?\}")


def _routes_in_order(app: FastAPI) -> list[tuple[str, re.Pattern[str]]]:
    return [
        (context.path, context.path_regex)
        for context in iter_route_contexts(app.routes)
        if context.path is not None and isinstance(getattr(context, "path_regex", None), re.Pattern)
    ]


def _first_matching(routes: list[tuple[str, re.Pattern[str]]], path: str) -> str:
    """What routing order says, route by route (the lookup must agree with it)."""
    return next((template for template, regex in routes if regex.match(path)), UNMATCHED)


def _example(template: str) -> str:
    """A concrete path of a template: `x` for each parameter, `a/b` for a `:path` one."""
    return _PARAMETER.sub(lambda m: "a/b" if m.group(2) == ":path" else "x", template)


def _scope(app: FastAPI, path: str) -> dict[str, object]:
    return {"type": "http", "method": "GET", "path": path, "root_path": "", "app": app}


@pytest.fixture
def bare_app(tmp_path: Path) -> FastAPI:
    settings = Settings(
        _env_file=None,
        database_url="sqlite://",
        public_url="http://localhost:8000",
        key_encryption_key_file=tmp_path / "master.key",
    )
    return create_app(settings)


class TestLookup:
    def test_every_route_is_labelled_as_routing_order_would_choose(self, bare_app: FastAPI) -> None:
        routes = _routes_in_order(bare_app)
        assert len(routes) > 50
        for template, _regex in routes:
            path = _example(template)
            assert _route_template(_scope(bare_app, path)) == _first_matching(routes, path), path
        # The webhook's own template, not a shadowing route's.
        assert _route_template(_scope(bare_app, "/v1/providers/p-1/completions")) == WEBHOOK_ROUTE

    @pytest.mark.parametrize(
        "path",
        ["/nope", "/", "/health/", "/v1/providers/p/completions/", "/credentials", "/health/x"],
    )
    def test_a_path_no_route_matches_is_unmatched_else_its_route(
        self, bare_app: FastAPI, path: str
    ) -> None:
        expected = _first_matching(_routes_in_order(bare_app), path)
        assert _route_template(_scope(bare_app, path)) == expected
        if path in ("/nope", "/health/", "/v1/providers/p/completions/", "/health/x"):
            assert expected == UNMATCHED

    def test_the_first_of_two_matching_routes_wins(self) -> None:
        app = FastAPI()
        app.get("/items/{item_id}")(lambda item_id: item_id)
        app.get("/items/special")(lambda: "special")
        labels = RouteLabels(app.routes)
        assert labels.template("/items/special") == "/items/{item_id}"
        assert labels.template("/items/7") == "/items/{item_id}"
        assert labels.template("/items") == UNMATCHED

    def test_a_route_added_after_the_first_lookup_is_found(self, bare_app: FastAPI) -> None:
        assert _route_template(_scope(bare_app, "/_probe/late")) == UNMATCHED
        bare_app.get("/_probe/late")(lambda: "late")
        assert _route_template(_scope(bare_app, "/_probe/late")) == "/_probe/late"


def _sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class TestRefusedBeforeRouting:
    def test_a_rate_limited_webhook_is_counted_under_its_route_as_an_unauthenticated_refusal(
        self, settings: Settings
    ) -> None:
        limited = settings.model_copy(update={"rate_limit_webhook": "1/minute"})
        app = create_app(limited)
        requests = {"route": WEBHOOK_ROUTE, "method": "POST", "status": "429"}
        refused = {"provider": "unauthenticated", "outcome": "refused", "reason": ""}
        before = _sample("badge_issuer_http_requests_total", requests)
        before_refused = _sample("badge_issuer_webhook_deliveries_total", refused)
        try:
            with TestClient(app) as client:
                url = "/v1/providers/rate-probe/completions"
                assert client.post(url, content=b"{}").status_code == 401
                assert client.post(url, content=b"{}").status_code == 429
        finally:
            app.state.engine.dispose()
        assert _sample("badge_issuer_http_requests_total", requests) == before + 1
        assert _sample("badge_issuer_webhook_deliveries_total", refused) == before_refused + 1
