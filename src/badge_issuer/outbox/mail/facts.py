"""What an award mail says, as plain data (gathered by compose.py, rendered by render.py)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class CompletedCourse:
    course_name: str
    provider_name: str
    completed_on: str  # a date in Japan time, YYYY-MM-DD
    score: str | None = None


@dataclass(frozen=True, slots=True)
class MissingCourse:
    course_name: str
    provider_name: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class NextBadge:
    name: str
    url: str
    met: int
    required: int
    missing: tuple[MissingCourse, ...] = ()


@dataclass(frozen=True, slots=True)
class AwardMailFacts:
    achievement_name: str
    achievement_description: str
    criteria: str
    issuer_name: str
    credential_url: str
    claim_url: str
    claim_expires_on: str
    valid_until: str | None
    completions: tuple[CompletedCourse, ...]
    narratives: tuple[str, ...] = ()  # a direct award's reasons, in the admin's words
    next_badges: tuple[NextBadge, ...] = field(default_factory=tuple)
