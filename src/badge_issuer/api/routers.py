"""Every router of the service, in the order they appear in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from badge_issuer.api import audit, health

ALL: list[APIRouter] = [
    health.router,
    audit.router,
]

TAGS: list[dict[str, Any]] = [
    {"name": "health", "description": "Liveness and readiness probes."},
    {"name": "admin: audit", "description": "Append-only log of admin actions (scope `issuers`)."},
]
