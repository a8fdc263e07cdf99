"""API shapes of the skill map admin endpoints and the public catalog."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field


class SkillMapVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    label: str
    content_hash: str
    created_by: str
    created_at: datetime
    is_current: bool


class SkillMapRead(SkillMapVersionRead):
    content: dict[str, Any]


class SkillMapIssue(BaseModel):
    pointer: str
    message: str


class SkillMapCheckResult(BaseModel):
    ok: bool
    errors: list[SkillMapIssue]
    content_hash: str | None = None


class CourseOptionRead(BaseModel):
    provider: str
    course_id: str
    name: str
    min_score: float | None = None


class CatalogAchievement(BaseModel):
    """A badge as a learner sees it: what it certifies, and what to study for it."""

    id: str
    url: str
    name: str
    description: str
    criteria: str
    image: str
    issuer: str
    valid_for_days: int | None
    skills: list[str]
    alignment: list[dict[str, str]]
    prerequisites: list[str]
    courses: list[CourseOptionRead]
    all_courses: list[CourseOptionRead]
    achievement: dict[str, Any]


class Catalog(BaseModel):
    skill_map_version: str
    achievements: list[CatalogAchievement]


class LearnerImpactRead(BaseModel):
    """A learner who would newly earn badges (internal id: emails are not kept in clear)."""

    learner_id: int
    region: str | None
    category: str | None
    achievements: list[str]
    email_on_file: bool


class ImpactRead(BaseModel):
    """What a skill map would change for existing learners, without issuing anything."""

    learners_checked: int
    learners_affected: int
    learners_without_email: int = Field(
        description="Affected learners whose email is not stored: apply can issue to them only "
        "when their emails are given to the run; otherwise with their next completion."
    )
    per_achievement: dict[str, int]
    sample: list[LearnerImpactRead]


class SkillMapCheckedRead(SkillMapCheckResult):
    impact: ImpactRead | None = None


class SkillMapLoadedRead(SkillMapRead):
    impact: ImpactRead | None = None


class ApplyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    emails: list[Annotated[str, Field(min_length=3, max_length=320)]] = Field(
        default=[],
        max_length=10_000,
        description="Addresses of learners whose email is not stored; matched by keyed hash, "
        "used for this call only, never stored.",
    )
    batches: int = Field(default=10, ge=1, le=100, description="Batches of learners this call.")
    batch_size: int = Field(default=200, ge=1, le=1000, description="Learners per batch.")


class ApplyRunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    skill_map_version_id: int
    state: str
    started_by: str
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    learners_total: int
    learners_done: int
    learners_awarded: int
    credentials_issued: int
    learners_deferred: int
