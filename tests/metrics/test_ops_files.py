"""The dashboard and alert rules name only metrics the service exposes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

from badge_issuer.kit import metrics as _defined  # noqa: F401 - registers the in-process metrics

OPS = Path(__file__).resolve().parents[2] / "ops"
NAME = re.compile(r"\bbadge_issuer_[a-z_]+\b")
# Read from the database at scrape time (metrics.collectors), not registered in process.
SCRAPE_TIME = {
    "badge_issuer_database_up",
    "badge_issuer_signing_keys",
    "badge_issuer_active_signing_key_age_seconds",
    "badge_issuer_status_list_entries_allocated",
    "badge_issuer_status_list_entries_capacity",
    "badge_issuer_database_pool_connections",
    "badge_issuer_outbox_jobs",
    "badge_issuer_outbox_oldest_pending_age_seconds",
}


def _exposed() -> set[str]:
    names = set(SCRAPE_TIME)
    for family in REGISTRY.collect():
        names.update(sample.name for sample in family.samples)
        names.add(family.name)
        names.update(f"{family.name}{suffix}" for suffix in ("_total", "_bucket", "_count", "_sum"))
    return names


def _expressions() -> list[str]:
    rules = yaml.safe_load((OPS / "prometheus" / "alerts.yml").read_text(encoding="utf-8"))
    found = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    dashboard = json.loads((OPS / "grafana" / "badge-issuer.json").read_text(encoding="utf-8"))
    found += [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    return found


def test_every_metric_named_in_ops_files_exists() -> None:
    exposed = _exposed()
    named = {name for expr in _expressions() for name in NAME.findall(expr)}
    assert named, "the files name metrics"
    assert named <= exposed, sorted(named - exposed)


def test_alert_rules_are_complete() -> None:
    rules = yaml.safe_load((OPS / "prometheus" / "alerts.yml").read_text(encoding="utf-8"))
    for rule in rules["groups"][0]["rules"]:
        assert {"alert", "expr", "for", "labels", "annotations"} <= set(rule)
        assert rule["annotations"]["description"].strip()
