"""Skill map problems."""

from __future__ import annotations

from badge_issuer.problems import Forbidden, NotFound, ValidationFailed


class SkillMapInvalid(ValidationFailed):
    slug = "skill-map-invalid"
    title = "Skill map is not valid"


class NoSkillMap(NotFound):
    slug = "no-skill-map"
    title = "No skill map is loaded"


class AchievementNotFound(NotFound):
    slug = "achievement-not-found"
    title = "Achievement not found"


class SkillMapPartForbidden(Forbidden):
    slug = "skill-map-part-forbidden"
    title = "The part changes another issuer's entries"
