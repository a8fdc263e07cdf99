"""Runs of `apply`: a skill map version evaluated for every learner, resumable by cursor."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from badge_issuer.db import Base


class ApplyState(StrEnum):
    RUNNING = "running"
    DONE = "done"


class SkillMapApply(Base):
    """One apply of a skill map version. Learners are visited in id order; `cursor` is the last
    learner id whose batch committed, so an interrupted run resumes after it."""

    __tablename__ = "skill_map_apply"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    skill_map_version_id: Mapped[int] = mapped_column(
        ForeignKey("skill_map_version.id"), index=True
    )
    state: Mapped[str] = mapped_column(String(16))
    started_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    learners_total: Mapped[int] = mapped_column(Integer, default=0)
    learners_done: Mapped[int] = mapped_column(Integer, default=0)
    learners_awarded: Mapped[int] = mapped_column(Integer, default=0)
    credentials_issued: Mapped[int] = mapped_column(Integer, default=0)
    # Learners who meet a new badge but whose email is not on file (nor given to this run):
    # a credential names its recipient by email, so they get it with their next completion.
    learners_deferred: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
