"""API shapes of the skill map admin endpoints and the public catalog."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


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


class SkillMapPartRead(BaseModel):
    """One issuer's part of the current map (entries as in the skill map file)."""

    issuer: str
    version_id: int | None
    frameworks: list[dict[str, Any]]
    skills: list[dict[str, Any]]
    courses: list[dict[str, Any]]
    achievements: list[dict[str, Any]]


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


class EndorserRead(BaseModel):
    """An issuer vouching for the achievement, with its signed endorsement."""

    issuer: str
    name: str
    id: str
    comment: str
    endorsement_url: str


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
    # Issuers endorsing this achievement (signed EndorsementCredentials in force).
    endorsed_by: list[EndorserRead] = []


class Catalog(BaseModel):
    skill_map_version: str
    achievements: list[CatalogAchievement]
