"""Every router of the service, in the order they appear in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from badge_issuer.api import health

ALL: list[APIRouter] = [health.router]

TAGS: list[dict[str, Any]] = [
    {"name": "health", "description": "Liveness and readiness probes."},
]
