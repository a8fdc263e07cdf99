"""Helpers for outbox tests: a settable clock, earning a badge, reading the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.kit.clock import utc_now
from badge_issuer.notifications import runtime
from badge_issuer.outbox.dispatcher import Dispatcher
from badge_issuer.outbox.models import OutboxJob
from tests.harness import Harness

BRONZE_COURSES = ("DXL-101", "DATA-110")


@dataclass
class SteppedClock:
    """Real time, plus whatever the test skipped ahead."""

    skipped: timedelta = timedelta()

    def __call__(self) -> datetime:
        return utc_now() + self.skipped

    def skip(self, seconds: float) -> None:
        self.skipped += timedelta(seconds=seconds)


def dispatcher(app: FastAPI, settings: Settings, clock: SteppedClock) -> Dispatcher:
    return runtime.dispatcher(app.state.engine, settings, clock)


def set_callback(harness: Harness, provider_id: str, url: str | None) -> None:
    response = harness.client.patch(
        f"/v1/admin/providers/{provider_id}", json={"callback_url": url}, headers=harness.admin
    )
    assert response.status_code == 200, response.text


def earn_bronze(harness: Harness, email: str = "hanako@example.jp") -> dict[str, Any]:
    """Two manabi-portal courses: the second completion earns dx-literacy-bronze."""
    answer: dict[str, Any] = {}
    for day, course in enumerate(BRONZE_COURSES, start=1):
        response = harness.post_completion(
            "manabi-portal",
            {
                "learner": {"email": email},
                "course_id": course,
                "completed_at": f"2026-11-{day:02d}T10:00:00+09:00",
            },
        )
        assert response.status_code == 201, response.text
        answer = response.json()
    assert [a["achievement_id"] for a in answer["awards"]] == ["dx-literacy-bronze"]
    return answer


def jobs(app: FastAPI, channel: str | None = None) -> list[OutboxJob]:
    for session in session_scope(app.state.session_factory):
        statement = select(OutboxJob).order_by(OutboxJob.id)
        if channel is not None:
            statement = statement.where(OutboxJob.channel == channel)
        found = list(session.scalars(statement))
    return found


def deliveries(harness: Harness, **params: str) -> list[dict[str, Any]]:
    response = harness.client.get("/v1/admin/deliveries", params=params, headers=harness.admin)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def jobs_in(session: Session) -> int:
    """Jobs visible in this (uncommitted) session."""
    return int(session.scalar(select(func.count()).select_from(OutboxJob)) or 0)
