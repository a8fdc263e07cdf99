"""GET /metrics: scoped, parsed by Prometheus' own parser, and exact about what happened."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from badge_issuer.admin.scopes import Scope
from tests.admin.factories import bearer, make_token
from tests.harness import Harness
from tests.metrics import script
from tests.metrics.expectations import expected_increments


def _scrape(client: TestClient, headers: dict[str, str]) -> dict[Any, float]:
    answer = client.get("/metrics", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    return script.samples(answer.text)


class TestAccess:
    def test_no_token_is_401_and_another_scope_403(self, harness: Harness) -> None:
        assert harness.client.get("/metrics").status_code == 401
        other = bearer(make_token(harness.client.app, Scope.STATS))  # type: ignore[arg-type]
        assert harness.client.get("/metrics", headers=other).status_code == 403

    def test_the_answer_is_the_text_format_with_database_gauges(self, harness: Harness) -> None:
        reader = bearer(make_token(harness.client.app, Scope.METRICS))  # type: ignore[arg-type]
        answer = harness.client.get("/metrics", headers=reader)
        families = {f.name: f for f in text_string_to_metric_families(answer.text)}
        assert families["badge_issuer_database_up"].samples[0].value == 1
        keys = families["badge_issuer_signing_keys"].samples
        assert [(s.labels["issuer"], s.labels["state"], s.value) for s in keys] == [
            ("default", "active", 1.0)
        ]
        queues = families["badge_issuer_outbox_jobs"].samples
        assert {(s.labels["channel"], s.labels["state"]) for s in queues} == {
            ("mail", "pending"), ("mail", "dead"), ("callbacks", "pending"), ("callbacks", "dead")
        }
        capacity = families["badge_issuer_status_list_entries_capacity"]
        assert capacity.type == "gauge"
        for name, family in families.items():
            assert name.startswith("badge_issuer_") or name.startswith(("python_", "process_"))
            for sample in family.samples:
                assert not {"learner", "credential", "email", "webhook_id"} & set(sample.labels)


class TestScriptedRun:
    def test_counters_move_by_exactly_what_happened(self, harness: Harness) -> None:
        reader = bearer(make_token(harness.client.app, Scope.METRICS))  # type: ignore[arg-type]
        before = _scrape(harness.client, reader)
        credential = script.run(
            harness.client,
            secret=harness.secrets["manabi-portal"],
            admin=harness.admin,
            email="metrics@example.jp",
        )
        after = _scrape(harness.client, reader)
        for name, labels, increment in expected_increments(credential):
            grown = script.value(after, name, **labels) - script.value(before, name, **labels)
            assert grown == increment, (name, labels, grown)
        allocated = script.value(
            after, "badge_issuer_status_list_entries_allocated", issuer="default"
        )
        assert (
            allocated
            == script.value(before, "badge_issuer_status_list_entries_allocated", issuer="default")
            + 1
        )
