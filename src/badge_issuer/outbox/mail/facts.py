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
    url: str | None = None  # the course page, when the skill map gives one
    min_score: str | None = None


@dataclass(frozen=True, slots=True)
class RulePart:
    """One requirement of a badge's rule, in words, and whether the learner meets it."""

    met: bool
    ja: str
    en: str


@dataclass(frozen=True, slots=True)
class NextBadge:
    name: str
    url: str
    met: int
    required: int
    missing: tuple[MissingCourse, ...] = ()  # courses still to take (any one of them helps)
    rule_ja: str = ""  # the rule in words: "3講座のうち2講座を修了"
    rule_en: str = ""
    status_ja: str = ""  # where the learner stands: "3講座のうち1講座を修了済み（あと1講座）"
    status_en: str = ""
    parts: tuple[RulePart, ...] = ()
    missing_badges: tuple[str, ...] = ()  # prerequisite badges not held, by name
    to_go: int = 0  # fewest further course completions, prerequisites' courses included


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
