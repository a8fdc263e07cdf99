"""Every router of the service, in the order they appear in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from badge_issuer.api import audit, catalog, health, skillmap

ALL: list[APIRouter] = [
    health.router,
    audit.router,
    skillmap.router,
    catalog.router,
]

TAGS: list[dict[str, Any]] = [
    {"name": "health", "description": "Liveness and readiness probes."},
    {"name": "admin: audit", "description": "Append-only log of admin actions (scope `issuers`)."},
    {
        "name": "admin: skill map",
        "description": "Courses, skills and badge rules (scope `skillmap`).",
    },
    {
        "name": "catalog",
        "description": "Public list of badges and the courses that count toward them.",
    },
]
