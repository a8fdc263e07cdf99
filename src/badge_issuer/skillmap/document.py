"""The skill map file format (../shared/CONTRACT.md section 6) as typed, immutable pydantic models.

These models check shape and types only. Cross-references, duplicates, cycles and impossible
numbers are checked by `validation`, so that every problem in a file is reported at once.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Strict, Tag

from badge_issuer.kit.validators import require

RuleKind = Literal["course", "achievement", "all_of", "any_of", "n_of"]
RULE_KINDS: tuple[RuleKind, ...] = ("course", "achievement", "all_of", "any_of", "n_of")
# Tag names pydantic inserts into error locations at each rule union; `validation` strips them.
RULE_TAGS = frozenset(f"rule:{kind}" for kind in RULE_KINDS)

_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_ISSUER_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
_HTTP_URL = re.compile(r"https?://[^\s/?#]+[^\s]*")


_identifier = require(
    _IDENTIFIER.fullmatch, "must be 1-128 letters, digits, '.', '_' or '-', starting alphanumeric"
)
_issuer_slug = require(
    _ISSUER_SLUG.fullmatch, "must be a slug of lower-case letters, digits and inner '-'"
)
_http_url = require(_HTTP_URL.fullmatch, "must be an absolute http(s) URL")


Text = Annotated[str, Strict(), Field(min_length=1, max_length=4000)]
Identifier = Annotated[str, Strict(), AfterValidator(_identifier)]
ExternalId = Annotated[str, Strict(), Field(min_length=1, max_length=200)]
IssuerSlug = Annotated[str, Strict(), AfterValidator(_issuer_slug)]
HttpUrl = Annotated[str, Strict(), Field(max_length=2000), AfterValidator(_http_url)]
Count = Annotated[int, Strict()]
# A credential's validity: at most 100 years (an unbounded count overflowed the date of
# validUntil, so every completion earning the badge answered 500).
MAX_VALID_DAYS = 36_500
Days = Annotated[int, Strict(), Field(ge=1, le=MAX_VALID_DAYS)]
Score = Annotated[float, Strict()]


class _Entry(BaseModel):
    """Base of every skill map entry: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Framework(_Entry):
    id: Identifier
    name: Text
    url: HttpUrl


class Skill(_Entry):
    id: Identifier
    name: Text
    framework: Identifier
    code: ExternalId


class Course(_Entry):
    provider: ExternalId
    course_id: ExternalId
    name: Text
    skills: tuple[Identifier, ...]
    # Where a learner signs up for the course (shown with the courses still missing).
    url: HttpUrl | None = None

    @property
    def key(self) -> tuple[str, str]:
        """Return (provider, course_id), the identity of a course."""
        return (self.provider, self.course_id)


class CourseRef(_Entry):
    provider: ExternalId
    course_id: ExternalId
    min_score: Score | None = None

    @property
    def key(self) -> tuple[str, str]:
        """Return (provider, course_id) of the referenced course."""
        return (self.provider, self.course_id)


class _RuleBase(_Entry):
    within_days: Count | None = None


class CourseRule(_RuleBase):
    course: CourseRef


class AchievementRule(_RuleBase):
    achievement: Identifier


class AllOfRule(_RuleBase):
    all_of: tuple[Rule, ...]


class AnyOfRule(_RuleBase):
    any_of: tuple[Rule, ...]


class NOfRule(_RuleBase):
    n_of: Count
    of: tuple[Rule, ...]


_MODEL_KINDS: dict[type[BaseModel], RuleKind] = {
    CourseRule: "course",
    AchievementRule: "achievement",
    AllOfRule: "all_of",
    AnyOfRule: "any_of",
    NOfRule: "n_of",
}


INVALID_RULE_MESSAGE = (
    "a rule is a mapping with exactly one of: course, achievement, all_of, any_of, n_of"
)


def rule_tag(value: Any) -> str | None:
    """Pick the rule kind from the one kind key present; None (an error) if zero or several."""
    if isinstance(value, BaseModel):
        kind = _MODEL_KINDS.get(type(value))
        return None if kind is None else f"rule:{kind}"
    if not isinstance(value, dict):
        return None
    present = [kind for kind in RULE_KINDS if kind in value]
    return f"rule:{present[0]}" if len(present) == 1 else None


Rule = Annotated[
    Union[  # noqa: UP007 - Tag annotations need the explicit Union form
        Annotated[CourseRule, Tag("rule:course")],
        Annotated[AchievementRule, Tag("rule:achievement")],
        Annotated[AllOfRule, Tag("rule:all_of")],
        Annotated[AnyOfRule, Tag("rule:any_of")],
        Annotated[NOfRule, Tag("rule:n_of")],
    ],
    Discriminator(
        rule_tag, custom_error_type="invalid_rule", custom_error_message=INVALID_RULE_MESSAGE
    ),
]

for _model in (AllOfRule, AnyOfRule, NOfRule):
    _model.model_rebuild()


def rule_children(rule: Rule) -> tuple[Rule, ...]:
    """Return the sub-rules of a group rule, or () for a leaf."""
    if isinstance(rule, AllOfRule):
        return rule.all_of
    if isinstance(rule, AnyOfRule):
        return rule.any_of
    if isinstance(rule, NOfRule):
        return rule.of
    return ()


def rule_kind(rule: Rule) -> RuleKind:
    """Return which of the five kinds a parsed rule is."""
    return _MODEL_KINDS[type(rule)]


class AchievementHeader(_Entry):
    """Everything about an achievement but its rule (validation checks rules node by node)."""

    id: Identifier
    name: Text
    description: Text
    criteria: Text
    image: HttpUrl
    skills: tuple[Identifier, ...]
    valid_for_days: Days | None = None
    issuer: IssuerSlug = "default"


class Achievement(AchievementHeader):
    rule: Rule


GroupCode = Annotated[str, Strict(), Field(min_length=1, max_length=64)]


class GroupLabel(_Entry):
    """A region or category code as people read it (statistics show both)."""

    ja: Text
    en: Text | None = None


class GroupLabels(_Entry):
    """Optional names of the region and category codes providers send with learners."""

    region: dict[GroupCode, GroupLabel] = Field(default_factory=dict)
    category: dict[GroupCode, GroupLabel] = Field(default_factory=dict)


class SkillMap(_Entry):
    """A whole skill map. Build it through `validation.load_skill_map` to get it checked."""

    version: Text | None = None
    frameworks: tuple[Framework, ...]
    skills: tuple[Skill, ...]
    courses: tuple[Course, ...]
    achievements: tuple[Achievement, ...]
    labels: GroupLabels | None = None

    def find_course(self, provider: str, course_id: str) -> Course | None:
        """Return the course a provider knows as course_id, or None."""
        return next((c for c in self.courses if c.key == (provider, course_id)), None)

    def find_achievement(self, achievement_id: str) -> Achievement | None:
        """Return the achievement with this id, or None."""
        return next((a for a in self.achievements if a.id == achievement_id), None)


SECTIONS = ("frameworks", "skills", "courses", "achievements")
