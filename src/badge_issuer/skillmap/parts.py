"""Each issuer's part of the skill map: cut it out of the whole, and merge a new one in (pure).

An issuer owns its achievements (`issuer: <slug>`) and the courses only its achievements use.
Frameworks and skills are a shared vocabulary: a part may add entries, and repeat existing ones
unchanged. Merging never touches another issuer's achievements or the courses they use; the
merged map is then validated as a whole by `validation` (so an A rule may require B's
achievement: stacking across organisations).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from badge_issuer.skillmap.findings import SkillMapError

DEFAULT_ISSUER = "default"
_PART_KEYS = frozenset({"frameworks", "skills", "courses", "achievements"})


@dataclass(frozen=True, slots=True)
class MergedMap:
    """The whole map with the part merged in, or why it could not be merged."""

    data: dict[str, Any] | None
    # Entries of other issuers the part would change (403), and shape errors of the part (422).
    forbidden: tuple[SkillMapError, ...] = ()
    errors: tuple[SkillMapError, ...] = field(default=())


def _issuer_of(achievement: Mapping[str, Any]) -> str:
    return str(achievement.get("issuer", DEFAULT_ISSUER))


def _course_key(course: Mapping[str, Any]) -> tuple[str, str]:
    return (str(course.get("provider")), str(course.get("course_id")))


def _rule_courses(rule: Any) -> Iterator[tuple[str, str]]:
    """Yield (provider, course_id) of every course leaf of a rule (plain data)."""
    stack = [rule]
    while stack:
        node = stack.pop()
        if not isinstance(node, Mapping):
            continue
        course = node.get("course")
        if isinstance(course, Mapping):
            yield _course_key(course)
        for key in ("all_of", "any_of", "of"):
            children = node.get(key)
            if isinstance(children, list):
                stack.extend(children)


def _courses_used(achievements: list[Mapping[str, Any]]) -> set[tuple[str, str]]:
    return {key for a in achievements for key in _rule_courses(a.get("rule"))}


def issuer_part(whole: Mapping[str, Any], slug: str) -> dict[str, Any]:
    """Return the issuer's achievements, the courses they use and the vocabulary they name."""
    achievements = [a for a in whole.get("achievements", []) if _issuer_of(a) == slug]
    used = _courses_used(achievements)
    courses = [c for c in whole.get("courses", []) if _course_key(c) in used]
    skill_ids = {s for entry in [*achievements, *courses] for s in entry.get("skills", [])}
    skills = [s for s in whole.get("skills", []) if s.get("id") in skill_ids]
    framework_ids = {s.get("framework") for s in skills}
    frameworks = [f for f in whole.get("frameworks", []) if f.get("id") in framework_ids]
    return {
        "frameworks": frameworks,
        "skills": skills,
        "courses": courses,
        "achievements": achievements,
    }


def _entries(part: Mapping[str, Any], key: str, errors: list[SkillMapError]) -> list[Any]:
    value = part.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        errors.append(SkillMapError(key, "must be a list of mappings"))
        return []
    return [dict(item) for item in value]


def merge_part(whole: Mapping[str, Any] | None, part: Any, slug: str) -> MergedMap:
    """Replace the issuer `slug`'s part of `whole` (a map as plain data) by `part`."""
    if not isinstance(part, Mapping):
        return MergedMap(None, errors=(SkillMapError("", "the part must be a mapping"),))
    errors = [SkillMapError(str(key), "unknown section") for key in set(part) - _PART_KEYS]
    sections = {key: _entries(part, key, errors) for key in sorted(_PART_KEYS)}
    if errors:
        return MergedMap(None, errors=tuple(errors))
    whole = whole or {"frameworks": [], "skills": [], "courses": [], "achievements": []}
    forbidden: list[SkillMapError] = []
    new_achievements = _own_achievements(whole, sections["achievements"], slug, forbidden)
    others = [a for a in whole.get("achievements", []) if _issuer_of(a) != slug]
    courses = _merged_courses(whole, sections["courses"], slug, others, forbidden)
    vocabulary = {
        key: _merged_vocabulary(whole, sections[key], key, forbidden)
        for key in ("frameworks", "skills")
    }
    if forbidden:
        return MergedMap(None, forbidden=tuple(forbidden))
    achievements = [*others, *new_achievements]
    still_used = _courses_used(achievements) | {_course_key(c) for c in sections["courses"]}
    old_own = _courses_used([a for a in whole.get("achievements", []) if _issuer_of(a) == slug])
    # The issuer's old courses that no achievement uses any more leave with its achievements.
    kept = [c for c in courses if _course_key(c) not in old_own or _course_key(c) in still_used]
    merged = {key: value for key, value in whole.items() if key not in _PART_KEYS}
    merged.update(vocabulary, courses=kept, achievements=achievements)
    return MergedMap(merged)


def _own_achievements(
    whole: Mapping[str, Any],
    achievements: list[dict[str, Any]],
    slug: str,
    forbidden: list[SkillMapError],
) -> list[dict[str, Any]]:
    owners = {a.get("id"): _issuer_of(a) for a in whole.get("achievements", [])}
    for index, achievement in enumerate(achievements):
        achievement.setdefault("issuer", slug)
        path = f"achievements[{index}]"
        if achievement["issuer"] != slug:
            message = f"belongs to issuer {achievement['issuer']!r}, not {slug!r}"
            forbidden.append(SkillMapError(f"{path}.issuer", message))
        owner = owners.get(achievement.get("id"))
        if owner is not None and owner != slug:
            message = f"achievement {achievement.get('id')!r} belongs to issuer {owner!r}"
            forbidden.append(SkillMapError(f"{path}.id", message))
    return achievements


def _merged_courses(
    whole: Mapping[str, Any],
    courses: list[dict[str, Any]],
    slug: str,
    others: list[Mapping[str, Any]],
    forbidden: list[SkillMapError],
) -> list[dict[str, Any]]:
    """Upsert the part's courses; a course another issuer's achievement uses stays as it is."""
    used_by_others = _courses_used(others)
    merged = {_course_key(c): dict(c) for c in whole.get("courses", [])}
    for index, course in enumerate(courses):
        key = _course_key(course)
        if key in merged and merged[key] != course and key in used_by_others:
            message = (
                f"course {key[1]!r} of provider {key[0]!r} is used by another issuer's "
                "achievements; it can only be repeated unchanged"
            )
            forbidden.append(SkillMapError(f"courses[{index}]", message))
        merged[key] = course
    return list(merged.values())


def _merged_vocabulary(
    whole: Mapping[str, Any],
    entries: list[dict[str, Any]],
    section: str,
    forbidden: list[SkillMapError],
) -> list[dict[str, Any]]:
    """Add the part's frameworks or skills; existing ones may only be repeated unchanged."""
    merged = {entry.get("id"): dict(entry) for entry in whole.get(section, [])}
    for index, entry in enumerate(entries):
        existing = merged.get(entry.get("id"))
        if existing is not None and existing != entry:
            message = f"{section[:-1]} {entry.get('id')!r} exists with other values (shared)"
            forbidden.append(SkillMapError(f"{section}[{index}]", message))
            continue
        merged[entry.get("id")] = entry
    return list(merged.values())
