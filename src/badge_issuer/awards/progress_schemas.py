"""API shape of a learner's badges and the way to the others (for providers' LMS pages)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from badge_issuer.awards.schemas import CredentialState


class WordsRead(BaseModel):
    """One sentence in Japanese and English."""

    ja: str
    en: str


class CourseStepRead(BaseModel):
    provider: str
    course_id: str
    name: str
    url: str | None = Field(description="Where to take the course, when the skill map says.")
    min_score: float | None
    completed_at: datetime | None = Field(description="Set on courses done.")


class RequirementRead(BaseModel):
    """One part of the rule, explained (courses, held badges, groups of them)."""

    kind: str
    met: bool
    words: WordsRead
    need: int
    within_days: int | None
    course: CourseStepRead | None = None
    achievement_id: str | None = None
    children: list[RequirementRead] = []


class BadgeRef(BaseModel):
    achievement_id: str
    name: str


class WayRead(BaseModel):
    """The way to one badge not held yet."""

    achievement_id: str
    name: str
    url: str
    met: int
    required: int
    rule: WordsRead = Field(description="The rule in words, e.g. 3講座のうち2講座を修了.")
    status: WordsRead = Field(description="Where the learner stands.")
    done: list[CourseStepRead]
    missing: list[CourseStepRead] = Field(
        description="Courses of the unmet parts of the rule; any of them brings the badge nearer."
    )
    missing_achievements: list[BadgeRef]
    courses_to_go: int = Field(
        description="Fewest further course completions that could earn it, counting the "
        "courses of prerequisite badges not held yet."
    )
    blocked: bool = Field(
        description="A revoked credential stands in the way: rules will not award it."
    )
    requirement: RequirementRead


class HeldBadgeRead(BaseModel):
    achievement_id: str
    name: str
    issuer: str
    credential_url: str
    state: CredentialState
    issued_at: datetime
    valid_until: datetime | None


class LearnerWaysRead(BaseModel):
    """Every badge a learner holds (any issuer, revoked/expired marked), and the way to others."""

    skill_map_version: str | None
    held: list[HeldBadgeRead]
    progress: list[WayRead]
    next: list[str] = Field(description="The nearest badges (fewest courses to go), at most 3.")


RequirementRead.model_rebuild()
