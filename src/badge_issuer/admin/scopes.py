"""The scopes an admin token can carry."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    ISSUERS = "issuers"
    KEYS = "keys"
    PROVIDERS = "providers"
    SKILLMAP = "skillmap"
    CREDENTIALS = "credentials"
    STATS = "stats"
    # Signs whatever it is given (W3C VC API): never granted implicitly.
    ISSUE = "issue"
    # Reads the Prometheus metrics (GET /metrics).
    METRICS = "metrics"
