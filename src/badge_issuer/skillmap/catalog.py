"""What a public catalog shows of an achievement: the courses to take, the skills it aligns to."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from badge_issuer.skillmap.document import (
    Achievement,
    AchievementRule,
    Course,
    CourseRule,
    Rule,
    SkillMap,
    rule_children,
)


class UnknownAchievement(LookupError):
    """The skill map has no achievement with this id."""


@dataclass(frozen=True, slots=True)
class CourseOption:
    """A course that counts toward an achievement, and the score it must reach (if any)."""

    course: Course
    min_score: float | None


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """The courses behind an achievement: its own, and those of its prerequisites."""

    achievement: Achievement
    courses: tuple[CourseOption, ...]  # named in its own rule, in rule order
    prerequisites: tuple[str, ...]  # achievements its own rule names
    all_courses: tuple[CourseOption, ...]  # own courses, then prerequisites' (transitively)


@dataclass(frozen=True, slots=True)
class Alignment:
    """One skill of an achievement, as an OB 3.0 Alignment (targetUrl is the framework's url)."""

    target_name: str
    target_url: str
    target_framework: str
    target_code: str


def _leaves(rule: Rule) -> Iterator[Rule]:
    if isinstance(rule, CourseRule | AchievementRule):
        yield rule
    for child in rule_children(rule):
        yield from _leaves(child)


def _own_requirements(
    skill_map: SkillMap, achievement: Achievement
) -> tuple[list[CourseOption], list[str]]:
    courses: dict[tuple[str, str], Course] = {course.key: course for course in skill_map.courses}
    options: dict[tuple[tuple[str, str], float | None], CourseOption] = {}
    prerequisites: dict[str, None] = {}
    for leaf in _leaves(achievement.rule):
        if isinstance(leaf, AchievementRule):
            prerequisites[leaf.achievement] = None
        elif isinstance(leaf, CourseRule) and leaf.course.key in courses:
            option = CourseOption(courses[leaf.course.key], leaf.course.min_score)
            options.setdefault((leaf.course.key, leaf.course.min_score), option)
    return list(options.values()), list(prerequisites)


def catalog_entry(skill_map: SkillMap, achievement_id: str) -> CatalogEntry:
    """Return the catalog entry of one achievement of a validated skill map."""
    by_id = {achievement.id: achievement for achievement in skill_map.achievements}
    if achievement_id not in by_id:
        raise UnknownAchievement(achievement_id)
    own_courses, prerequisites = _own_requirements(skill_map, by_id[achievement_id])
    all_courses = list(own_courses)
    visited, pending = {achievement_id}, list(prerequisites)
    while pending:
        current = pending.pop(0)
        if current in visited or current not in by_id:
            continue
        visited.add(current)
        courses, more = _own_requirements(skill_map, by_id[current])
        all_courses.extend(option for option in courses if option not in all_courses)
        pending.extend(more)
    return CatalogEntry(
        by_id[achievement_id], tuple(own_courses), tuple(prerequisites), tuple(all_courses)
    )


def alignments(skill_map: SkillMap, achievement: Achievement) -> tuple[Alignment, ...]:
    """Return one alignment per skill of the achievement, pointing at the skill's framework."""
    frameworks = {framework.id: framework for framework in skill_map.frameworks}
    skills = {skill.id: skill for skill in skill_map.skills}
    return tuple(
        Alignment(
            target_name=skills[skill_id].name,
            target_url=frameworks[skills[skill_id].framework].url,
            target_framework=frameworks[skills[skill_id].framework].name,
            target_code=skills[skill_id].code,
        )
        for skill_id in achievement.skills
    )
