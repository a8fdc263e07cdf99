"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from badge_issuer import bootstrap
from badge_issuer.api.deps import SessionDep
from badge_issuer.problems import ProblemError, problem_responses

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]


class ReadinessCheck(BaseModel):
    name: str
    ok: bool
    detail: str


class Readiness(BaseModel):
    status: Literal["ready"]
    checks: list[ReadinessCheck]


class NotReady(ProblemError):
    slug = "not-ready"
    title = "Service is not ready"
    status = 503


@router.get("/health", response_model=Health)
def liveness() -> Health:
    """Answer as long as the process serves requests."""
    return Health(status="ok")


@router.get("/health/ready", response_model=Readiness, responses=problem_responses(503))
def ready(session: SessionDep) -> Readiness:
    """Check the database, the migrations and the signing keys before taking traffic."""
    results = [
        ReadinessCheck(name=c.name, ok=c.ok, detail=c.detail)
        for c in bootstrap.check_readiness(session)
    ]
    failed = [c for c in results if not c.ok]
    if failed:
        raise NotReady(
            "; ".join(f"{c.name}: {c.detail}" for c in failed),
            checks=[c.model_dump() for c in results],
        )
    return Readiness(status="ready", checks=results)
